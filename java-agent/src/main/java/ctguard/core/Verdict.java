package ctguard.core;

import java.util.List;

/** The check's outcome: the worst status among the reasons. */
public record Verdict(Status status, List<Reason> reasons) {
    /** @param code stable identifier for machines, e.g. "fill", "table_full_log" */
    public record Reason(Status status, String code, String message) {
    }
}
