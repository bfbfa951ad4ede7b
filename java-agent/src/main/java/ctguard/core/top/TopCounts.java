package ctguard.core.top;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What fills the table, counted entry by entry in bounded memory (docs/architecture.md, "ctguard top"): fixed
 * arrays for the keys of small range (protocols, states, ports, zones) and {@link HeavyHitters} for the wide
 * ones (prefixes, marks), so that a table of millions of entries costs a few megabytes.
 */
public final class TopCounts {
    /** Distinct prefixes (per family and direction) counted exactly; past it, the top ones by sketch. */
    static final int PREFIX_BOUND = 65536;
    static final int MARK_BOUND = 4096;
    static final int MALFORMED_KEPT = 10;

    private final List<NotrackCandidate> candidates;
    private final long[] candidateEntries;
    /** Candidate entries in a conntrack zone other than 0: a Neutron port's, which its security group tracks. */
    private final long[] candidateZoned;

    private long entries;
    private long malformed;
    private final List<String> malformedLines = new ArrayList<>();
    private final long[] byL3 = new long[2];
    private final long[] byL4 = new long[256];
    private final long[] byState = new long[Entry.STATES.size()];
    private long assured;
    private long unreplied;
    private long offload;
    private long hwOffload;
    private final int[][] byPort = new int[Protocols.WITH_PORTS.length][65536];
    private final int[] byZone = new int[65536];
    private final HeavyHitters marks = new HeavyHitters(MARK_BOUND);
    private final HeavyHitters src4 = new HeavyHitters(PREFIX_BOUND);
    private final HeavyHitters dst4 = new HeavyHitters(PREFIX_BOUND);
    private final HeavyHitters src6 = new HeavyHitters(PREFIX_BOUND);
    private final HeavyHitters dst6 = new HeavyHitters(PREFIX_BOUND);
    private final Map<String, Long> byNetns = new LinkedHashMap<>();
    private String netns = "";
    private long netnsEntries;

    public TopCounts(List<NotrackCandidate> candidates) {
        this.candidates = List.copyOf(candidates);
        candidateEntries = new long[candidates.size()];
        candidateZoned = new long[candidates.size()];
    }

    /** The entries that follow are this namespace's (its label in by_netns and in malformed line references). */
    public void startNetns(String label) {
        endNetns();
        netns = label;
    }

    /** Closes the current namespace's count. */
    public void endNetns() {
        if (!netns.isEmpty()) {
            byNetns.merge(netns, netnsEntries, Long::sum);
        }
        netnsEntries = 0;
    }

    void malformed(long line) {
        malformed++;
        if (malformedLines.size() < MALFORMED_KEPT) {
            malformedLines.add(netns.isEmpty() ? Long.toString(line) : netns + ":" + line);
        }
    }

    void add(Entry e) {
        entries++;
        netnsEntries++;
        byL3[e.l3 == 6 ? 1 : 0]++;
        byL4[e.l4]++;
        if (e.l4 == Protocols.TCP && e.state >= 0) {
            byState[e.state]++;
        }
        if ((e.flags & Entry.ASSURED) != 0) {
            assured++;
        }
        if ((e.flags & Entry.UNREPLIED) != 0) {
            unreplied++;
        }
        if ((e.flags & Entry.OFFLOAD) != 0) {
            offload++;
        }
        if ((e.flags & Entry.HW_OFFLOAD) != 0) {
            hwOffload++;
        }
        int portIndex = Protocols.portIndex(e.l4);
        if (portIndex >= 0 && e.dport >= 0) {
            byPort[portIndex][e.dport]++;
        }
        byZone[e.zone]++;
        if (e.mark >= 0) {
            marks.add(e.mark);
        }
        if (e.l3 == 6) {
            src6.add(key(e.srcHi));
            dst6.add(key(e.dstHi));
        } else {
            src4.add(e.srcHi >>> 8);
            dst4.add(e.dstHi >>> 8);
        }
        boolean onLoopback = e.loopback();
        for (int i = 0; i < candidateEntries.length; i++) {
            if (candidates.get(i).matches(e, onLoopback)) {
                candidateEntries[i]++;
                if (e.zone != 0) {
                    candidateZoned[i]++;
                }
            }
        }
    }

    /** HeavyHitters reserves Long.MIN_VALUE; the one /64 with that value shares its neighbour's count. */
    private static long key(long v) {
        return v == Long.MIN_VALUE ? Long.MIN_VALUE + 1 : v;
    }

