package ctguard.core;

/**
 * Kernel memory conntrack uses now and would use at its max, against the budget. The budget is judged
 * against one full table ({@link #overBudget()}); the worst case, every active namespace full, is reported
 * beside it and not judged, since the namespaces rarely fill together.
 *
 * @param tableBytesNow   the hash table plus the entries of every namespace with entries
 * @param tableBytesWorst every active namespace filled to max: the max applies to each one's count
 * @param unbounded       nf_conntrack_max is 0: no limit, so the memory at max has no bound
 */
public record Memory(long ramBytes, long entryBytes, String entryBytesSource, long hashBytes, long tableBytesNow,
                     long tableBytesAtMax, int activeNamespaces, long tableBytesWorst, long budgetBytes, String budget,
                     boolean unbounded) {
    public static Memory of(NodeState node, MemoryBudget budget) {
        long e = node.entrySize().bytes();
        long entries = node.count() + node.namespaces().stream().mapToLong(NetnsUsage::count).sum();
        return new Memory(node.ramBytes(), e, node.entrySize().source(), Sizing.hashBytes(node.buckets()),
                Sizing.bytesAt(entries, node.buckets(), e),
                Sizing.bytesAt(node.max(), node.buckets(), e),
                node.activeNamespaces(),
                Sizing.bytesAt(node.max() * node.activeNamespaces(), node.buckets(), e),
                budget.bytesFor(node.ramBytes()), budget.describe(), node.unlimited());
    }

    /** One full table needs more than the budget (an unlimited max always may). */
    public boolean overBudget() {
        return unbounded || tableBytesAtMax > budgetBytes;
    }
}
