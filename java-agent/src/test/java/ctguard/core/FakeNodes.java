package ctguard.core;

/** FakeNode for the tests of other core packages (core.guard): its ports and what they hold. */
public final class FakeNodes {
    private FakeNodes() {
    }

    public static Node node(long max, long buckets) {
        FakeNode node = new FakeNode();
        node.values.put(Tunables.MAX, max);
        node.values.put(Tunables.BUCKETS, buckets);
        node.count = 0;
        return new Node(node);
    }

    public static final class Node {
        private final FakeNode node;

        private Node(FakeNode node) {
            this.node = node;
        }

        public Kernel kernel() {
            return node;
        }

        public Prepare prepare() {
            return node.prepare();
        }

        public Waiter clock() {
            return node;
        }

        /** The count the table will hold after the next sleep. */
        public void countAfterSleep(long count) {
            node.countAfterSleep.add(count);
        }

        public long max() {
            return node.values.get(Tunables.MAX);
        }

        public long timeWait() {
            return node.values.get(Tunables.TIME_WAIT);
        }

        /** The snapshot's max, or -1 without a snapshot. */
        public long snapshotMax() {
            return node.stored == null ? -1 : node.stored.values().get(Tunables.MAX);
        }
    }
}
