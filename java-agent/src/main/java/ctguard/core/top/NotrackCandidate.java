package ctguard.core.top;

/**
 * Traffic that may not need connection tracking: overlay tunnels, loopback, or a protocol and port the
 * operator names (docs/architecture.md, "ctguard top").
 *
 * @param name     how top names it (VXLAN, GENEVE, GRE, loopback, or PROTO/PORT)
 * @param l4       the l4 protocol number, or -1 for any (loopback)
 * @param port     the original destination port, or -1 for a protocol without ports
 * @param loopback true for traffic with both ends on loopback
 */
public record NotrackCandidate(String name, int l4, int port, boolean loopback) {
    public static final NotrackCandidate VXLAN = new NotrackCandidate("VXLAN", Protocols.UDP, 4789, false);
    public static final NotrackCandidate GENEVE = new NotrackCandidate("GENEVE", Protocols.UDP, 6081, false);
    public static final NotrackCandidate GRE = new NotrackCandidate("GRE", Protocols.GRE, -1, false);
    public static final NotrackCandidate LOOPBACK = new NotrackCandidate("loopback", -1, -1, true);

    public static NotrackCandidate port(int l4, int port) {
        return new NotrackCandidate(Protocols.name(l4) + "/" + port, l4, port, false);
    }

    /** @param onLoopback whether e has both ends on loopback, worked out once per entry by the caller */
    boolean matches(Entry e, boolean onLoopback) {
        if (loopback) {
            return onLoopback;
        }
        return !onLoopback && e.l4 == l4 && (port < 0 || e.dport == port);
    }
}
