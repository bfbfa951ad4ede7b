package ctguard.cli;

import ctguard.core.Printable;
import ctguard.core.Units;
import ctguard.core.top.TopReport;

import java.util.List;
import java.util.Map;

/** ctguard top as aligned text: a summary, then each list with counts and shares, the notes and the advice. */
final class TopRenderer {
    private final Colors colors;
    private final StringBuilder out = new StringBuilder();

    TopRenderer(Colors colors) {
        this.colors = colors;
    }

    /** @param only the one list --by asked for, or null for all */
    String render(TopReport r, TopList only) {
        TopReport.Counts c = r.counts();
        long total = c.entries();
        out.append("ctguard top%s: %d entries from %s%n".formatted(r.host() == null ? "" : " on " + r.host(), total,
                String.join(", ", r.sources().stream().map(Printable::of).toList())));
        if (c.malformed().count() > 0) {
            out.append("malformed: %d line(s), first at %s%n".formatted(c.malformed().count(), String.join(", ", c.malformed().lines())));
        }
        for (TopList list : TopList.values()) {
            if (only == null || only == list) {
                list(list, c, r, total);
            }
        }
        if (only != null) {
            return out.toString();
        }
        if (!r.notes().isEmpty()) {
            out.append('\n');
            r.notes().forEach(n -> out.append(colors.bold("note: ")).append(n).append('\n'));
        }
        advice(r);
        return out.toString();
    }

    private void list(TopList list, TopReport.Counts c, TopReport r, long total) {
        switch (list) {
            case L3 -> table("family", c.byL3(), total);
            case L4PROTO -> table("protocol", c.byL4proto(), total);
            case STATE -> table("tcp state", c.byState(), c.byL4proto().getOrDefault("tcp", 0L));
            case FLAG -> table("flag", c.byFlag(), total);
            case DPORT -> {
                Map<String, Long> ports = new java.util.LinkedHashMap<>();
                c.topDport().forEach(p -> ports.put(p.proto() + "/" + p.port(), p.count()));
                table("destination port", ports, total);
            }
            case SRC -> table("source prefix" + approximate(c, "top_src_prefix"), prefixes(c.topSrcPrefix()), total);
            case DST -> table("destination prefix" + approximate(c, "top_dst_prefix"), prefixes(c.topDstPrefix()), total);
            case ZONE -> zones(c, r, total);
            case MARK -> table("mark" + approximate(c, "by_mark"), c.byMark(), total);
            case NETNS -> {
                if (c.byNetns().size() > 1) {
                    table("namespace", c.byNetns(), total);
                }
            }
        }
    }

    private static String approximate(TopReport.Counts c, String key) {
        return c.approximate().contains(key) ? " (heavy hitters: lower bounds)" : "";
    }

    private static Map<String, Long> prefixes(List<TopReport.PrefixCount> list) {
        Map<String, Long> m = new java.util.LinkedHashMap<>();
        list.forEach(p -> m.put(p.prefix(), p.count()));
        return m;
    }

    private void zones(TopReport.Counts c, TopReport r, long total) {
        if (r.ovsZoneLimits() == null) {
            table("zone", c.byZone(), total);
            return;
        }
        out.append('\n').append(colors.bold("%-40s %10s %7s %10s".formatted("zone", "entries", "share", "OVS limit"))).append('\n');
        Long defaultLimit = r.ovsZoneLimits().get(-1);
        c.byZone().forEach((zone, count) -> {
            Long limit = r.ovsZoneLimits().getOrDefault(Integer.parseInt(zone), defaultLimit);
            out.append("%-40s %10d %7s %10s%n".formatted(zone, count, share(count, total), limit == null || limit == 0 ? "none" : limit));
        });
    }

    private void table(String title, Map<String, Long> rows, long whole) {
        out.append('\n').append(colors.bold("%-40s %10s %7s".formatted(title, "entries", "share"))).append('\n');
        if (rows.isEmpty()) {
            out.append("  (none)\n");
        }
        // namespace names come from /run/netns: sanitised like everything read from the node
        rows.forEach((name, count) -> out.append("%-40s %10d %7s%n".formatted(Printable.of(name), count, share(count, whole))));
    }

    private static String share(long part, long whole) {
        return whole == 0 ? "-" : Units.formatPercent((double) part / whole);
    }

    private void advice(TopReport r) {
        if (r.notrack().isEmpty() && r.refused().isEmpty()) {
            return;
        }
        out.append('\n').append(colors.bold("NOTRACK advice (printed only: nothing was applied)")).append('\n');
        for (TopReport.NotrackAdvice a : r.notrack()) {
            out.append("\n%s: %d entries (%s) need no tracking if exempted; nft:%n".formatted(a.candidate().name(), a.entries(),
                    Units.formatPercent(a.share())));
            NotrackRules.nft(a.candidate()).forEach(l -> out.append("    ").append(l).append('\n'));
            out.append("  or iptables:\n");
            NotrackRules.iptables(a.candidate()).forEach(l -> out.append("    ").append(l).append('\n'));
        }
        if (!r.notrack().isEmpty()) {
            out.append("\n").append(colors.bold("caution: ")).append(TopReport.NOTRACK_CAUTION).append('\n');
        }
        for (TopReport.Refusal refusal : r.refused()) {
            out.append("\n%s: %d entries, not advised: %s.%n  instead: %s%n".formatted(refusal.traffic(), refusal.entries(), refusal.reason(),
                    refusal.alternative()));
        }
    }

}
