package ctguard.core;

import java.util.List;

/** Names and bounds of the kernel tunables conntrack-guard reads and writes. */
public final class Tunables {
    public static final String SYSCTL_DIR = "/proc/sys/net/netfilter";
    public static final String HASHSIZE_PATH = "/sys/module/nf_conntrack/parameters/hashsize";

    public static final String MAX = "nf_conntrack_max";
    public static final String BUCKETS = "nf_conntrack_buckets";
    public static final String COUNT = "nf_conntrack_count";
    public static final String TIME_WAIT = "nf_conntrack_tcp_timeout_time_wait";
    public static final String ACCT = "nf_conntrack_acct";
    public static final String TIMESTAMP = "nf_conntrack_timestamp";
    public static final String EVENTS = "nf_conntrack_events";

    /** The values prepare may change and restore puts back, in the order prepare writes them. */
    public static final List<String> MANAGED = List.of(BUCKETS, MAX, TIME_WAIT);

    public static final long MAX_INT = Integer.MAX_VALUE;
    public static final long MIN_MAX = 1;
    public static final long MIN_BUCKETS = 1024;
    public static final long MIN_TIMEOUT = 1;
    public static final long MAX_TIMEOUT = 432000;
    /** The kernel allocates the hash in whole pages of 8-byte heads, so it rounds buckets up to this. */
    public static final long BUCKET_GRANULE = 512;

    private Tunables() {
    }

    /** Limits are global: one value for the host, writable only from the initial network namespace. */
    public static boolean isGlobal(String name) {
        return MAX.equals(name) || BUCKETS.equals(name);
    }

    public static boolean isTimeout(String name) {
        return name.startsWith("nf_conntrack_tcp_timeout_") || name.startsWith("nf_conntrack_udp_timeout");
    }

    public static String sysctlKey(String name) {
        return "net.netfilter." + name;
    }

    /** Checks an operator-supplied value against our bounds; the message names the bound. */
    public static long validate(String name, long value) {
        return validate(name, value, MIN_MAX);
    }

    /**
     * Checks a value read back from the node's own state (a snapshot): as operator input, except that max
     * may be 0, the kernel's "no limit", which restore must be able to put back.
     */
    public static long validateRecorded(String name, long value) {
        return validate(name, value, 0);
    }

    private static long validate(String name, long value, long minMax) {
        long min = switch (name) {
            case MAX -> minMax;
            case BUCKETS -> MIN_BUCKETS;
            default -> MIN_TIMEOUT;
        };
        long max = isTimeout(name) ? MAX_TIMEOUT : MAX_INT;
        if (value < min || value > max) {
            throw CtguardException.usage(
                    "%s=%d is out of range: it must be between %d and %d".formatted(name, value, min, max));
        }
        return value;
    }
}
