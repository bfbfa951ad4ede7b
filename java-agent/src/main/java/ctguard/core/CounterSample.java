package ctguard.core;

import java.time.Instant;

/**
 * The counters as one check saw them, so the next check can judge their increase instead of their
 * total since boot. Counters restart with the boot and are per network namespace.
 */
public record CounterSample(String bootId, String netns, Instant at, ConntrackStats stats) {
    /** The increase since an earlier sample of the same boot and namespace, or null when they are not comparable. */
    public CounterIncrease since(CounterSample earlier) {
        if (earlier == null || bootId == null || !bootId.equals(earlier.bootId) || netns == null || !netns.equals(earlier.netns)
                || at.isBefore(earlier.at)) {
            return null;
        }
        ConntrackStats delta = stats.increaseSince(earlier.stats);
        return delta == null ? null : new CounterIncrease(delta, earlier.at, java.time.Duration.between(earlier.at, at).toSeconds());
    }
}
