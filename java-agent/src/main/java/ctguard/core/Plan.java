package ctguard.core;

import java.util.List;

/**
 * Target values for prepare or tune and why each was chosen (docs/architecture.md, "Sizing").
 *
 * @param kind           "prepare" (raise only) or "tune" (the balanced sizing, which may lower max)
 * @param items          one per managed tunable, in write order
 * @param ceiling        largest power-of-two max within the budget (0 when none fits)
 * @param bytesAtTarget  kernel memory of one full table at the target max and buckets; null when max stays unlimited
 * @param bytesAtCurrent the same at the node's current values; null for another node or an unlimited max
 * @param overBudget     the plan's own change crosses the budget: a raised max whose table does not fit, or
 *                       raised buckets whose hash table alone does not fit (prepare and tune refuse it without force)
 * @param nodeOverBudget the node's current max already needs more than the budget, and this plan keeps it
 * @param balancedMax    the max tune would set on this node (its budget ceiling, or the live count's floor)
 * @param rehashStall    what the plan's bucket write is expected to stall new connections for at the live count
 *                       ({@link RehashStall#MEASURED}); null when the buckets stay, or for another node
 */
public record Plan(String kind, List<Item> items, long ceiling, long entryBytes, Long bytesAtTarget, Long bytesAtCurrent,
                   long budgetBytes, boolean overBudget, boolean nodeOverBudget, long balancedMax, boolean forOtherNode,
                   java.time.Duration rehashStall) {
    public static final String PREPARE = "prepare";
    public static final String TUNE = "tune";

    /** @param current null when planning for another node whose values are unknown */
    public record Item(String name, Long current, long target, String reason) {
        public boolean changes() {
            return current == null || current != target;
        }
    }

    public Item item(String name) {
        return items.stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
    }

    public List<Item> changes() {
        return items.stream().filter(Item::changes).toList();
    }
}
