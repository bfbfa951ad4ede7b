package ctguard.core.guard;

/**
 * What guard does after a sample.
 *
 * @param kind        nothing, raise, or at the ceiling (nothing more the budget allows)
 * @param newMax      the max to write (raise only)
 * @param newBuckets  the buckets to write, or 0 to leave them
 * @param reason      why, in words, for the action log
 * @param secondsToFull the predicted time to a full table at the recent insert rate, or -1 when it is not rising
 */
public record GuardDecision(Kind kind, long newMax, long newBuckets, String reason, double secondsToFull) {
    public enum Kind { NONE, RAISE, AT_CEILING }

    static GuardDecision none(double secondsToFull) {
        return new GuardDecision(Kind.NONE, 0, 0, "", secondsToFull);
    }
}
