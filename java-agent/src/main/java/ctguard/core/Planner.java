package ctguard.core;

import java.util.List;

/** Computes prepare's targets (DESIGN §6): raise limits within the memory budget, lower TIME_WAIT. */
public final class Planner {
    private Planner() {
    }

    /** Plan for the node that was read. */
    public static Plan plan(NodeState node, PlanRequest request) {
        return plan(node.max(), node.buckets(), node.value(Tunables.TIME_WAIT), node.fullestCount(), node.ramBytes(),
                node.entrySize().bytes(), request);
    }

    /** Plan for another node of which only the RAM and entry size are known. */
    public static Plan planForNode(long ramBytes, long entryBytes, PlanRequest request) {
        return plan(null, null, null, 0, ramBytes, entryBytes, request);
    }

    private static Plan plan(Long curMax, Long curBuckets, Long curTimeWait, long count, long ramBytes,
                             long entryBytes, PlanRequest request) {
        long budget = request.budget().bytesFor(ramBytes);
        long baseMax = curMax == null ? 0 : curMax;
        long baseBuckets = curBuckets == null ? 0 : curBuckets;
        long ceiling = Sizing.ceiling(budget, baseBuckets, entryBytes);

        long targetMax;
        String maxReason;
        if (request.max() != null) {
            if (request.max() <= baseMax) {
                targetMax = baseMax;
                maxReason = "kept: already %d, at or above the requested %d (prepare only raises limits)".formatted(baseMax, request.max());
            } else {
                targetMax = request.max();
                maxReason = "requested with --max";
            }
        } else if (ceiling > baseMax) {
            targetMax = ceiling;
            maxReason = "largest power of two whose memory fits the budget of %s".formatted(Units.formatBytes(budget));
        } else {
            targetMax = baseMax;
            maxReason = ceiling == 0
                    ? "kept: the budget of %s does not fit any table".formatted(Units.formatBytes(budget))
                    : "kept: already at or above the budget ceiling %d".formatted(ceiling);
        }
        long floor = Sizing.maxWithMargin(count, request.margin());
        if (targetMax < floor) {
            targetMax = floor;
            maxReason = "raised to the live count %d (fullest namespace) plus a %.0f%% margin".formatted(count, request.margin() * 100);
        }

        long targetBuckets;
        String bucketsReason;
        if (request.buckets() != null) {
            long wanted = Sizing.roundUpBuckets(request.buckets());
            if (wanted <= baseBuckets) {
                targetBuckets = baseBuckets;
                bucketsReason = "kept: already %d, at or above the requested %d (prepare only raises limits)".formatted(baseBuckets, request.buckets());
            } else {
                targetBuckets = wanted;
                bucketsReason = wanted == request.buckets() ? "requested with --buckets"
                        : "requested with --buckets %d, rounded up to a multiple of %d as the kernel does".formatted(request.buckets(), Tunables.BUCKET_GRANULE);
            }
        } else {
            targetBuckets = Sizing.bucketsFor(targetMax, baseBuckets);
            bucketsReason = targetBuckets > baseBuckets
                    ? "a quarter of max: about 4 entries a chain at a full table"
                    : "kept: already at least a quarter of max";
        }

        long wantedTimeWait = request.timeWait() != null ? request.timeWait() : PlanRequest.DEFAULT_TIME_WAIT;
        String source = request.timeWait() != null ? "requested with --time-wait" : "default";
        long targetTimeWait;
        String timeWaitReason;
        if (curTimeWait == null || wantedTimeWait < curTimeWait) {
            targetTimeWait = wantedTimeWait;
            timeWaitReason = source + ": a shorter TIME_WAIT shrinks the population of closed flows";
        } else {
            targetTimeWait = curTimeWait;
            timeWaitReason = "kept: already %d s, at or below the %s %d s (prepare only lowers timeouts)".formatted(curTimeWait, source, wantedTimeWait);
        }

        long bytesAtTarget = Sizing.bytesAt(targetMax, targetBuckets, entryBytes);
        boolean raises = targetMax > baseMax || targetBuckets > baseBuckets;
        boolean overBudget = raises && bytesAtTarget > budget;

        List<Plan.Item> items = List.of(
                new Plan.Item(Tunables.BUCKETS, curBuckets, targetBuckets, bucketsReason),
                new Plan.Item(Tunables.MAX, curMax, targetMax, maxReason),
                new Plan.Item(Tunables.TIME_WAIT, curTimeWait, targetTimeWait, timeWaitReason));
        return new Plan(items, ceiling, entryBytes, bytesAtTarget, budget, overBudget, curMax == null);
    }
}
