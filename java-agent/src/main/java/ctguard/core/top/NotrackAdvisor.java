package ctguard.core.top;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns the candidate counts into print-only advice (docs/architecture.md, "ctguard top"): each candidate with
 * entries is advised (the front ends write its raw-table rules), unless a stateful security group tracks that
 * traffic, which an exemption would break.
 */
final class NotrackAdvisor {
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
                        TopReport.STATELESS_ALTERNATIVE));
                continue;
            }
            notrack.add(new TopReport.NotrackAdvice(candidate, c.entries(), total == 0 ? 0 : (double) c.entries() / total));
        }
        return new Advice(List.copyOf(notrack), List.copyOf(refused));
    }
}
