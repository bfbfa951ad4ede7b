package ctguard.cli;

import ctguard.core.top.NotrackCandidate;
import ctguard.core.top.Protocols;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The printed rules exempt request and reply at both hooks; tests/top checks them with the real nft. */
class NotrackRulesTest {
    @Test
    void overlayRulesCoverBothDirectionsAtBothHooks() {
        String nft = String.join("\n", NotrackRules.nft(NotrackCandidate.VXLAN));
        for (String hook : List.of("prerouting", "output")) {
            assertTrue(nft.contains("type filter hook " + hook + " priority raw;"), nft);
        }
        assertEquals(2, nft.split("udp dport 4789 notrack", -1).length - 1, "request in both hooks: " + nft);
        assertEquals(2, nft.split("udp sport 4789 notrack", -1).length - 1, "reply in both hooks: " + nft);
        List<String> iptables = NotrackRules.iptables(NotrackCandidate.VXLAN);
        assertEquals(8, iptables.size(), "iptables and ip6tables, PREROUTING and OUTPUT, dport and sport");
        assertTrue(iptables.contains("iptables -t raw -A OUTPUT -p udp --sport 4789 -j CT --notrack"), iptables.toString());
    }

    @Test
    void loopbackMatchesTheInterfaceAndGreTheProtocol() {
        assertTrue(NotrackRules.nft(NotrackCandidate.LOOPBACK).containsAll(List.of(
                "        iif lo notrack comment \"ctguard: loopback\"", "        oif lo notrack comment \"ctguard: loopback\"")));
        assertTrue(NotrackRules.iptables(NotrackCandidate.GRE).contains("ip6tables -t raw -A PREROUTING -p gre -j CT --notrack"));
        assertTrue(String.join("\n", NotrackRules.nft(NotrackCandidate.port(Protocols.TCP, 9100))).contains("tcp sport 9100 notrack"));
    }
}
