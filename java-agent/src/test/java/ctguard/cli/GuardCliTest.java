package ctguard.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import ctguard.core.guard.GuardRuns;
import ctguard.io.FileGuardRuns;
import ctguard.io.Fixtures;
import ctguard.io.NodeDir;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** guard and guard stop on the command line over a fixture tree: the run's lines, one guard per node, reading the run back. */
class GuardCliTest {
    @TempDir
    Path root;

    @BeforeEach
    void linux618() {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
    }

    private Run ctguard(String... args) {
        String[] argv = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--root", root.toString()))
                .toArray(String[]::new);
        return Run.inProcessWithin(Duration.ofSeconds(20), argv);
    }

    @Test
    void aRunStartsAndEndsWithALineAndGuardStopReadsItBack() throws Exception {
        Run guard = ctguard("guard", "--duration", "500ms", "--interval", "100ms");
        assertEquals(0, guard.exit(), guard.err());
        String[] lines = guard.out().split("\n");
        assertTrue(lines[0].startsWith("{\"event\":\"start\"") && lines[0].contains("\"pid\":" + ProcessHandle.current().pid()), lines[0]);
        assertTrue(lines[lines.length - 1].startsWith("{\"event\":\"end\"") && lines[lines.length - 1].contains("\"stopped\":false"), guard.out());
        assertEquals(guard.out(), Files.readString(root.resolve("var/lib/conntrack-guard/guard.jsonl")), "the same lines in the state dir");

        Run stop = ctguard("guard", "stop", "--json");
        assertEquals(0, stop.exit(), stop.err());
        JsonObject o = stop.json();
        assertEquals("guard-stop", o.get("action").getAsString());
        assertFalse(o.get("changed").getAsBoolean(), "nothing ran, nothing stopped");
        JsonObject g = o.getAsJsonObject("guard");
        assertFalse(g.get("was_running").getAsBoolean());
        JsonArray events = g.getAsJsonArray("events");
        assertEquals(lines.length, events.size());
        assertEquals("end", events.get(events.size() - 1).getAsJsonObject().get("event").getAsString());

        Run text = ctguard("guard", "stop");
        assertTrue(text.out().startsWith("no guard runs on this node; its latest run:\n"), text.out());
        assertTrue(text.out().contains(" end: "), text.out());
    }

    @Test
    void aSecondGuardOnTheNodeRefusesToStartWithExit75AndWritesNoLine() {
        try (GuardRuns.Claim ignored = new FileGuardRuns(new NodeDir(root), root.resolve("var/lib/conntrack-guard/guard.jsonl")).claim()) {
            Run second = ctguard("guard", "--duration", "1s");
            assertEquals(75, second.exit());
            assertTrue(second.err().contains("another guard runs on this node"), second.err());
            assertEquals("", second.out());
            assertFalse(Files.exists(root.resolve("var/lib/conntrack-guard/guard.jsonl")));
        }
    }

    /** The log is a file: an escape sequence planted in it reaches the terminal as visible text. */
    @Test
    void theTextOfALoggedRunIsMadePrintable() throws Exception {
        Path log = root.resolve("var/lib/conntrack-guard/guard.jsonl");
        Files.createDirectories(log.getParent());
        Files.writeString(log, "{\"event\":\"start\",\"at\":\"t\",\"pid\":1}\n{\"event\":\"raise\",\"at\":\"t\",\"reason\":\"\\u001b[2Jcleared\"}\n");
        Run text = ctguard("guard", "stop");
        assertEquals(0, text.exit(), text.err());
        assertFalse(text.out().contains("\u001b"), text.out());
        assertTrue(text.out().contains("\\x1b[2Jcleared"), text.out());
    }

    @Test
    void stopHasHelpAndRejectsABadTimeout() {
        assertTrue(Run.inProcess("guard", "stop", "--help").out().contains("--timeout"));
        Run bad = ctguard("guard", "stop", "--timeout", "soon");
        assertEquals(64, bad.exit());
        assertTrue(bad.err().startsWith("ctguard"), bad.err());
    }
}
