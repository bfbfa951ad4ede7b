package ctguard.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import ctguard.core.ConntrackStats;
import ctguard.core.Memory;
import ctguard.core.Printable;
import ctguard.core.Result;
import ctguard.core.Status;
import ctguard.core.TunableChange;
import ctguard.core.Tunables;
import ctguard.core.Units;
import ctguard.core.Usage;
import ctguard.core.Verdict;
import ctguard.core.fleet.HostFailure;

import java.time.Instant;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The fleet's outcomes rendered as a table, one ctguard-fleet/v1 JSON object, or a self-contained page,
 * all from the typed results (the same Result a local check renders).
 */
final class FleetReport {
    static final String SCHEMA = "ctguard-fleet/v1";
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    /** One host: its check result, or why it has none. Its inventory name is made printable here, once. */
    record Outcome(String host, Result result, HostFailure failure) {
        Outcome {
            host = Printable.of(host);
        }

        static Outcome of(String host, Result result) {
            return new Outcome(host, result, null);
        }

        static Outcome failed(String host, HostFailure failure) {
            return new Outcome(host, null, failure);
        }

        Status status() {
            return result == null ? Status.UNKNOWN : result.verdict().status();
        }

        String error() {
            return failure == null ? null : failure.message();
        }
    }

    private final List<Outcome> outcomes;
    private final String inventorySource;
    private final Instant generatedAt;

    /** @param generatedAt when the run was made, shown on the page */
    FleetReport(List<Outcome> outcomes, String inventorySource, Instant generatedAt) {
        this.outcomes = outcomes;
        this.inventorySource = inventorySource;
        this.generatedAt = generatedAt;
    }

    Status worst() {
        return outcomes.stream().map(Outcome::status).reduce(Status.OK, Status::worse);
    }

    /** Worst first: CRITICAL, UNKNOWN (unreachable), WARNING, OK; then the fullest first. */
    List<Outcome> worstFirst() {
        Comparator<Outcome> bySeverity = Comparator.comparingInt(o -> switch (o.status()) {
            case CRITICAL -> 0;
            case UNKNOWN -> 1;
            case WARNING -> 2;
            case OK -> 3;
        });
        return outcomes.stream().sorted(bySeverity.thenComparing(Comparator.comparingDouble(FleetReport::fill).reversed())
                .thenComparing(Outcome::host)).toList();
    }

    Map<Status, Integer> counts() {
        Map<Status, Integer> counts = new EnumMap<>(Status.class);
        for (Status s : Status.values()) {
            counts.put(s, 0);
        }
        outcomes.forEach(o -> counts.merge(o.status(), 1, Integer::sum));
        return counts;
    }

    /** Hosts without a result, by kind of failure. */
    Map<HostFailure.Kind, Long> failures() {
        Map<HostFailure.Kind, Long> byKind = new EnumMap<>(HostFailure.Kind.class);
        outcomes.stream().filter(o -> o.failure() != null).forEach(o -> byKind.merge(o.failure().kind(), 1L, Long::sum));
        return byKind;
    }

