package ctguard.core;

/**
 * How full the table is and how long its chains are: this namespace's, and the fullest namespace's,
 * since every namespace's count is held against the one global max. With max 0 (unlimited) the fill
 * ratios and the chain length at max do not apply: they are 0 here and {@link #unlimited()} says why.
 *
 * @param fullestNamespace the fullest other namespace's label, or null when this one is the fullest
 */
public record Usage(long count, long max, long buckets, Long hashsize, double fillRatio, double entriesPerBucket,
                    double entriesPerBucketAtMax, long fullestCount, String fullestNamespace, double fullestFillRatio) {
    public static Usage of(NodeState node) {
        NetnsUsage other = node.fullestOther();
        return new Usage(node.count(), node.max(), node.buckets(), node.hashsize(),
                Sizing.ratio(node.count(), node.max()),
                Sizing.ratio(node.count(), node.buckets()),
                Sizing.ratio(node.max(), node.buckets()),
                node.fullestCount(), other == null ? null : other.label(), Sizing.ratio(node.fullestCount(), node.max()));
    }

    /** nf_conntrack_max = 0: the kernel sets no limit. */
    public boolean unlimited() {
        return max == 0;
    }
}
