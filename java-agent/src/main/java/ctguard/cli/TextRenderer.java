package ctguard.cli;

import ctguard.core.CheckPolicy;
import ctguard.core.ConntrackStats;
import ctguard.core.FileChange;
import ctguard.core.Memory;
import ctguard.core.Plan;
import ctguard.core.Result;
import ctguard.core.TunableChange;
import ctguard.core.Units;
import ctguard.core.Usage;
import ctguard.core.Verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Aligned text for people. */
final class TextRenderer {
    private final Colors colors;
    private final StringBuilder out = new StringBuilder();

    TextRenderer(Colors colors) {
        this.colors = colors;
    }

    /** @param detail false for a check's brief output: the status line and its further reasons only */
    String render(Result r, boolean detail) {
        if (r.verdict() != null) {
            nagiosLine(r);
            if (!detail) {
                return out.toString();
            }
            out.append('\n');
        }
        if (r.host() != null) {
            String state = r.action().equals("status") || r.action().equals("check") || r.action().equals("plan") ? ""
                    : r.dryRun() ? (r.changed() ? ": would change (dry run)" : ": nothing to change (dry run)")
                    : r.changed() ? ": changed" : ": unchanged";
            line("ctguard %s on %s (kernel %s)%s".formatted(r.action(), r.host(), r.kernel(), state));
            String netns = r.netns() == null ? "unknown" : r.netns() + (Boolean.TRUE.equals(r.initialNetns()) ? " (initial)" : " (not the initial one)");
            field("netns", netns);
        }
        if (r.usage() != null) {
            Usage u = r.usage();
            field("usage", u.unlimited() ? "%d entries, no limit (nf_conntrack_max 0)".formatted(u.count())
                    : "%d of %d entries (%s full)".formatted(u.count(), u.max(), Units.formatPercent(u.fillRatio())));
            if (r.namespaces() != null && !r.namespaces().isEmpty()) {
                field("namespaces", "%d other(s) with entries; fullest: %s".formatted(r.namespaces().size(),
                        r.namespaces().stream().limit(3).map(n -> u.unlimited() ? "%s %d".formatted(n.label(), n.count())
                                        : "%s %d (%s)".formatted(n.label(), n.count(), Units.formatPercent((double) n.count() / u.max())))
                                .collect(java.util.stream.Collectors.joining(", "))));
            }
            field("buckets", "%d%s, %s entries per bucket now, %s at max".formatted(u.buckets(),
                    u.hashsize() == null ? "" : " (hashsize " + u.hashsize() + ")", dec(u.entriesPerBucket()),
                    u.unlimited() ? "no bound" : dec(u.entriesPerBucketAtMax())));
        }
        if (r.memory() != null) {
            Memory m = r.memory();
            field("memory", "now %s, at max %s%s, budget %s (%s)%s".formatted(Units.formatBytes(m.tableBytesNow()),
                    m.unbounded() ? "unbounded" : Units.formatBytes(m.tableBytesAtMax()),
                    m.activeNamespaces() > 1 && !m.unbounded()
                            ? " (%s with all %d namespaces full)".formatted(Units.formatBytes(m.tableBytesWorst()), m.activeNamespaces()) : "",
                    Units.formatBytes(m.budgetBytes()), m.budget(), m.overBudget() ? " - OVER BUDGET" : ""));
            field("entry", "%d B (%s), RAM %s".formatted(m.entryBytes(), m.entryBytesSource(), Units.formatBytes(m.ramBytes())));
        }
        if (r.usage() != null) {
            ConntrackStats s = r.stats();
            field("counters", s == null ? "unavailable" : "since boot: " + counters(s));
            if (r.statsIncrease() != null) {
                var i = r.statsIncrease();
                field("", "rise in the last %s: %s".formatted(Units.formatDuration(java.time.Duration.ofSeconds(i.intervalSeconds())),
                        counters(i.increase())));
            }
        }
        if (r.kernelLog() != null) {
            var l = r.kernelLog();
            field("kernel log", l.readable() ? "%d table-full line(s) in the last %s (%s)%s".formatted(l.matches(),
                    Units.formatDuration(java.time.Duration.ofSeconds(l.sinceSeconds())), l.source(), l.lastAt() == null ? "" : ", latest " + l.lastAt())
                    : "unreadable: " + l.note());
        }
        if (r.plan() != null) {
            plan(r.plan());
        }
        if (r.tunePlan() != null) {
            plan(r.tunePlan());
        }
        if (!r.tunables().isEmpty() && !r.action().equals("plan")) {
            tunables(r);
        }
        if (r.snapshot() != null) {
            out.append('\n');
            field("snapshot", "%s%s: %s".formatted(r.snapshot().path(), r.snapshot().takenAt() == null ? "" : ", taken " + r.snapshot().takenAt(),
                    r.snapshot().values()));
        }
        if (r.files() != null) {
            out.append('\n');
            line(colors.bold("files"));
            for (FileChange f : r.files()) {
                line("  %-10s %s".formatted(f.action(), f.path()));
            }
        }
        if (r.rollback() != null) {
            field("rolled back", r.rollback().undone().isEmpty() ? "nothing" : String.join(", ", r.rollback().undone()));
            if (!r.rollback().failed().isEmpty()) {
                field("NOT undone", String.join("; ", r.rollback().failed()));
            }
        }
        if (!r.warnings().isEmpty()) {
            out.append('\n');
            for (String w : r.warnings()) {
                line(colors.bold("warning: ") + w);
            }
        }
        return out.toString();
    }

