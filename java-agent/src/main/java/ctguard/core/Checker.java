package ctguard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Judges a node's headroom. */
public final class Checker {
    private Checker() {
    }

    public static Verdict judge(NodeState node, LogScan log, CheckPolicy policy) {
        Usage usage = Usage.of(node);
        List<Verdict.Reason> reasons = new ArrayList<>();
        String fill = "table %s full (%d of %d entries)".formatted(percent(usage.fullestFillRatio()), usage.fullestCount(), usage.max())
                + (usage.fullestNamespace() == null ? "" : " in network namespace " + usage.fullestNamespace());
        if (usage.fullestFillRatio() >= policy.critFill()) {
            reasons.add(new Verdict.Reason(Status.CRITICAL, "fill", fill + ", at or above the critical " + percent(policy.critFill())));
        } else if (usage.fullestFillRatio() >= policy.warnFill()) {
            reasons.add(new Verdict.Reason(Status.WARNING, "fill", fill + ", at or above the warning " + percent(policy.warnFill())));
        }
        if (usage.entriesPerBucket() > policy.maxChain()) {
            reasons.add(new Verdict.Reason(Status.WARNING, "chain_length",
                    "%s entries per bucket on average, above %s: lookups walk long chains; raise the buckets"
                            .formatted(decimal(usage.entriesPerBucket()), decimal(policy.maxChain()))));
        } else if (usage.entriesPerBucketAtMax() > policy.maxChain()) {
            reasons.add(new Verdict.Reason(Status.WARNING, "chain_length_at_max",
                    "a full table would average %s entries per bucket (max %d over %d buckets), above %s; raise the buckets"
                            .formatted(decimal(usage.entriesPerBucketAtMax()), usage.max(), usage.buckets(), decimal(policy.maxChain()))));
        }
        if (log.readable() && log.matches() > 0) {
            reasons.add(new Verdict.Reason(Status.CRITICAL, "table_full_log",
                    "kernel log has %d '%s' line%s within the last %s (latest %s)".formatted(log.matches(), LogScan.TABLE_FULL,
                            log.matches() == 1 ? "" : "s", Units.formatDuration(java.time.Duration.ofSeconds(log.sinceSeconds())), log.lastAt())));
        }
        ConntrackStats s = node.stats();
        if (s != null && policy.onDrops() != Status.OK && (positive(s.drop()) || positive(s.earlyDrop()) || positive(s.insertFailed()))) {
            reasons.add(new Verdict.Reason(policy.onDrops(), "drops",
                    "drop counters since boot: drop=%s early_drop=%s insert_failed=%s".formatted(s.drop(), s.earlyDrop(), s.insertFailed())));
        }
        Status status = reasons.stream().map(Verdict.Reason::status).reduce(Status.OK, Status::worse);
        if (reasons.isEmpty()) {
            reasons.add(new Verdict.Reason(Status.OK, "headroom", fill + ", " + decimal(usage.entriesPerBucket()) + " entries per bucket"));
        }
        return new Verdict(status, List.copyOf(reasons));
    }

    private static boolean positive(Long v) {
        return v != null && v > 0;
    }

    static String percent(double ratio) {
        return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
    }

    static String decimal(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
