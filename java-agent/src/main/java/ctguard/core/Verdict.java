package ctguard.core;

import java.util.List;

/**
 * The check's outcome: the worst status among the reasons, the thresholds they were judged against, and what
 * could not be read (a monitoring user without root: the kernel log, other namespaces, the slab). What was not
 * read is said beside the verdict, never judged: an unread kernel log is not a table-full line.
 *
 * @param notRead short names of the sources not read, in the order the check reads them; empty when all were
 */
public record Verdict(Status status, List<Reason> reasons, CheckPolicy policy, List<String> notRead) {
    public Verdict {
        reasons = List.copyOf(reasons);
        notRead = List.copyOf(notRead);
    }

    public Verdict withNotRead(List<String> sources) {
        return new Verdict(status, reasons, policy, sources);
    }

    /** @param code stable identifier for machines, e.g. "fill", "table_full_log" */
    public record Reason(Status status, String code, String message) {
    }
}
