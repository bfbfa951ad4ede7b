package ctguard.core.top;

import java.util.List;
import java.util.Map;

/**
 * What ctguard top found (schema ctguard-top/v1), built once and rendered as text or JSON.
 *
 * @param sources       the tables read: namespace labels, or the input's name
 * @param counts        the aggregates
 * @param notes         plain-language readings of them (e.g. a table full of unreplied entries is less urgent)
 * @param notrack       traffic that need not be tracked, with the rules that would exempt it
 * @param refused       candidate traffic that a stateful security group tracks, and what to do instead
 * @param ovsZoneLimits OVS's zone limits beside the zone counts, or null where OVS is not present
 */
public record TopReport(String host, List<String> sources, Counts counts, List<String> notes, List<NotrackAdvice> notrack,
                        List<Refusal> refused, Map<Integer, Long> ovsZoneLimits) {
    public static final String SCHEMA = "ctguard-top/v1";
    /** Said with every piece of notrack advice: what an exemption costs. */
    /** What to do instead of exempting traffic a stateful security group tracks. */
    public static final String STATELESS_ALTERNATIVE = "make the security group stateless (Neutron Wallaby or later: "
            + "'openstack security group create' with stateless set, both directions allowed explicitly) instead of exempting the "
            + "traffic in the raw table";
    public static final String NOTRACK_CAUTION = "exempted flows have no conntrack state: stateful rules (ct state, -m state/conntrack, NAT, "
            + "security groups) stop seeing them, so allow them statelessly in both directions before applying";

    public record Counts(long entries, Malformed malformed, Map<String, Long> byL3, Map<String, Long> byL4proto,
                         Map<String, Long> byState, Map<String, Long> byFlag, List<PortCount> topDport,
                         List<PrefixCount> topSrcPrefix, List<PrefixCount> topDstPrefix, Map<String, Long> byZone,
                         Map<String, Long> byMark, Map<String, Long> byNetns, List<String> approximate,
                         List<CandidateCount> candidates) {
    }

    /** @param lines the first few malformed lines' numbers ("netns:line" when several tables were read) */
    public record Malformed(long count, List<String> lines) {
    }

    public record PortCount(String proto, int port, long count) {
    }

    public record PrefixCount(String prefix, long count) {
    }

    /** @param zoned the candidate's entries in a zone other than 0 */
    public record CandidateCount(NotrackCandidate candidate, long entries, long zoned) {
    }

    /** Traffic whose entries an exemption would save; the front ends write the rules (print only: never applied). */
    public record NotrackAdvice(NotrackCandidate candidate, long entries, double share) {
    }

    public record Refusal(String traffic, long entries, String reason, String alternative) {
    }
}
