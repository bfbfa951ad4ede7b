package ctguard.core.top;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the candidate counts into print-only advice (docs/architecture.md, "ctguard top"): for each candidate
 * with entries, the raw-table rules that exempt both directions — request and reply, arriving (PREROUTING)
 * and sent (OUTPUT) — unless a stateful security group tracks that traffic, which an exemption would break.
 */
final class NotrackAdvisor {
    /** Said with every piece of advice: what an exemption costs. */
    static final String CAUTION = "exempted flows have no conntrack state: stateful rules (ct state, -m state/conntrack, NAT, "
            + "security groups) stop seeing them, so allow them statelessly in both directions before applying";

    private NotrackAdvisor() {
    }

    record Advice(List<TopReport.NotrackAdvice> notrack, List<TopReport.Refusal> refused) {
    }

    static Advice advise(long total, List<TopReport.CandidateCount> counts, NodeFirewall firewall) {
        List<TopReport.NotrackAdvice> notrack = new ArrayList<>();
        List<TopReport.Refusal> refused = new ArrayList<>();
        for (TopReport.CandidateCount c : counts) {
            if (c.entries() == 0) {
                continue;
            }
            NotrackCandidate candidate = c.candidate();
            if (c.zoned() > 0) {
                refused.add(new TopReport.Refusal(candidate.name(), c.entries(),
                        "%d of its %d entries are in conntrack zones other than 0, which Neutron gives each port it filters%s: a stateful "
                                .formatted(c.zoned(), c.entries(), firewall.neutronSecurityGroups() ? " (and this node has neutron-openvswi-* chains)" : "")
                                + "security group tracks this traffic, and exempting it would drop its replies",
                        "make the security group stateless (openstack security group create --stateless, Neutron Wallaby or later; "
                                + "allow both directions explicitly) instead of exempting the traffic in the raw table"));
                continue;
            }
            notrack.add(new TopReport.NotrackAdvice(candidate.name(), c.entries(), total == 0 ? 0 : (double) c.entries() / total,
                    nft(candidate), iptables(candidate)));
        }
        return new Advice(List.copyOf(notrack), List.copyOf(refused));
    }

    /** The nft statements matching the request and the reply, per hook. */
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
                if (c.loopback()) {
                    rules.add("%s -t raw -A %s %s lo -j CT --notrack".formatted(tool, chain, chain.equals("OUTPUT") ? "-o" : "-i"));
                    continue;
                }
                String proto = Protocols.name(c.l4()).toLowerCase(Locale.ROOT);
                if (c.port() < 0) {
                    rules.add("%s -t raw -A %s -p %s -j CT --notrack".formatted(tool, chain, proto));
                } else {
                    rules.add("%s -t raw -A %s -p %s --dport %d -j CT --notrack".formatted(tool, chain, proto, c.port()));
                    rules.add("%s -t raw -A %s -p %s --sport %d -j CT --notrack".formatted(tool, chain, proto, c.port()));
                }
            }
        }
        return List.copyOf(rules);
    }
}
