package ctguard.core;

import java.time.Duration;
import java.util.List;

/**
 * Computes the targets of prepare (raise limits within the memory budget, lower TIME_WAIT) and of tune
 * (the balanced sizing: max at the budget ceiling, which may be lower than today's). The budget bounds
 * what a change adds, not what the node already had: a raised max must fit with its buckets, raised
 * buckets alone must fit with their hash table; a max that is already above the budget is kept by
 * prepare and reported (docs/architecture.md, "Sizing").
 */
public final class Planner {
    private Planner() {
    }

    /** The node as read: its current values and the fullest namespace's count. */
    private record Current(Long max, Long buckets, Long timeWait, long count) {
        static final Current UNKNOWN = new Current(null, null, null, 0);

        long baseMax() {
            return max == null ? 0 : max;
        }

        long baseBuckets() {
            return buckets == null ? 0 : buckets;
        }

        boolean unlimited() {
            return max != null && max == 0;
        }
    }

    public static Plan prepare(NodeState node, PlanRequest request) {
        return plan(Plan.PREPARE, current(node), node.ramBytes(), node.entrySize().bytes(), request);
    }

    public static Plan tune(NodeState node, PlanRequest request) {
        return plan(Plan.TUNE, current(node), node.ramBytes(), node.entrySize().bytes(), request);
    }

    /** Plan for another node of which only the RAM and entry size are known. */
    public static Plan forNode(String kind, long ramBytes, long entryBytes, PlanRequest request) {
        return plan(kind, Current.UNKNOWN, ramBytes, entryBytes, request);
    }

    private static Current current(NodeState node) {
        TunableState timeWait = node.tunable(Tunables.TIME_WAIT);
        return new Current(node.max(), node.buckets(), timeWait == null ? null : timeWait.value(), node.fullestCount());
    }

    private static Plan plan(String kind, Current cur, long ramBytes, long entryBytes, PlanRequest request) {
        long budget = request.budget().bytesFor(ramBytes);
        long ceiling = Sizing.ceiling(budget, cur.baseBuckets(), entryBytes);
        long floor = Sizing.maxWithMargin(cur.count(), request.margin());
        long balanced = Math.max(ceiling, floor);

        Target max = kind.equals(Plan.TUNE) ? tuneMax(cur, request, ceiling, floor, budget) : prepareMax(cur, request, ceiling, floor, budget);
        Target buckets = buckets(kind, cur, request, max.value() == 0 ? ceiling : max.value(), budget);
        Target timeWait = timeWait(kind, cur, request);

        boolean stillUnlimited = max.value() == 0;
        Long bytesAtTarget = stillUnlimited ? null : Sizing.bytesAt(max.value(), buckets.value(), entryBytes);
        Long bytesAtCurrent = cur.max() == null || cur.unlimited() ? null : Sizing.bytesAt(cur.max(), cur.buckets(), entryBytes);
        boolean maxRaised = cur.max() == null ? !stillUnlimited : !cur.unlimited() && max.value() > cur.max();
        boolean bucketsRaised = buckets.value() > cur.baseBuckets();
        boolean overBudget = maxRaised ? bytesAtTarget > budget : bucketsRaised && Sizing.hashBytes(buckets.value()) > budget;
        boolean nodeOverBudget = !maxRaised && cur.max() != null && (bytesAtTarget == null || bytesAtTarget > budget);

        Duration stall = bucketsRaised && cur.buckets() != null ? RehashStall.MEASURED.expected(cur.count(), buckets.value()) : null;
        String bucketsReason = stall == null ? buckets.reason()
                : buckets.reason() + "; the write rehashes %d entries: new connections stall about %d ms".formatted(cur.count(), stall.toMillis());
        List<Plan.Item> items = List.of(
                new Plan.Item(Tunables.BUCKETS, cur.buckets(), buckets.value(), bucketsReason),
                new Plan.Item(Tunables.MAX, cur.max(), max.value(), max.reason()),
                new Plan.Item(Tunables.TIME_WAIT, cur.timeWait(), timeWait.value(), timeWait.reason()));
        return new Plan(kind, items, ceiling, entryBytes, bytesAtTarget, bytesAtCurrent, budget, overBudget, nodeOverBudget,
                balanced, cur.max() == null, stall);
    }

    private record Target(long value, String reason) {
    }

