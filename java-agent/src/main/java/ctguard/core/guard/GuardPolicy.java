package ctguard.core.guard;

import java.time.Duration;

/**
 * When guard raises, and how far (docs/architecture.md, "ctguard guard").
 *
 * @param trigger       raise once the fullest namespace is this full (0.70)
 * @param lead          or once the insert rate would fill it within this time (30 s)
 * @param cooldown      no two raises closer than this (hysteresis: a raise must show its effect first)
 * @param maxChain      raise the buckets too when a full table at the new max would average more per bucket
 * @param maxStall      refuse a bucket raise whose expected rehash stall at the current count is longer
 * @param stallPerEntry  the rehash cost of one entry, and stallPerBucket of one bucket of the new table: the expected
 *                       stall is their sum over the count and the new buckets (bench/rehash.sh)
 * @param rateWindow    how far back the insert rate is measured
 */
public record GuardPolicy(double trigger, Duration lead, Duration cooldown, double maxChain, Duration maxStall,
                          Duration stallPerEntry, Duration stallPerBucket, Duration rateWindow) {
    /**
     * What a bucket resize stalls inserts for, per entry rehashed and per bucket of the new table: fitted to
     * bench/rehash.sh on a 6.18 kernel (doubling 262144 buckets: 57 ms at 10,000 entries, 96 ms at 100,000,
     * 521 ms at 1,000,000).
     */
    public static final Duration MEASURED_STALL_PER_ENTRY = Duration.ofNanos(470);
    public static final Duration MEASURED_STALL_PER_BUCKET = Duration.ofNanos(100);
    /** The insert rate is measured over the last this long. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(10);
}