    /** The counts as typed data, each top list cut at limit entries. */
    public TopReport.Counts report(int limit) {
        endNetns();
        Map<String, Long> l3 = new LinkedHashMap<>();
        l3.put("ipv4", byL3[0]);
        l3.put("ipv6", byL3[1]);
        Map<String, Long> l4 = sorted(256, i -> byL4[i], Protocols::name, Integer.MAX_VALUE);
        Map<String, Long> states = sorted(byState.length, i -> byState[i], Entry.STATES::get, Integer.MAX_VALUE);
        Map<String, Long> flags = new LinkedHashMap<>();
        flags.put("assured", assured);
        flags.put("unreplied", unreplied);
        flags.put("offload", offload);
        flags.put("hw_offload", hwOffload);
        List<TopReport.PortCount> ports = topPorts(limit);
        Map<String, Long> zones = sorted(byZone.length, i -> byZone[i], Integer::toString, limit);
        Map<String, Long> markCounts = new LinkedHashMap<>();
        marks.top(limit).forEach(c -> markCounts.put(Long.toString(c.key()), c.count()));
        List<String> approximate = new ArrayList<>();
        if (src4.approximate() || src6.approximate()) {
            approximate.add("top_src_prefix");
        }
        if (dst4.approximate() || dst6.approximate()) {
            approximate.add("top_dst_prefix");
        }
        if (marks.approximate()) {
            approximate.add("by_mark");
        }
        List<TopReport.CandidateCount> candidateCounts = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            candidateCounts.add(new TopReport.CandidateCount(candidates.get(i), candidateEntries[i], candidateZoned[i]));
        }
        return new TopReport.Counts(entries, new TopReport.Malformed(malformed, List.copyOf(malformedLines)), l3, l4, states, flags,
                ports, prefixes(src4, src6, limit), prefixes(dst4, dst6, limit),
                zones, markCounts, new LinkedHashMap<>(byNetns), List.copyOf(approximate), candidateCounts);
    }

    /** The limit largest port counts: each packed as count, protocol index, port into one long, sorted as primitives. */
    private List<TopReport.PortCount> topPorts(int limit) {
        int nonZero = 0;
        for (int[] counts : byPort) {
            for (int count : counts) {
                nonZero += count > 0 ? 1 : 0;
            }
        }
        long[] packed = new long[nonZero];
        int n = 0;
        for (int p = 0; p < byPort.length; p++) {
            for (int port = 0; port < 65536; port++) {
                if (byPort[p][port] > 0) {
                    // descending count, then ascending protocol and port, as ascending longs
                    packed[n++] = ((long) (Integer.MAX_VALUE - byPort[p][port]) << 19) | ((long) p << 16) | port;
                }
            }
        }
        java.util.Arrays.sort(packed);
        List<TopReport.PortCount> top = new ArrayList<>();
        for (int i = 0; i < Math.min(limit, n); i++) {
            int p = (int) ((packed[i] >>> 16) & 7);
            int port = (int) (packed[i] & 0xFFFF);
            top.add(new TopReport.PortCount(Protocols.name(Protocols.WITH_PORTS[p]), port, byPort[p][port]));
        }
        return List.copyOf(top);
    }

    private static List<TopReport.PrefixCount> prefixes(HeavyHitters v4, HeavyHitters v6, int limit) {
        List<TopReport.PrefixCount> all = new ArrayList<>();
        v4.top(limit).forEach(c -> all.add(new TopReport.PrefixCount(Prefixes.ipv4(c.key()), c.count())));
        v6.top(limit).forEach(c -> all.add(new TopReport.PrefixCount(Prefixes.ipv6(c.key()), c.count())));
        all.sort(java.util.Comparator.comparingLong(TopReport.PrefixCount::count).reversed().thenComparing(TopReport.PrefixCount::prefix));
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    /** Non-zero counts of an indexed array, largest first, at most limit of them. */
    private static Map<String, Long> sorted(int size, java.util.function.IntToLongFunction count,
                                            java.util.function.IntFunction<String> name, int limit) {
        List<Integer> nonZero = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (count.applyAsLong(i) > 0) {
                nonZero.add(i);
            }
        }
        nonZero.sort((a, b) -> Long.compare(count.applyAsLong(b), count.applyAsLong(a)));
        Map<String, Long> out = new LinkedHashMap<>();
        nonZero.stream().limit(limit).forEach(i -> out.put(name.apply(i), count.applyAsLong(i)));
        return out;
    }
}
