package ctguard.core.guard;

import ctguard.core.RehashStall;

import java.time.Duration;

/**
 * When guard raises, and how far (docs/architecture.md, "ctguard guard").
 *
 * @param trigger       raise once the fullest namespace is this full (0.70)
 * @param lead          or once the insert rate would fill it within this time (30 s)
 * @param cooldown      no two raises closer than this (hysteresis: a raise must show its effect first)
 * @param maxChain      raise the buckets too when a full table at the new max would average more per bucket
 * @param maxStall      refuse a bucket raise whose expected rehash stall at the current count is longer
 * @param stall         the rehash model a bucket raise is judged by ({@link RehashStall#MEASURED})
 * @param rateWindow    how far back the insert rate is measured
 */
public record GuardPolicy(double trigger, Duration lead, Duration cooldown, double maxChain, Duration maxStall,
                          RehashStall stall, Duration rateWindow) {
    /** The insert rate is measured over the last this long. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(10);
}
