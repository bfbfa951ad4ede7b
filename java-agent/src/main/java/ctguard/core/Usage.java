package ctguard.core;

/** How full the table is and how long its chains are. */
public record Usage(long count, long max, long buckets, Long hashsize, double fillRatio, double entriesPerBucket,
                    double entriesPerBucketAtMax) {
    public static Usage of(NodeState node) {
        return new Usage(node.count(), node.max(), node.buckets(), node.hashsize(),
                Sizing.ratio(node.count(), node.max()),
                Sizing.ratio(node.count(), node.buckets()),
                Sizing.ratio(node.max(), node.buckets()));
    }
}