    String json() {
        JsonObject root = new JsonObject();
        root.addProperty("schema", SCHEMA);
        JsonObject summary = new JsonObject();
        summary.addProperty("hosts", outcomes.size());
        counts().forEach((s, n) -> summary.addProperty(s.name().toLowerCase(Locale.ROOT), n));
        Map<HostFailure.Kind, Long> failures = failures();
        summary.addProperty("unreachable", failures.getOrDefault(HostFailure.Kind.UNREACHABLE, 0L));
        JsonObject failed = new JsonObject();
        failures.forEach((kind, n) -> failed.addProperty(kind.name().toLowerCase(Locale.ROOT), n));
        summary.add("failed", failed);
        summary.addProperty("worst", worst().name());
        summary.addProperty("exit_code", worst().exitCode().code());
        summary.addProperty("inventory_source", inventorySource);
        summary.addProperty("generated_at", generatedAt.toString());
        root.add("summary", summary);
        JsonArray hosts = new JsonArray();
        for (Outcome o : worstFirst()) {
            JsonObject h = new JsonObject();
            h.addProperty("host", o.host());
            if (o.result() != null) {
                // the inventory name is "host"; the node's own name from its result becomes "hostname"
                JsonRenderer.object(o.result()).entrySet().forEach(e -> h.add(e.getKey().equals("host") ? "hostname" : e.getKey(), e.getValue()));
            } else {
                h.addProperty("error", o.failure().message());
                h.addProperty("error_kind", o.failure().kind().name().toLowerCase(Locale.ROOT));
                h.addProperty("endpoint", o.failure().endpoint());
            }
            hosts.add(h);
        }
        root.add("hosts", hosts);
        return GSON.toJson(root);
    }

