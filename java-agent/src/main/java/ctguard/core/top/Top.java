package ctguard.core.top;

import ctguard.core.CtguardException;
import ctguard.core.Units;

import java.util.ArrayList;
import java.util.List;

/**
 * What fills the table, and which traffic needs no tracking: streams every selected entry list through one
 * parser into bounded counts, then reads them (docs/architecture.md, "ctguard top"). Read-only: it changes
 * nothing on the node, and its notrack advice is printed, never applied.
 */
public final class Top {
    /** @param limit how many rows each top list keeps */
    public record Options(ConntrackTables.Selection selection, int limit, List<NotrackCandidate> candidates) {
        public Options {
            candidates = List.copyOf(candidates);
        }
    }

    /** The candidates top always looks for; the operator's come after them. */
    public static final List<NotrackCandidate> STANDARD_CANDIDATES = List.of(NotrackCandidate.VXLAN, NotrackCandidate.GENEVE,
            NotrackCandidate.GRE, NotrackCandidate.LOOPBACK);

    private final String host;
    private final ConntrackTables tables;
    private final NodeFirewall firewall;

    public Top(String host, ConntrackTables tables, NodeFirewall firewall) {
        this.host = host;
        this.tables = tables;
        this.firewall = firewall;
    }

    public TopReport run(Options options) {
        List<NotrackCandidate> candidates = new ArrayList<>(STANDARD_CANDIDATES);
        options.candidates().stream().filter(c -> !candidates.contains(c)).forEach(candidates::add);
        TopCounts counts = new TopCounts(candidates);
        List<ConntrackTables.Table> selected = tables.select(options.selection());
        if (selected.isEmpty()) {
            throw CtguardException.data("no conntrack table to read");
        }
        List<String> sources = new ArrayList<>();
        for (ConntrackTables.Table table : selected) {
            counts.startNetns(selected.size() > 1 ? table.label() : "");
            EntryParser parser = new EntryParser(counts);
            table.read(parser);
            parser.end();
            sources.add(table.label());
        }
        TopReport.Counts report = counts.report(options.limit());
        NotrackAdvisor.Advice advice = NotrackAdvisor.advise(report.entries(), report.candidates(), firewall);
        return new TopReport(host, List.copyOf(sources), report, notes(report), advice.notrack(), advice.refused(), firewall.ovsZoneLimits());
    }

    /** What an operator should read from the counts. */
    static List<String> notes(TopReport.Counts c) {
        List<String> notes = new ArrayList<>();
        long entries = c.entries();
        if (entries == 0) {
            return notes;
        }
        long unreplied = c.byFlag().getOrDefault("unreplied", 0L);
        if (unreplied * 2 > entries) {
            notes.add("%s of the entries are unreplied: the kernel evicts those first when the table is full (early_drop), "
                    .formatted(Units.formatPercent((double) unreplied / entries)) + "so a table full of them drops less new traffic than its fill suggests; "
                    + "they are often scans, or replies that take another path");
        }
        long tcp = c.byL4proto().getOrDefault("tcp", 0L);
        long timeWait = c.byState().getOrDefault("TIME_WAIT", 0L);
        if (tcp > 0 && timeWait * 4 > tcp) {
            notes.add("%s of the TCP entries are in TIME_WAIT: closed connections the kernel keeps for nf_conntrack_tcp_timeout_time_wait; "
                    .formatted(Units.formatPercent((double) timeWait / tcp)) + "a lower TIME_WAIT timeout (prepare sets 60 s) frees them sooner");
        }
        if (!c.approximate().isEmpty()) {
            notes.add("more distinct values than top counts exactly for " + String.join(", ", c.approximate())
                    + ": those lists are the heavy hitters, each count a lower bound");
        }
        return notes;
    }
}
