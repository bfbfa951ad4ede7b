package ctguard.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ctguard.core.Check;
import ctguard.core.CheckPolicy;
import ctguard.core.ConntrackStats;
import ctguard.core.CounterHistory;
import ctguard.core.EntrySize;
import ctguard.core.Kernel;
import ctguard.core.KernelLog;
import ctguard.core.LogScan;
import ctguard.core.MemoryBudget;
import ctguard.core.NetnsDirectory;
import ctguard.core.NodeState;
import ctguard.core.Result;
import ctguard.core.Status;
import ctguard.core.TunableState;
import ctguard.core.Tunables;
import ctguard.core.Waiter;
import ctguard.core.fleet.HostFailure;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FleetReportTest {
    /** A node judged by the real check: fill decides the verdict (75 % WARNING, 90 % CRITICAL). */
    private static Result result(double fill) {
        Map<String, TunableState> tunables = new LinkedHashMap<>();
        tunables.put(Tunables.MAX, new TunableState(Tunables.MAX, 1000, true, null));
        tunables.put(Tunables.BUCKETS, new TunableState(Tunables.BUCKETS, 1024, true, null));
        tunables.put(Tunables.TIME_WAIT, new TunableState(Tunables.TIME_WAIT, 60, true, null));
        NodeState node = new NodeState("node<b>", "6.18", (long) (fill * 1000), tunables, 1024L, new ConntrackStats(0L, 0L, 0L, 0L, 0L, 0L),
                null, 16L << 30, EntrySize.of(256L, "test", false), true, "net:[4026531833]", true, List.of(), null, NetnsDirectory.UNKNOWN, null);
        KernelLog quiet = since -> LogScan.unreadable("none", 0, "not searched");
        return new Check(Kernel.readOnly(node), quiet, CounterHistory.NONE, Waiter.SYSTEM)
                .run(new Check.Options(CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, Duration.ofHours(1)));
    }

    private final FleetReport report = new FleetReport(List.of(
            FleetReport.Outcome.of("ok1", result(0.10)),
            FleetReport.Outcome.failed("down", new HostFailure(HostFailure.Kind.UNREACHABLE, "10.0.0.9:22", "cannot connect to 10.0.0.9:22: connection refused")),
            FleetReport.Outcome.of("crit", result(0.95)),
            FleetReport.Outcome.failed("badkey", new HostFailure(HostFailure.Kind.HOST_KEY, "10.0.0.8:22", "host key for badkey CHANGED")),
            FleetReport.Outcome.of("warn", result(0.80)),
            FleetReport.Outcome.of("ok2", result(0.50))), "yaml", java.time.Instant.parse("2026-12-01T21:00:00Z"));

    @Test
    void worstFirstWithUnreachableAsUnknown() {
        assertEquals(List.of("crit", "badkey", "down", "warn", "ok2", "ok1"), report.worstFirst().stream().map(FleetReport.Outcome::host).toList());
        assertEquals(Status.CRITICAL, report.worst());
    }

    @Test
    void jsonKeepsTheInventoryNameAsHost() {
        JsonObject o = JsonParser.parseString(report.json()).getAsJsonObject();
        assertEquals("ctguard-fleet/v1", o.get("schema").getAsString());
        assertEquals(1, o.getAsJsonObject("summary").get("unreachable").getAsInt(), "only the unreachable host, not the refused key");
        assertEquals(1, o.getAsJsonObject("summary").getAsJsonObject("failed").get("host_key").getAsInt());
        JsonObject first = o.getAsJsonArray("hosts").get(0).getAsJsonObject();
        assertEquals("crit", first.get("host").getAsString());
        assertEquals("node<b>", first.get("hostname").getAsString());
        JsonObject down = o.getAsJsonArray("hosts").get(2).getAsJsonObject();
        assertTrue(down.get("error").getAsString().contains("refused"));
        assertEquals("unreachable", down.get("error_kind").getAsString());
        assertEquals("10.0.0.9:22", down.get("endpoint").getAsString());
    }

    @Test
    void tableListsEveryHostAndTheHtmlIsSelfContainedAndEscaped() {
        String table = report.table(new Colors(false));
        assertTrue(table.contains("down    UNKNOWN   cannot connect"), table);
        assertTrue(table.contains("6 hosts: 2 OK, 1 WARNING, 1 CRITICAL, 2 UNKNOWN (1 unreachable, 1 host key)"), table);
        String html = report.html();
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script src") || html.contains("<link"));
        assertTrue(html.contains("node&lt;b&gt; (6.18)"), html);
        assertTrue(html.contains("width:95.0%"), html);
    }

    @Test
    void thePageShowsProblemNodesFirstFoldsTheOkOnesAndSaysWhenAndFromWhat() {
        String html = report.html();
        assertTrue(html.contains("run at 2026-12-01T21:00:00Z, inventory read with yaml"), html);
        int details = html.indexOf("<details><summary>2 OK node(s)</summary>");
        assertTrue(html.indexOf("<td>badkey</td>") < details, html);
        assertTrue(details > 0, html);
        assertTrue(html.indexOf("<td>crit</td>") < details && html.indexOf("<td>down</td>") < details && html.indexOf("<td>warn</td>") < details, html);
        assertTrue(html.indexOf("<td>ok1</td>") > details && html.indexOf("<td>ok2</td>") > details, html);
        assertTrue(html.contains("<td>node&lt;b&gt; (6.18)</td>"), "the node's own hostname and kernel");
    }

    /** A host's stderr with escape sequences and carriage returns cannot paint a fake OK row over the real one. */
    @Test
    void whatAHostSentCannotRewriteTheTerminal() {
        FleetReport hostile = new FleetReport(List.of(FleetReport.Outcome.failed("evil\u001b[1A", new HostFailure(HostFailure.Kind.FAILED, null,
                "ssh failed: \r\u001b[2Kevil      OK        0/262144   0.0%"))), "yaml", java.time.Instant.EPOCH);
        String table = hostile.table(new Colors(false));
        assertFalse(table.contains("\u001b") || table.contains("\r"), table);
        assertTrue(table.contains("\\x0d\\x1b[2Kevil"), table);
    }
}