    String table(Colors colors) {
        StringBuilder out = new StringBuilder();
        int width = Math.max(4, outcomes.stream().mapToInt(o -> o.host().length()).max().orElse(4));
        String format = "%-" + width + "s  %-8s  %19s  %6s  %9s  %6s  %8s  %9s  %10s%n";
        out.append(colors.bold(String.format(Locale.ROOT, format, "host", "verdict", "count/max", "fill", "buckets", "e/b", "drops", "time_wait", "mem@max")));
        for (Outcome o : worstFirst()) {
            String verdict = colors.status(o.status()) + " ".repeat(Math.max(0, 8 - o.status().name().length()));
            if (o.result() == null) {
                out.append(String.format(Locale.ROOT, "%-" + width + "s  %s  %s%n", o.host(), verdict, o.error()));
                continue;
            }
            Usage u = o.result().usage();
            ConntrackStats stats = o.result().stats();
            TunableChange timeWait = o.result().tunables().get(Tunables.TIME_WAIT);
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %s  %19s  %5.1f%%  %9d  %6.2f  %8s  %9s  %10s%n",
                    o.host(), verdict, u.fullestCount() + "/" + (u.unlimited() ? "unlimited" : u.max()),
                    fill(o) * 100, u.buckets(), u.entriesPerBucket(), stats == null || stats.drop() == null ? "n/a" : stats.drop(),
                    timeWait == null ? "n/a" : timeWait.after() + "s", atMax(o.result().memory())));
        }
        Map<Status, Integer> c = counts();
        Map<HostFailure.Kind, Long> failures = failures();
        String failed = failures.isEmpty() ? "none failed" : failures.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().name().toLowerCase(Locale.ROOT).replace('_', ' ')).collect(Collectors.joining(", "));
        out.append(String.format(Locale.ROOT, "%n%d hosts: %d OK, %d WARNING, %d CRITICAL, %d UNKNOWN (%s); inventory read with %s%n",
                outcomes.size(), c.get(Status.OK), c.get(Status.WARNING), c.get(Status.CRITICAL), c.get(Status.UNKNOWN), failed, inventorySource));
        return out.toString();
    }

    /**
     * A page with no external assets: a bar per node for fill and for memory at max against the budget,
     * the node's own hostname and kernel, problem nodes first and the OK ones folded away.
     */
    String html() {
        StringBuilder problems = new StringBuilder();
        StringBuilder fine = new StringBuilder();
        for (Outcome o : worstFirst()) {
            (o.status() == Status.OK ? fine : problems).append(row(o));
        }
        Map<Status, Integer> c = counts();
        String head = "<table><thead><tr><th>host</th><th>node</th><th>verdict</th><th>fill</th><th>memory at max / budget</th>"
                + "<th>reasons</th></tr></thead>\n<tbody>\n";
        String folded = c.get(Status.OK) == 0 ? "" : "<details><summary>%d OK node(s)</summary>\n%s%s</tbody></table></details>\n"
                .formatted(c.get(Status.OK), head, fine);
        String open = problems.length() == 0 ? "<p>No node needs attention.</p>\n" : head + problems + "</tbody></table>\n";
        return """
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>conntrack fleet pre-flight</title>
                <style>
                body{font:14px system-ui,sans-serif;margin:2em;color:#222}
                table{border-collapse:collapse;width:100%%}td,th{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left;vertical-align:middle}
                .ok{color:#1a7f37;font-weight:bold}.warning{color:#9a6700;font-weight:bold}.critical{color:#cf222e;font-weight:bold}.unknown{color:#8250df;font-weight:bold}
                .bar{position:relative;background:#eee;width:220px;height:16px;border-radius:3px}
                .bar span{position:absolute;left:0;top:0;bottom:0;border-radius:3px}
                .bar em{position:relative;font-style:normal;font-size:11px;padding-left:4px;line-height:16px}
                summary{cursor:pointer;margin:1em 0}
                </style></head><body>
                <h1>conntrack fleet pre-flight</h1>
                <p>%d hosts: %d OK, %d WARNING, %d CRITICAL, %d UNKNOWN; run at %s, inventory read with %s. Fill is the fullest
                network namespace's count against nf_conntrack_max; memory is the table at max against the budget.</p>
                %s%s</body></html>
                """.formatted(outcomes.size(), c.get(Status.OK), c.get(Status.WARNING), c.get(Status.CRITICAL), c.get(Status.UNKNOWN),
                escape(generatedAt.toString()), escape(inventorySource), open, folded);
    }

    private static String row(Outcome o) {
        String css = o.status().name().toLowerCase(Locale.ROOT);
        if (o.result() == null) {
            return "<tr><td>" + escape(o.host()) + "</td><td></td><td class=\"" + css + "\">UNKNOWN</td><td colspan=\"3\">"
                    + escape(o.error()) + "</td></tr>\n";
        }
        Usage u = o.result().usage();
        Memory m = o.result().memory();
        double fill = fill(o);
        double budget = m.unbounded() ? 1 : m.budgetBytes() == 0 ? 0 : (double) m.tableBytesAtMax() / m.budgetBytes();
        String node = o.result().host() + " (" + o.result().kernel() + ")";
        return "<tr><td>" + escape(o.host()) + "</td><td>" + escape(node) + "</td><td class=\"" + css + "\">" + o.status().name() + "</td>"
                + bar(fill, u.unlimited() ? "%d, no limit".formatted(u.fullestCount()) : "%d of %d (%.1f%%)".formatted(u.fullestCount(), u.max(), fill * 100))
                + bar(budget, "%s of %s (%.0f%%)".formatted(atMax(m), Units.formatBytes(m.budgetBytes()), budget * 100))
                + "<td>" + escape(reasons(o.result().verdict())) + "</td></tr>\n";
    }

    private static String bar(double ratio, String label) {
        double clamped = Math.max(0, Math.min(1, ratio));
        String colour = ratio >= 0.9 ? "#cf222e" : ratio >= 0.75 ? "#d4a72c" : "#2da44e";
        return "<td><div class=\"bar\"><span style=\"width:%.1f%%;background:%s\"></span><em>%s</em></div></td>"
                .formatted(clamped * 100, colour, escape(label));
    }

    private static String reasons(Verdict verdict) {
        return verdict.reasons().stream().map(Verdict.Reason::message).collect(Collectors.joining("; "));
    }

    /** The fullest namespace's fill; an unlimited max (0) has none and sorts as empty. */
    /** The fullest namespace's fill; an unlimited max (0) has none and sorts as empty. */
    private static double fill(Outcome o) {
        return o.result() == null || o.result().usage().unlimited() ? 0 : o.result().usage().fullestFillRatio();
    }

    private static String atMax(Memory memory) {
        return memory.unbounded() ? "unbounded" : Units.formatBytes(memory.tableBytesAtMax());
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
