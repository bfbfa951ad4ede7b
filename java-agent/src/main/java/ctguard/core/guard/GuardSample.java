package ctguard.core.guard;

import java.time.Instant;

/**
 * One look at the table: the fullest namespace's count against the one global max.
 *
 * @param drops the kernel's drop counters of this namespace and the others with entries, summed (null when none could be
 *              read), to show guard acted before any
 */
public record GuardSample(Instant at, long count, long max, long buckets, Long drops) {
    public double fill() {
        return max <= 0 ? 0 : (double) count / max;
    }
}
