package ctguard.core;

import java.time.Duration;

/**
 * What a bucket write costs new connections: the kernel rehashes the whole table into the new buckets under its
 * lock, and inserts wait (docs/architecture.md, "ctguard guard"). The stall is modelled as a cost per entry
 * rehashed plus a cost per bucket of the new table.
 */
public record RehashStall(Duration perEntry, Duration perBucket) {
    /**
     * Fitted to bench/rehash.sh on a 6.18 kernel (doubling 262144 buckets: 57 ms at 10,000 entries, 96 ms at
     * 100,000, 521 ms at 1,000,000).
     */
    public static final RehashStall MEASURED = new RehashStall(Duration.ofNanos(470), Duration.ofNanos(100));

    /** The expected insert stall of a write of newBuckets with this many entries in the table. */
    public Duration expected(long entries, long newBuckets) {
        return Duration.ofNanos(perEntry.toNanos() * entries + perBucket.toNanos() * newBuckets);
    }
}
