package ctguard.core;

import java.time.Instant;

/** How much the counters rose since the previous check of this boot and namespace. */
public record CounterIncrease(ConntrackStats increase, Instant since, long intervalSeconds) {
}
