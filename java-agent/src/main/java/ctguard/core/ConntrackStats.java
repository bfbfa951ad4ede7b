package ctguard.core;

/**
 * Counters from /proc/net/stat/nf_conntrack, summed over CPUs. A column the running kernel does not
 * have is null, not zero: {@code chainTooLong} (header "chainlength", "chaintoolong" in conntrack -S) and
 * {@code clashResolved} ("clashres") exist from 5.15 and 5.9 on.
 *
 * @param chainTooLong  inserts the kernel refused because the hash chain had grown too long (counts like drops)
 * @param clashResolved insert clashes the kernel resolved (informational)
 */
public record ConntrackStats(Long drop, Long earlyDrop, Long insertFailed, Long searchRestart, Long chainTooLong,
                             Long clashResolved) {

    /** True when any counter that means lost flows is above zero. */
    public boolean anyLoss() {
        return positive(drop) || positive(earlyDrop) || positive(insertFailed) || positive(chainTooLong);
    }

    /**
     * The increase from an earlier reading of the same counters, or null when a counter went down (they
     * were reset: another boot or namespace) or a column appeared or vanished.
     */
    public ConntrackStats increaseSince(ConntrackStats earlier) {
        Long[] now = {drop, earlyDrop, insertFailed, searchRestart, chainTooLong, clashResolved};
        Long[] then = {earlier.drop, earlier.earlyDrop, earlier.insertFailed, earlier.searchRestart, earlier.chainTooLong, earlier.clashResolved};
        Long[] delta = new Long[now.length];
        for (int i = 0; i < now.length; i++) {
            if ((now[i] == null) != (then[i] == null)) {
                return null;
            }
            if (now[i] != null) {
                if (now[i] < then[i]) {
                    return null;
                }
                delta[i] = now[i] - then[i];
            }
        }
        return new ConntrackStats(delta[0], delta[1], delta[2], delta[3], delta[4], delta[5]);
    }

    /** The loss counters as "drop=1 early_drop=0 ...", leaving out the ones this kernel lacks. */
    public String describeLoss() {
        StringBuilder b = new StringBuilder();
        append(b, "drop", drop);
        append(b, "early_drop", earlyDrop);
        append(b, "insert_failed", insertFailed);
        append(b, "chain_too_long", chainTooLong);
        return b.toString();
    }

    private static void append(StringBuilder b, String name, Long value) {
        if (value != null) {
            b.append(b.isEmpty() ? "" : " ").append(name).append('=').append(value);
        }
    }

    private static boolean positive(Long v) {
        return v != null && v > 0;
    }
}
