package ctguard.core.top;

/** The l4 protocol numbers top names (IANA's), and the ones that have ports. */
public final class Protocols {
    public static final int ICMP = 1;
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int DCCP = 33;
    public static final int GRE = 47;
    public static final int ICMPV6 = 58;
    public static final int SCTP = 132;
    public static final int UDPLITE = 136;

    private Protocols() {
    }

    public static String name(int l4) {
        return switch (l4) {
            case ICMP -> "icmp";
            case TCP -> "tcp";
            case UDP -> "udp";
            case DCCP -> "dccp";
            case GRE -> "gre";
            case ICMPV6 -> "icmpv6";
            case SCTP -> "sctp";
            case UDPLITE -> "udplite";
            default -> "proto-" + l4;
        };
    }

    /** The number of a name top accepts (tcp, udp, sctp, dccp, udplite), or -1. */
    public static int withPorts(String name) {
        return switch (name) {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            case "sctp" -> SCTP;
            case "dccp" -> DCCP;
            case "udplite" -> UDPLITE;
            default -> -1;
        };
    }

    /** Index of a protocol with ports into per-port count arrays, or -1. */
    static int portIndex(int l4) {
        return switch (l4) {
            case TCP -> 0;
            case UDP -> 1;
            case SCTP -> 2;
            case DCCP -> 3;
            case UDPLITE -> 4;
            default -> -1;
        };
    }

    static final int[] WITH_PORTS = {TCP, UDP, SCTP, DCCP, UDPLITE};
}
