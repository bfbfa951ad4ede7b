package ctguard.cli;

import ctguard.core.Printable;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import ctguard.core.Status;
import ctguard.core.Units;

import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The fleet's outcomes rendered as a table, one ctguard-fleet/v1 JSON object, or a self-contained page. */
final class FleetReport {
    static final String SCHEMA = "ctguard-fleet/v1";
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    /** One host: its ctguard/v1 result, or the reason it could not be read. */
    /** A host's outcome; its name and error came from the inventory or the host, so they are made printable here, once. */
    record Outcome(String host, JsonObject result, String error) {
        Outcome {
            host = Printable.of(host);
            error = Printable.of(error);
        }

        Status status() {
            return result == null ? Status.UNKNOWN : Status.valueOf(result.getAsJsonObject("verdict").get("status").getAsString());
        }
    }

    private final List<Outcome> outcomes;
    private final String inventorySource;
    private final java.time.Instant generatedAt;

    /** @param generatedAt when the run was made, shown on the page */
    FleetReport(List<Outcome> outcomes, String inventorySource, java.time.Instant generatedAt) {
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

    String json() {
        JsonObject root = new JsonObject();
        root.addProperty("schema", SCHEMA);
        JsonObject summary = new JsonObject();
        summary.addProperty("hosts", outcomes.size());
        counts().forEach((s, n) -> summary.addProperty(s.name().toLowerCase(Locale.ROOT), n));
        summary.addProperty("unreachable", outcomes.stream().filter(o -> o.error() != null).count());
        summary.addProperty("worst", worst().name());
        summary.addProperty("exit_code", worst().exitCode().code());
        summary.addProperty("inventory_source", inventorySource);
        root.add("summary", summary);
        JsonArray hosts = new JsonArray();
        for (Outcome o : worstFirst()) {
            JsonObject h = new JsonObject();
            h.addProperty("host", o.host());
            if (o.result() != null) {
                // the inventory name is "host"; the node's own name from its result becomes "hostname"
                o.result().entrySet().forEach(e -> h.add(e.getKey().equals("host") ? "hostname" : e.getKey(), e.getValue()));
            } else {
                h.addProperty("error", o.error());
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
            JsonObject u = o.result().getAsJsonObject("usage");
            JsonObject m = o.result().getAsJsonObject("memory");
            JsonElement stats = o.result().get("stats");
            String drops = stats == null || stats.isJsonNull() ? "n/a" : stats.getAsJsonObject().get("drop").toString();
            JsonObject timeWait = o.result().getAsJsonObject("tunables").getAsJsonObject("nf_conntrack_tcp_timeout_time_wait");
            out.append(String.format(Locale.ROOT, "%-" + width + "s  %s  %19s  %5.1f%%  %9d  %6.2f  %8s  %9s  %10s%n",
                    o.host(), verdict, u.get("fullest_count").getAsLong() + "/" + u.get("max").getAsLong(),
                    fill(o) * 100, u.get("buckets").getAsLong(), u.get("entries_per_bucket").getAsDouble(), drops,
                    timeWait == null ? "n/a" : timeWait.get("after").getAsString() + "s", atMax(m)));
        }
        Map<Status, Integer> c = counts();
        out.append(String.format(Locale.ROOT, "%n%d hosts: %d OK, %d WARNING, %d CRITICAL, %d UNKNOWN (%d unreachable or failed); inventory read with %s%n",
                outcomes.size(), c.get(Status.OK), c.get(Status.WARNING), c.get(Status.CRITICAL), c.get(Status.UNKNOWN),
                outcomes.stream().filter(o -> o.error() != null).count(), inventorySource));
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
        JsonObject u = o.result().getAsJsonObject("usage");
        JsonObject m = o.result().getAsJsonObject("memory");
        double fill = fill(o);
        JsonElement atMax = m.get("table_bytes_at_max");
        double budget = atMax.isJsonNull() ? 1 : m.get("budget_bytes").getAsLong() == 0 ? 0
                : (double) atMax.getAsLong() / m.get("budget_bytes").getAsLong();
        String node = Printable.of(text(o.result(), "host")) + " (" + Printable.of(text(o.result(), "kernel")) + ")";
        return "<tr><td>" + escape(o.host()) + "</td><td>" + escape(node) + "</td><td class=\"" + css + "\">" + o.status().name() + "</td>"
                + bar(fill, "%d of %d (%.1f%%)".formatted(u.get("fullest_count").getAsLong(), u.get("max").getAsLong(), fill * 100))
                + bar(budget, "%s of %s (%.0f%%)".formatted(atMax(m), Units.formatBytes(m.get("budget_bytes").getAsLong()), budget * 100))
                + "<td>" + escape(reasons(o.result())) + "</td></tr>\n";
    }

    private static String text(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? "?" : e.getAsString();
    }

    private static String bar(double ratio, String label) {
        double clamped = Math.max(0, Math.min(1, ratio));
        String colour = ratio >= 0.9 ? "#cf222e" : ratio >= 0.75 ? "#d4a72c" : "#2da44e";
        return "<td><div class=\"bar\"><span style=\"width:%.1f%%;background:%s\"></span><em>%s</em></div></td>"
                .formatted(clamped * 100, colour, escape(label));
    }

    private static String reasons(JsonObject result) {
        StringBuilder s = new StringBuilder();
        for (JsonElement r : result.getAsJsonObject("verdict").getAsJsonArray("reasons")) {
            if (s.length() > 0) {
                s.append("; ");
            }
            s.append(r.getAsJsonObject().get("message").getAsString());
        }
        return s.toString();
    }

    /** The fullest namespace's fill; an unlimited max (0) has none and sorts as empty. */
    private static double fill(Outcome o) {
        JsonElement ratio = o.result() == null ? null : o.result().getAsJsonObject("usage").get("fullest_fill_ratio");
        return ratio == null || ratio.isJsonNull() ? 0 : ratio.getAsDouble();
    }

    private static String atMax(JsonObject memory) {
        JsonElement bytes = memory.get("table_bytes_at_max");
        return bytes.isJsonNull() ? "unbounded" : Units.formatBytes(bytes.getAsLong());
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
