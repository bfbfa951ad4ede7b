package ctguard.core;

/**
 * Counters from /proc/net/stat/nf_conntrack, summed over CPUs. A column the running kernel does not
 * have is null, not zero.
 */
public record ConntrackStats(Long drop, Long earlyDrop, Long insertFailed, Long searchRestart) {
}