    /**
     * The first line a Nagios/Icinga plugin prints: status, summary, performance data, and the further reasons
     * below it. The perfdata are the values the verdict judged (the fullest namespace), each with the thresholds
     * it was judged against ('label'=value[UOM];warn;crit;min;max).
     */
    private void nagiosLine(Result r) {
        Verdict v = r.verdict();
        String notRead = v.notRead().isEmpty() ? "" : " - not read: " + String.join(", ", v.notRead()) + " - see -v";
        line(StatusLine.of(v.status().name(), v.reasons().get(0).message() + notRead, perfdata(r, v.policy())));
        for (Verdict.Reason reason : v.reasons().subList(1, v.reasons().size())) {
            line("  %s: %s".formatted(reason.status(), reason.message()));
        }
    }

    private static String perfdata(Result r, CheckPolicy policy) {
        Usage u = r.usage();
        List<String> p = new ArrayList<>();
        if (u.unlimited()) {
            p.add("fill=U");
            p.add("entries=%d;;;0;".formatted(u.fullestCount()));
        } else {
            p.add("fill=%s%%;%s;%s;0;100".formatted(String.format(Locale.ROOT, "%.2f", u.fullestFillRatio() * 100),
                    percent(policy.warnFill()), percent(policy.critFill())));
            p.add("entries=%d;%d;%d;0;%d".formatted(u.fullestCount(), (long) Math.floor(u.max() * policy.warnFill()),
                    (long) Math.floor(u.max() * policy.critFill()), u.max()));
        }
        String chain = Units.formatPlain(policy.maxChain(), 4);
        p.add("chain_length=%s;%s;;0;".formatted(dec(u.entriesPerBucket()), chain));
        if (!u.unlimited()) {
            p.add("chain_length_at_max=%s;%s;;0;".formatted(dec(u.entriesPerBucketAtMax()), chain));
        }
        ConntrackStats s = r.stats();
        if (s != null) {
            p.add("drop=%dc".formatted(s.drop()));
            p.add("insert_failed=%dc".formatted(s.insertFailed()));
            if (s.chainTooLong() != null) {
                p.add("chain_too_long=%dc".formatted(s.chainTooLong()));
            }
        }
        Memory m = r.memory();
        if (m != null && !m.unbounded()) {
            p.add("memory_at_max=%dB;%d;;0;".formatted(m.tableBytesAtMax(), m.budgetBytes()));
        }
        return String.join(" ", p);
    }

    /** A threshold in percent as perfdata wants it: 75, 12.5. */
    private static String percent(double ratio) {
        return Units.formatPlain(ratio * 100, 4);
    }

    private void plan(Plan p) {
        out.append('\n');
        String title = p.kind().equals(Plan.TUNE) ? "plan: tune (the balanced sizing; may lower max)" : "plan: prepare (raise limits before an upgrade)";
        line(colors.bold(title) + (p.forOtherNode() ? " (for another node: its current values are not known)" : ""));
        int width = p.items().stream().mapToInt(i -> i.name().length()).max().orElse(10);
        for (Plan.Item i : p.items()) {
            String current = i.current() == null ? "?" : Long.toString(i.current());
            line(("  %-" + width + "s %10s -> %-10d %s").formatted(i.name(), current, i.target(), colors.dim(i.reason())));
        }
        line("  one full table: %s at the targets%s; budget %s (entry %d B, budget ceiling %d)%s".formatted(
                p.bytesAtTarget() == null ? "unbounded (max 0: no limit)" : Units.formatBytes(p.bytesAtTarget()),
                p.bytesAtCurrent() == null ? "" : ", " + Units.formatBytes(p.bytesAtCurrent()) + " now",
                Units.formatBytes(p.budgetBytes()), p.entryBytes(), p.ceiling(),
                p.overBudget() ? " - OVER BUDGET" : p.nodeOverBudget() ? " - over budget as the node already is" : ""));
    }

    private void tunables(Result r) {
        out.append('\n');
        boolean changing = !(r.action().equals("status") || r.action().equals("check"));
        int width = r.tunables().keySet().stream().mapToInt(String::length).max().orElse(10);
        line(colors.bold(("%-" + width + "s %10s %s").formatted("tunable", changing ? "before" : "value", changing ? "     after  writable" : "writable")));
        for (Map.Entry<String, TunableChange> e : r.tunables().entrySet()) {
            TunableChange t = e.getValue();
            String writable = t.writable() ? "yes" : "no: " + t.reason();
            if (changing) {
                String mark = t.before() != t.after() ? "*" : " ";
                line(("%-" + width + "s %10d %9d%s  %s").formatted(e.getKey(), t.before(), t.after(), mark, writable));
            } else {
                line(("%-" + width + "s %10d %s").formatted(e.getKey(), t.after(), writable));
            }
        }
    }

    private static String counters(ConntrackStats s) {
        StringBuilder b = new StringBuilder("drop %s, early_drop %s, insert_failed %s, search_restart %s".formatted(
                s.drop(), s.earlyDrop(), s.insertFailed(), s.searchRestart()));
        if (s.chainTooLong() != null) {
            b.append(", chain_too_long ").append(s.chainTooLong());
        }
        if (s.clashResolved() != null) {
            b.append(", clash_resolved ").append(s.clashResolved());
        }
        return b.toString();
    }

    private void field(String name, String value) {
        line("%-11s %s".formatted(name, value));
    }

    private void line(String s) {
        out.append(s).append('\n');
    }

    private static String dec(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
