package ctguard.core.top;

/**
 * One conntrack entry's fields that top counts, filled in place by {@link EntryParser} for every line: one
 * object for a whole table, so that reading a million entries makes no garbage.
 */
final class Entry {
    static final int ASSURED = 1;
    static final int UNREPLIED = 2;
    static final int OFFLOAD = 4;
    static final int HW_OFFLOAD = 8;
    /** TCP (and SCTP, DCCP) states top tells apart; any other word counts as the last. */
    static final java.util.List<String> STATES = java.util.List.of("ESTABLISHED", "TIME_WAIT", "SYN_SENT", "SYN_RECV", "FIN_WAIT",
            "CLOSE_WAIT", "LAST_ACK", "CLOSE", "LISTEN", "SYN_SENT2", "NONE", "OTHER");

    /** 4, 6, or 0 while unknown (conntrack -L without the l3 columns: taken from the addresses). */
    int l3;
    /** The l4 protocol number (6 tcp, 17 udp, 1 icmp, 47 gre, ...). */
    int l4;
    /** Index into {@link #STATES}, or -1 for a protocol without state. */
    int state;
    int flags;
    /** The original direction's destination port, or -1 for a protocol without ports. */
    int dport;
    int zone;
    /** The mark, or -1 when the line has none. */
    long mark;
    /** Original direction source and destination: IPv4 in the low 32 bits of *Hi, IPv6 as two halves. */
    long srcHi;
    long srcLo;
    long dstHi;
    long dstLo;

    void clear() {
        l3 = 0;
        l4 = -1;
        state = -1;
        flags = 0;
        dport = -1;
        zone = 0;
        mark = -1;
    }

    /** Both ends on loopback: 127.0.0.0/8, or ::1. */
    boolean loopback() {
        return l3 == 4 ? (srcHi >>> 24) == 127 && (dstHi >>> 24) == 127
                : srcHi == 0 && srcLo == 1 && dstHi == 0 && dstLo == 1;
    }
}
