package ctguard.cli;

import ctguard.core.top.NotrackCandidate;
import ctguard.core.top.Protocols;

import java.util.ArrayList;
import java.util.List;

/**
 * The raw-table rules that exempt a candidate from tracking in both directions: request and reply (dport and
 * sport), arriving (prerouting) and sent (output). Printed by top's text and JSON, never applied.
 */
final class NotrackRules {
    private NotrackRules() {
    }

    /** The nft statements matching the request and the reply at one hook. */
    private static List<String> matches(NotrackCandidate c, boolean output) {
        if (c.loopback()) {
            return List.of(output ? "oif lo" : "iif lo");
        }
        String proto = Protocols.name(c.l4());
        if (c.port() < 0) {
            return List.of("meta l4proto " + proto);
        }
        return List.of(proto + " dport " + c.port(), proto + " sport " + c.port());
    }

    /** A whole nftables table, loadable with nft -f. */
    static List<String> nft(NotrackCandidate c) {
        List<String> rules = new ArrayList<>();
        rules.add("table inet ctguard_notrack {");
        for (String hook : List.of("prerouting", "output")) {
            rules.add("    chain " + hook + " {");
            rules.add("        type filter hook " + hook + " priority raw; policy accept;");
            for (String match : matches(c, hook.equals("output"))) {
                rules.add("        " + match + " notrack comment \"ctguard: " + c.name() + "\"");
            }
            rules.add("    }");
        }
        rules.add("}");
        return List.copyOf(rules);
    }

    static List<String> iptables(NotrackCandidate c) {
        List<String> rules = new ArrayList<>();
        for (String tool : List.of("iptables", "ip6tables")) {
            for (String chain : List.of("PREROUTING", "OUTPUT")) {
                String start = tool + " -t raw -A " + chain;
                if (c.loopback()) {
                    rules.add(start + (chain.equals("OUTPUT") ? " -o" : " -i") + " lo -j CT --notrack");
                } else if (c.port() < 0) {
                    rules.add(start + " -p " + Protocols.name(c.l4()) + " -j CT --notrack");
                } else {
                    for (String direction : List.of("--dport", "--sport")) {
                        rules.add(start + " -p " + Protocols.name(c.l4()) + " " + direction + " " + c.port() + " -j CT --notrack");
                    }
                }
            }
        }
        return List.copyOf(rules);
    }
}
