package ctguard.core.top;

import ctguard.core.CtguardException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The top action over in-memory tables and firewalls. */
class TopTest {
    private static final String VXLAN = "ipv4 2 udp 17 29 src=10.0.0.1 dst=10.0.0.2 sport=33000 dport=4789 src=10.0.0.2 dst=10.0.0.1 sport=4789 dport=33000 mark=0 use=1\n";
    private static final String TIME_WAIT = "ipv4 2 tcp 6 100 TIME_WAIT src=10.1.0.1 dst=10.2.0.2 sport=40000 dport=80 src=10.2.0.2 dst=10.1.0.1 sport=80 dport=40000 [ASSURED] mark=0 use=1\n";
    private static final String UNREPLIED = "ipv4 2 tcp 6 100 SYN_SENT src=10.1.0.1 dst=10.2.0.9 sport=40001 dport=22 [UNREPLIED] src=10.2.0.9 dst=10.1.0.1 sport=22 dport=40001 mark=0 use=1\n";

    private static ConntrackTables tables(Map<String, String> byLabel) {
        return selection -> byLabel.entrySet().stream().map(e -> (ConntrackTables.Table) new ConntrackTables.Table() {
            @Override
            public String label() {
                return e.getKey();
            }

            @Override
            public void read(ByteSink sink) {
                byte[] b = e.getValue().getBytes(StandardCharsets.US_ASCII);
                sink.accept(b, 0, b.length);
            }
        }).toList();
    }

    private static NodeFirewall firewall(boolean neutron, Map<Integer, Long> ovs) {
        return new NodeFirewall() {
            @Override
            public boolean neutronSecurityGroups() {
                return neutron;
            }

            @Override
            public Map<Integer, Long> ovsZoneLimits() {
                return ovs;
            }
        };
    }

    private static TopReport top(Map<String, String> tables, NodeFirewall firewall, List<NotrackCandidate> extra) {
        return new Top("node1", tables(tables), firewall).run(new Top.Options(new ConntrackTables.All(), 10, extra));
    }

    @Test
    void severalNamespacesAreCountedApartAndTogetherAndMalformedLinesNameTheirTable() {
        var m = new java.util.LinkedHashMap<String, String>();
        m.put("net:[1]", VXLAN.repeat(3) + "junk\n");
        m.put("qrouter-1", TIME_WAIT.repeat(2) + "junk\n");
        TopReport r = top(m, NodeFirewall.UNKNOWN, List.of());
        assertEquals(5, r.counts().entries());
        assertEquals(Map.of("net:[1]", 3L, "qrouter-1", 2L), r.counts().byNetns());
        assertEquals(List.of("net:[1]:4", "qrouter-1:3"), r.counts().malformed().lines());
        assertEquals(List.of("net:[1]", "qrouter-1"), r.sources());
        assertNull(r.ovsZoneLimits(), "no OVS: nothing said of it");
    }

    @Test
    void oneTableHasNoNamespaceLabels() {
        TopReport r = top(Map.of("/proc/net/nf_conntrack", VXLAN + "junk\n"), NodeFirewall.UNKNOWN, List.of());
        assertEquals(Map.of(), r.counts().byNetns());
        assertEquals(List.of("2"), r.counts().malformed().lines());
    }

    @Test
    void overlayTrafficIsAdvisedWithItsShare() {
        TopReport r = top(Map.of("t", VXLAN.repeat(6) + TIME_WAIT.repeat(4)), NodeFirewall.UNKNOWN, List.of());
        assertEquals(1, r.notrack().size());
        TopReport.NotrackAdvice a = r.notrack().get(0);
        assertEquals(NotrackCandidate.VXLAN, a.candidate());
        assertEquals(6, a.entries());
        assertEquals(0.6, a.share(), 1e-9);
        assertTrue(r.refused().isEmpty());
    }

    @Test
    void trafficInNeutronZonesIsRefusedWithTheStatelessAlternative() {
        String zoned = VXLAN.replace("mark=0", "mark=0 zone=12");
        TopReport r = top(Map.of("t", zoned + VXLAN), firewall(true, null), List.of(NotrackCandidate.port(Protocols.UDP, 5353)));
        assertTrue(r.notrack().isEmpty(), r.notrack().toString());
        assertEquals(1, r.refused().size());
        TopReport.Refusal refusal = r.refused().get(0);
        assertEquals("VXLAN", refusal.traffic());
        assertTrue(refusal.reason().contains("neutron-openvswi") && refusal.reason().contains("1 of its 2 entries"), refusal.reason());
        assertTrue(refusal.alternative().contains("stateless"), refusal.alternative());
    }

    @Test
    void anOperatorsCandidateIsCountedAndAdvised() {
        String mdns = VXLAN.replace("dport=4789", "dport=5353");
        TopReport r = top(Map.of("t", mdns.repeat(3)), NodeFirewall.UNKNOWN, List.of(NotrackCandidate.port(Protocols.UDP, 5353)));
        assertEquals("udp/5353", r.notrack().get(0).candidate().name());
        assertEquals(3, r.notrack().get(0).entries());
    }

    @Test
    void notesSayWhatUnrepliedAndTimeWaitSharesMean() {
        TopReport r = top(Map.of("t", UNREPLIED.repeat(6) + TIME_WAIT.repeat(4)), NodeFirewall.UNKNOWN, List.of());
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("60.0% of the entries are unreplied") && n.contains("evicts those first")), r.notes().toString());
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("40.0% of the TCP entries are in TIME_WAIT")), r.notes().toString());
    }

    @Test
    void ovsZoneLimitsAreCarriedWhereOvsIs() {
        TopReport r = top(Map.of("t", VXLAN), firewall(false, Map.of(-1, 0L, 5, 1000L)), List.of());
        assertEquals(Map.of(-1, 0L, 5, 1000L), r.ovsZoneLimits());
    }

    @Test
    void nothingToReadIsAnError() {
        assertThrows(CtguardException.class, () -> top(Map.of(), NodeFirewall.UNKNOWN, List.of()));
    }
}
