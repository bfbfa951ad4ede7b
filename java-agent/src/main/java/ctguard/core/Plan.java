package ctguard.core;

import java.util.List;

/**
 * Target values for prepare and why each was chosen.
 *
 * @param items        one per managed tunable, in write order
 * @param ceiling      largest power-of-two max within the budget (0 when none fits)
 * @param bytesAtTarget kernel memory at the target max and buckets
 * @param overBudget   true when the plan raises a limit past the budget (prepare refuses without --force)
 */
public record Plan(List<Item> items, long ceiling, long entryBytes, long bytesAtTarget, long budgetBytes,
                   boolean overBudget, boolean forOtherNode) {

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
