package ctguard.core;

/** The memory model (docs/architecture.md, "Sizing"; README, "Sizing model"). */
public final class Sizing {
    /** Highest power of two that stays within the 2^31-1 bound on max. */
    private static final long HIGHEST_POWER = 1L << 30;

    private Sizing() {
    }

    public static long roundUpBuckets(long buckets) {
        return ceilDiv(buckets, Tunables.BUCKET_GRANULE) * Tunables.BUCKET_GRANULE;
    }

    public static long hashBytes(long buckets) {
        return roundUpBuckets(buckets) * 8;
    }

    public static long bytesAt(long entries, long buckets, long entryBytes) {
        return hashBytes(buckets) + entries * entryBytes;
    }

    /** Buckets the default plan pairs with a max: a quarter of it (about four entries a chain). */
    public static long bucketsFor(long max, long currentBuckets) {
        return Math.max(currentBuckets, roundUpBuckets(Math.max(Tunables.MIN_BUCKETS, max / 4)));
    }

    /**
     * The largest power-of-two max whose memory, with the buckets the plan would pair with it, fits the
     * budget; 0 when not even the smallest table fits.
     */
    public static long ceiling(long budgetBytes, long currentBuckets, long entryBytes) {
        for (long max = HIGHEST_POWER; max >= 1; max >>= 1) {
            if (bytesAt(max, bucketsFor(max, currentBuckets), entryBytes) <= budgetBytes) {
                return max;
            }
        }
        return 0;
    }

    /** Absorbs binary rounding of margins such as 0.1, so 100 entries at 10 % need exactly 110. */
    private static final double EPSILON = 1e-9;

    /** The smallest max that keeps the live count below it with the given safety margin. */
    public static long maxWithMargin(long count, double margin) {
        return (long) Math.ceil(count * (1 + margin) - EPSILON * count);
    }

    /** The largest count a max allows under the margin (rule 6). */
    public static long countAllowedBy(long max, double margin) {
        return (long) Math.floor(max / (1 + margin) + EPSILON * max);
    }

    public static double ratio(long part, long whole) {
        return whole <= 0 ? 0 : (double) part / whole;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
