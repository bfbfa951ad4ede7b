package ctguard.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ctguard.core.Status;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetReportTest {
    private static JsonObject result(String status, double fill) {
        return JsonParser.parseString("""
                {"host":"node","verdict":{"status":"%s","reasons":[{"status":"%s","code":"fill","message":"m <b>"}]},
                 "usage":{"fullest_count":%d,"max":1000,"buckets":1000,"entries_per_bucket":0.5,"fullest_fill_ratio":%s},
                 "memory":{"table_bytes_at_max":1048576,"budget_bytes":2097152},"stats":{"drop":0},
                 "tunables":{"nf_conntrack_tcp_timeout_time_wait":{"after":60}}}""".formatted(status, status, (long) (fill * 1000), fill))
                .getAsJsonObject();
    }

    private final FleetReport report = new FleetReport(List.of(
            new FleetReport.Outcome("ok1", result("OK", 0.10), null),
            new FleetReport.Outcome("down", null, "cannot connect to 10.0.0.9:22: connection refused"),
            new FleetReport.Outcome("crit", result("CRITICAL", 0.95), null),
            new FleetReport.Outcome("warn", result("WARNING", 0.80), null),
            new FleetReport.Outcome("ok2", result("OK", 0.50), null)), "yaml", java.time.Instant.parse("2026-12-01T21:00:00Z"));

    @Test
    void worstFirstWithUnreachableAsUnknown() {
        assertEquals(List.of("crit", "down", "warn", "ok2", "ok1"), report.worstFirst().stream().map(FleetReport.Outcome::host).toList());
        assertEquals(Status.CRITICAL, report.worst());
    }

    @Test
    void jsonKeepsTheInventoryNameAsHost() {
        JsonObject o = JsonParser.parseString(report.json()).getAsJsonObject();
        assertEquals("ctguard-fleet/v1", o.get("schema").getAsString());
        assertEquals(1, o.getAsJsonObject("summary").get("unreachable").getAsInt());
        JsonObject first = o.getAsJsonArray("hosts").get(0).getAsJsonObject();
        assertEquals("crit", first.get("host").getAsString());
        assertEquals("node", first.get("hostname").getAsString());
        assertTrue(o.getAsJsonArray("hosts").get(1).getAsJsonObject().get("error").getAsString().contains("refused"));
    }

    @Test
    void tableListsEveryHostAndTheHtmlIsSelfContainedAndEscaped() {
        String table = report.table(new Colors(false));
        assertTrue(table.contains("down  UNKNOWN   cannot connect"), table);
        assertTrue(table.contains("5 hosts: 2 OK, 1 WARNING, 1 CRITICAL, 1 UNKNOWN (1 unreachable or failed)"), table);
        String html = report.html();
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script src") || html.contains("<link"));
        assertTrue(html.contains("m &lt;b&gt;"));
        assertTrue(html.contains("width:95.0%"), html);
    }

    @Test
    void thePageShowsProblemNodesFirstFoldsTheOkOnesAndSaysWhenAndFromWhat() {
        String html = report.html();
        assertTrue(html.contains("run at 2026-12-01T21:00:00Z, inventory read with yaml"), html);
        int details = html.indexOf("<details><summary>2 OK node(s)</summary>");
        assertTrue(details > 0, html);
        assertTrue(html.indexOf("<td>crit</td>") < details && html.indexOf("<td>down</td>") < details && html.indexOf("<td>warn</td>") < details, html);
        assertTrue(html.indexOf("<td>ok1</td>") > details && html.indexOf("<td>ok2</td>") > details, html);
        assertTrue(html.contains("<td>node (?)</td>"), "the node's own hostname and kernel");
    }

    /** A host's stderr with escape sequences and carriage returns cannot paint a fake OK row over the real one. */
    @Test
    void whatAHostSentCannotRewriteTheTerminal() {
        FleetReport hostile = new FleetReport(List.of(new FleetReport.Outcome("evil\u001b[1A", null,
                "ssh failed: \r\u001b[2Kevil      OK        0/262144   0.0%")), "yaml", java.time.Instant.EPOCH);
        String table = hostile.table(new Colors(false));
        assertFalse(table.contains("\u001b") || table.contains("\r"), table);
        assertTrue(table.contains("\\x0d\\x1b[2Kevil"), table);
    }
}