    private static Target prepareMax(Current cur, PlanRequest request, long ceiling, long floor, long budget) {
        long base = cur.baseMax();
        if (cur.unlimited()) {
            return new Target(0, "kept: 0 means no limit, and prepare only raises limits");
        }
        Target t;
        if (request.max() != null) {
            t = request.max() <= base
                    ? new Target(base, "kept: already %d, at or above the requested %d (prepare only raises limits)".formatted(base, request.max()))
                    : new Target(request.max(), "requested");
        } else if (ceiling > base) {
            t = new Target(ceiling, "largest power of two whose memory fits the budget of %s".formatted(Units.formatBytes(budget)));
        } else {
            t = new Target(base, ceiling == 0
                    ? "kept: the budget of %s does not fit any table".formatted(Units.formatBytes(budget))
                    : "kept: already at or above the budget ceiling %d (prepare only raises limits)".formatted(ceiling));
        }
        return atLeastFloor(t, cur, request, floor);
    }

    private static Target tuneMax(Current cur, PlanRequest request, long ceiling, long floor, long budget) {
        Target t;
        if (request.max() != null) {
            t = new Target(request.max(), "requested");
        } else if (ceiling == 0) {
            t = new Target(cur.baseMax(), "kept: the budget of %s does not fit any table".formatted(Units.formatBytes(budget)));
        } else {
            String direction = cur.max() == null || cur.unlimited() || ceiling == cur.max() ? ""
                    : ceiling < cur.max() ? ", lower than today's: a smaller table that fits RAM" : "";
            t = new Target(ceiling, "the balanced max: largest power of two whose memory fits the budget of %s%s"
                    .formatted(Units.formatBytes(budget), direction));
        }
        return atLeastFloor(t, cur, request, floor);
    }

    /** Rule 6: no target below the fullest namespace's live count plus the margin. */
    private static Target atLeastFloor(Target t, Current cur, PlanRequest request, long floor) {
        if (t.value() != 0 && t.value() < floor) {
            return new Target(floor, "raised to the live count %d (fullest namespace) plus a %.0f%% margin".formatted(cur.count(), request.margin() * 100));
        }
        return t;
    }

    /** Buckets are never lowered: max/4 of the target (or of the ceiling when max stays unlimited), within the budget. */
    private static Target buckets(String kind, Current cur, PlanRequest request, long pairedMax, long budget) {
        long base = cur.baseBuckets();
        if (request.buckets() != null) {
            long wanted = Sizing.roundUpBuckets(request.buckets());
            if (wanted <= base) {
                return new Target(base, "kept: already %d, at or above the requested %d (%s never lowers buckets)".formatted(base, request.buckets(), kind));
            }
            return new Target(wanted, wanted == request.buckets() ? "requested"
                    : "requested %d, rounded up to a multiple of %d as the kernel does".formatted(request.buckets(), Tunables.BUCKET_GRANULE));
        }
        long quarter = Sizing.bucketsFor(pairedMax, base);
        if (quarter <= base) {
            return new Target(base, "kept: already at least a quarter of max");
        }
        long affordable = budget / 8 / Tunables.BUCKET_GRANULE * Tunables.BUCKET_GRANULE;
        if (Sizing.hashBytes(quarter) > budget && affordable > base) {
            return new Target(affordable, "as many as the budget of %s holds (a quarter of max would need %s)"
                    .formatted(Units.formatBytes(budget), Units.formatBytes(Sizing.hashBytes(quarter))));
        }
        if (Sizing.hashBytes(quarter) > budget) {
            return new Target(base, "kept: a quarter of max would need %s, above the budget".formatted(Units.formatBytes(Sizing.hashBytes(quarter))));
        }
        return new Target(quarter, cur.unlimited()
                ? "a quarter of the budget ceiling %d (max is unlimited): about 4 entries a chain at that many entries".formatted(pairedMax)
                : "a quarter of max: about 4 entries a chain at a full table");
    }

    private static Target timeWait(String kind, Current cur, PlanRequest request) {
        long wanted = request.timeWait() != null ? request.timeWait() : PlanRequest.DEFAULT_TIME_WAIT;
        String source = request.timeWait() != null ? "requested" : "default";
        if (cur.timeWait() == null || wanted < cur.timeWait()) {
            return new Target(wanted, source + ": a shorter TIME_WAIT shrinks the population of closed flows");
        }
        return new Target(cur.timeWait(), "kept: already %d s, at or below the %s %d s (%s only lowers timeouts)".formatted(cur.timeWait(), source, wanted, kind));
    }
}
