package ctguard.cli;

import com.google.gson.JsonObject;
import ctguard.io.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ctguard top in-process: saved lists, a fixture tree's /proc, every bad input. */
class TopCliTest {
    @TempDir
    Path root;
    Path saved;

    @BeforeEach
    void tree() throws IOException {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        saved = root.resolve("saved.txt");
        try (InputStream in = getClass().getResourceAsStream("/top/conntrack-L-6.18.txt")) {
            Files.write(saved, in.readAllBytes());
        }
        Files.writeString(saved, "not an entry\n", java.nio.file.StandardOpenOption.APPEND);
    }

    private Run ctguard(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--root", root.toString()));
        return Run.inProcess(argv.toArray(String[]::new));
    }

    @Test
    void aSavedListAsJson() {
        Run run = ctguard("top", "--input", saved.toString(), "--json");
        assertEquals(0, run.exit(), run.err());
        JsonObject o = run.json();
        assertEquals("ctguard-top/v1", o.get("schema").getAsString());
        assertEquals(5, o.get("entries").getAsLong());
        assertEquals(1, o.getAsJsonObject("malformed").get("count").getAsLong());
        assertEquals("[\"6\"]", o.getAsJsonObject("malformed").get("lines").toString());
        assertEquals("{\"tcp\":2,\"udp\":2,\"icmp\":1}", o.get("by_l4proto").toString());
        assertEquals(2, o.getAsJsonObject("by_flag").get("unreplied").getAsLong());
        assertEquals("tcp", o.getAsJsonArray("top_dport").get(0).getAsJsonObject().get("proto").getAsString());
        JsonObject notrack = o.getAsJsonObject("notrack");
        assertFalse(notrack.get("applied").getAsBoolean());
        assertEquals("loopback", notrack.getAsJsonArray("candidates").get(0).getAsJsonObject().get("traffic").getAsString());
        assertFalse(o.has("ovs_zone_limits"), "no OVS here: nothing said of it");
    }

    @Test
    void textGivesEachListAndTheAdviceAndByChoosesOne() {
        Run all = ctguard("top", "--input", saved.toString());
        assertEquals(0, all.exit(), all.err());
        for (String part : List.of("5 entries from", "malformed: 1 line(s), first at 6", "protocol", "tcp state", "destination port",
                "udp/4789", "source prefix", "127.0.0.0/24", "NOTRACK advice (printed only", "iif lo notrack", "caution: ")) {
            assertTrue(all.out().contains(part), part + " in:\n" + all.out());
        }
        Run ports = ctguard("top", "--input", saved.toString(), "--by", "dport", "-n", "1");
        assertTrue(ports.out().contains("destination port") && ports.out().contains("tcp/443"), ports.out());
        assertFalse(ports.out().contains("protocol") || ports.out().contains("udp/4789") || ports.out().contains("NOTRACK"), ports.out());
    }

    @Test
    void theTreesProcListUnderRoot() throws IOException {
        Run absent = ctguard("top");
        assertEquals(69, absent.exit());
        assertTrue(absent.err().contains("--input"), absent.err());
        try (InputStream in = getClass().getResourceAsStream("/top/proc-6.18.txt")) {
            Files.write(root.resolve("proc/net/nf_conntrack"), in.readAllBytes());
        }
        Run run = ctguard("top", "--json");
        assertEquals(0, run.exit(), run.err());
        assertEquals(5, run.json().get("entries").getAsLong());
        assertEquals("vm", run.json().get("host").getAsString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--input|/no/such/file|no such file",
            "--by|nope|must be one of l3, l4proto, state, flag, dport, src, dst, zone, mark, netns",
            "--notrack-candidate|icmp/1|must be PROTO/PORT",
            "--notrack-candidate|udp/70000|the port must be 1 to 65535",
            "--netns|../etc|is not a network namespace name",
            "--netns|nosuchns|no network namespace named 'nosuchns'",
            "--limit|0|out of range"})
    void badInputIsAUsageErrorThatNamesIt(String flag, String value, String expected) {
        Run run = ctguard("top", flag, value);
        assertTrue(run.exit() == 64 || run.exit() == 69, run.exit() + " " + run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
        assertEquals("", run.out());
    }

    @Test
    void aSavedListIsNoNamespace() {
        Run run = ctguard("top", "--input", saved.toString(), "--netns", "all");
        assertEquals(64, run.exit());
        assertTrue(run.err().contains("--input and --netns cannot be used together"), run.err());
    }

    @Test
    void aDirectoryIsNoList() {
        Run run = ctguard("top", "--input", root.toString());
        assertEquals(64, run.exit());
        assertTrue(run.err().contains("is a directory"), run.err());
    }
}
