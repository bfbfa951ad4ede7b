package ctguard.core;

import java.util.List;

/** The check's outcome: the worst status among the reasons, and the thresholds they were judged against. */
public record Verdict(Status status, List<Reason> reasons, CheckPolicy policy) {
    /** @param code stable identifier for machines, e.g. "fill", "table_full_log" */
    public record Reason(Status status, String code, String message) {
    }
}
