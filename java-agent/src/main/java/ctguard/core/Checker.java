package ctguard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Judges a node's headroom. */
public final class Checker {
    private Checker() {
    }

    /**
     * @param budget   the memory budget one full table is held against
     * @param increase the counters' rise since the previous check, or null to judge their totals since boot
     */
    public static Verdict judge(NodeState node, LogScan log, CheckPolicy policy, MemoryBudget budget, CounterIncrease increase) {
        Usage usage = Usage.of(node);
        Memory memory = Memory.of(node, budget);
        List<Verdict.Reason> reasons = new ArrayList<>();
        String fill = usage.unlimited()
                ? "%d entries, no limit (nf_conntrack_max 0)".formatted(usage.fullestCount())
                : "table %s full (%d of %d entries)".formatted(Units.formatPercent(usage.fullestFillRatio()), usage.fullestCount(), usage.max());
        fill += usage.fullestNamespace() == null ? "" : " in network namespace " + usage.fullestNamespace();
        if (usage.unlimited()) {
            reasons.add(new Verdict.Reason(Status.WARNING, "unlimited",
                    "nf_conntrack_max is 0: the kernel sets no limit, so conntrack's kernel memory has no bound; 'ctguard tune' sets the balanced max %d"
                            .formatted(balancedMax(node, budget))));
        } else if (usage.fullestFillRatio() >= policy.critFill()) {
            reasons.add(new Verdict.Reason(Status.CRITICAL, "fill", fill + ", at or above the critical " + Units.formatPercent(policy.critFill())));
        } else if (usage.fullestFillRatio() >= policy.warnFill()) {
            reasons.add(new Verdict.Reason(Status.WARNING, "fill", fill + ", at or above the warning " + Units.formatPercent(policy.warnFill())));
        }
        if (usage.entriesPerBucket() > policy.maxChain()) {
            reasons.add(new Verdict.Reason(Status.WARNING, "chain_length",
                    "%s entries per bucket on average%s, above %s: lookups walk long chains; raise the buckets"
                            .formatted(decimal(usage.entriesPerBucket()),
                                    usage.unlimited() ? "" : " (" + decimal(usage.entriesPerBucketAtMax()) + " at max)", decimal(policy.maxChain()))));
        } else if (!usage.unlimited() && usage.entriesPerBucketAtMax() > policy.maxChain()) {
            reasons.add(new Verdict.Reason(Status.WARNING, "chain_length_at_max",
                    "a full table would average %s entries per bucket (max %d over %d buckets), above %s; raise the buckets"
                            .formatted(decimal(usage.entriesPerBucketAtMax()), usage.max(), usage.buckets(), decimal(policy.maxChain()))));
        }
        if (!usage.unlimited() && memory.overBudget()) {
            reasons.add(new Verdict.Reason(Status.WARNING, "over_budget",
                    "one full table at max %d needs %s of kernel memory, above the budget of %s (%s); 'ctguard tune' sets the balanced max %d"
                            .formatted(usage.max(), Units.formatBytes(memory.tableBytesAtMax()), Units.formatBytes(memory.budgetBytes()),
                                    memory.budget(), balancedMax(node, budget))));
        }
        if (log.readable() && log.matches() > 0) {
            reasons.add(new Verdict.Reason(Status.CRITICAL, "table_full_log",
                    "kernel log has %d '%s' line%s within the last %s (latest %s)%s".formatted(log.matches(), LogScan.TABLE_FULL,
                            log.matches() == 1 ? "" : "s", Units.formatDuration(java.time.Duration.ofSeconds(log.sinceSeconds())), log.lastAt(),
                            whereFull(log, node))));
        }
        lossReasons(node.stats(), increase, policy).forEach(reasons::add);
        Status status = reasons.stream().map(Verdict.Reason::status).reduce(Status.OK, Status::worse);
        if (reasons.isEmpty()) {
            reasons.add(new Verdict.Reason(Status.OK, "headroom", fill + ", " + decimal(usage.entriesPerBucket()) + " entries per bucket"));
        }
        return new Verdict(status, reasons, policy, List.of());
    }

    /** What tune would set here with the default targets and this budget. */
    private static long balancedMax(NodeState node, MemoryBudget budget) {
        return Planner.tune(node, new PlanRequest(null, null, null, budget, PlanRequest.DEFAULT_MARGIN)).item(Tunables.MAX).target();
    }

    /** Drops and chain-too-long refusals: their rise since the last check when known, else their totals since boot. */
    private static List<Verdict.Reason> lossReasons(ConntrackStats totals, CounterIncrease increase, CheckPolicy policy) {
        if (totals == null || policy.onDrops() == Status.OK) {
            return List.of();
        }
        ConntrackStats judged = increase == null ? totals : increase.increase();
        String window = increase == null ? "since boot (no earlier check of this boot to compare with)"
                : "in the last %s (since %s)".formatted(Units.formatDuration(java.time.Duration.ofSeconds(increase.intervalSeconds())), increase.since());
        String total = increase == null ? "" : "; since boot: " + totals.describeLoss();
        List<Verdict.Reason> reasons = new ArrayList<>();
        ConntrackStats withoutChain = new ConntrackStats(judged.drop(), judged.earlyDrop(), judged.insertFailed(), null, null, null);
        if (withoutChain.anyLoss()) {
            reasons.add(new Verdict.Reason(policy.onDrops(), "drops", "drop counters rose %s: %s%s".formatted(window, withoutChain.describeLoss(), total)));
        }
        if (positive(judged.chainTooLong())) {
            reasons.add(new Verdict.Reason(policy.onDrops(), "chain_too_long",
                    "the kernel refused %d insert(s) into over-long hash chains %s (chainlength counter): raise the buckets%s"
                            .formatted(judged.chainTooLong(), window, total)));
        }
        return reasons;
    }

    /** ", in network namespace NAME (net:[N]) 3, ..." for kernels that name the namespace. */
    private static String whereFull(LogScan log, NodeState node) {
        if (log.byNetns().isEmpty()) {
            return "";
        }
        Long own = node.netnsInode();
        return "; in " + log.byNetns().entrySet().stream().sorted(Map.Entry.<Long, Integer>comparingByValue().reversed())
                .limit(5)
                .map(e -> "network namespace %s: %d".formatted(node.netnsDirectory().describe(e.getKey(), own), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private static boolean positive(Long v) {
        return v != null && v > 0;
    }

    static String decimal(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
