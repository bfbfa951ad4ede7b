package ctguard.core;

/** Kernel memory conntrack uses now and would use at its max, against the budget. */
public record Memory(long ramBytes, long entryBytes, String entryBytesSource, long hashBytes, long tableBytesNow,
                     long tableBytesAtMax, long budgetBytes, String budget) {
    public static Memory of(NodeState node, MemoryBudget budget) {
        long e = node.entrySize().bytes();
        return new Memory(node.ramBytes(), e, node.entrySize().source(), Sizing.hashBytes(node.buckets()),
                Sizing.bytesAt(node.count(), node.buckets(), e),
                Sizing.bytesAt(node.max(), node.buckets(), e),
                budget.bytesFor(node.ramBytes()), budget.describe());
    }
}
