package ctguard.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import ctguard.io.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node this project exists for (fixture linux-4.4-seed: 64 GiB, 4.x, max 12262144 over 16384
 * buckets, accounting on) through check, plan, prepare, tune and restore, as an operator runs them.
 */
class SeedNodeTest {
    private static final String NETFILTER = "proc/sys/net/netfilter/";
    private static final String HASHSIZE = "sys/module/nf_conntrack/parameters/hashsize";
    private static final String STATE = "var/lib/conntrack-guard";

    @TempDir
    Path root;

    @BeforeEach
    void seedNode() {
        Fixtures.copy(Fixtures.SEED_NODE, root);
    }

    private Run ctguard(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--root", root.toString()));
        Run run = Run.inProcess(argv.toArray(String[]::new));
        mirrorHashsize();
        return run;
    }

    /** On 4.x the kernel shows a hashsize write in nf_conntrack_buckets; a fixture tree needs the test to do it. */
    private void mirrorHashsize() {
        try {
            Files.writeString(root.resolve(NETFILTER + "nf_conntrack_buckets"), read(HASHSIZE));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String read(String relative) throws IOException {
        return Files.readString(root.resolve(relative));
    }

    private Map<String, String> tree() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String relative = root.relativize(p).toString();
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && !relative.startsWith(STATE) && !relative.startsWith("run/conntrack-guard")) {
                    files.put(relative, Files.readString(p));
                }
            }
        }
        return files;
    }

    private static List<String> reasonCodes(JsonObject result) {
        List<String> codes = new ArrayList<>();
        result.getAsJsonObject("verdict").getAsJsonArray("reasons").forEach(r -> codes.add(r.getAsJsonObject().get("code").getAsString()));
        return codes;
    }

    private static long target(JsonObject plan, String tunable) {
        return plan.getAsJsonObject("targets").get(tunable).getAsLong();
    }

    @Test
    void checkWarnsOfTheChainsAtMaxAndOfTheBudgetNamingTheBalancedMax() {
        Run check = ctguard("check", "--json", "--kernel-log", "none", "--on-drops", "ok");
        assertEquals(1, check.exit(), check.err());
        JsonObject result = check.json();
        assertEquals(List.of("chain_length", "over_budget"), reasonCodes(result));
        String overBudget = result.getAsJsonObject("verdict").getAsJsonArray("reasons").get(1).getAsJsonObject().get("message").getAsString();
        assertTrue(overBudget.contains("balanced max 2097152"), overBudget);
        assertTrue(overBudget.contains("5.1 GiB"), overBudget);
        assertTrue(result.getAsJsonObject("memory").get("over_budget").getAsBoolean());
    }

    @Test
    void planShowsThePreUpgradeRaiseAndTheBalancedSizing() {
        JsonObject result = ctguard("plan", "--json").json();
        JsonObject prepare = result.getAsJsonObject("plan");
        assertEquals("prepare", prepare.get("kind").getAsString());
        assertEquals(12262144, target(prepare, "nf_conntrack_max"));
        assertEquals(3065856, target(prepare, "nf_conntrack_buckets"));
        assertEquals(60, target(prepare, "nf_conntrack_tcp_timeout_time_wait"));
        assertFalse(prepare.get("over_budget").getAsBoolean(), "keeping max adds nothing; the buckets' 23 MiB fit");
        assertTrue(prepare.get("node_over_budget").getAsBoolean());
        JsonObject tune = result.getAsJsonObject("tune_plan");
        assertEquals("tune", tune.get("kind").getAsString());
        assertEquals(2097152, target(tune, "nf_conntrack_max"));
        assertEquals(524288, target(tune, "nf_conntrack_buckets"));
        assertEquals(60, target(tune, "nf_conntrack_tcp_timeout_time_wait"));
        assertTrue(tune.get("bytes_at_target").getAsLong() <= tune.get("budget_bytes").getAsLong());

        String text = ctguard("plan").out();
        assertTrue(text.contains("plan: prepare") && text.contains("plan: tune"), text);
    }

    @Test
    void prepareKeepsTheOversizedMaxRaisesBucketsAndTimeWaitAndWarnsOnce() throws IOException {
        Run prepare = ctguard("prepare", "--json");
        assertEquals(0, prepare.exit(), prepare.err());
        assertEquals("12262144\n", read(NETFILTER + "nf_conntrack_max"));
        assertEquals("3065856\n", read(HASHSIZE));
        assertEquals("60\n", read(NETFILTER + "nf_conntrack_tcp_timeout_time_wait"));
        JsonArray warnings = prepare.json().getAsJsonArray("warnings");
        List<String> aboutBudget = new ArrayList<>();
        warnings.forEach(w -> {
            if (w.getAsString().contains("budget")) {
                aboutBudget.add(w.getAsString());
            }
        });
        assertEquals(1, aboutBudget.size(), warnings.toString());
        assertTrue(aboutBudget.get(0).contains("5.1 GiB") && aboutBudget.get(0).contains("1.3 GiB")
                && aboutBudget.get(0).contains("'ctguard tune' sets the balanced max 2097152"), aboutBudget.get(0));
    }

    @Test
    void tuneSetsTheBalancedSizingAndRestoreBringsBackEveryByte() throws IOException {
        Map<String, String> original = tree();
        Run dry = ctguard("tune", "--json", "--dry-run");
        assertEquals(0, dry.exit(), dry.err());
        assertEquals(original, tree(), "a dry run writes nothing");
        assertFalse(Files.exists(root.resolve(STATE + "/snapshot.json")));

        Run tune = ctguard("tune", "--json");
        assertEquals(0, tune.exit(), tune.err());
        JsonObject result = tune.json();
        assertEquals("tune", result.get("action").getAsString());
        assertTrue(result.get("changed").getAsBoolean());
        assertEquals("2097152\n", read(NETFILTER + "nf_conntrack_max"));
        assertEquals("524288\n", read(HASHSIZE));
        assertEquals("60\n", read(NETFILTER + "nf_conntrack_tcp_timeout_time_wait"));
        assertEquals(12262144, result.getAsJsonObject("snapshot").getAsJsonObject("values").get("nf_conntrack_max").getAsLong());
        assertFalse(result.getAsJsonObject("memory").get("over_budget").getAsBoolean());

        assertFalse(ctguard("tune", "--json").json().get("changed").getAsBoolean(), "a second tune changes nothing");

        Run restore = ctguard("restore", "--json");
        assertEquals(0, restore.exit(), restore.err());
        assertEquals(original, tree());
    }

    @Test
    void tuneNeverSetsMaxBelowTheLiveCountPlusTheMargin() throws IOException {
        Files.writeString(root.resolve(NETFILTER + "nf_conntrack_count"), "3000000\n");
        Run tune = ctguard("tune", "--json");
        assertEquals(0, tune.exit(), tune.err());
        assertEquals("3300000\n", read(NETFILTER + "nf_conntrack_max"));
        JsonElement reason = tune.json().getAsJsonObject("plan").getAsJsonArray("items").get(1).getAsJsonObject().get("reason");
        assertTrue(reason.getAsString().contains("live count 3000000"), reason.toString());
    }

    @Test
    void tuneWithPersistWritesTheFilesInTheSameRunAndRetiresTheSnapshot() throws IOException {
        Run tune = ctguard("tune", "--json", "--persist");
        assertEquals(0, tune.exit(), tune.err());
        String sysctl = read("etc/sysctl.d/90-conntrack-guard.conf");
        assertTrue(sysctl.contains("net.netfilter.nf_conntrack_max = 2097152\n"), sysctl);
        assertTrue(read("etc/modprobe.d/conntrack-guard.conf").contains("options nf_conntrack hashsize=524288\n"),
                "4.x takes buckets at module load");
        assertFalse(Files.exists(root.resolve(STATE + "/snapshot.json")), "retired: restore does not undo persisted values");
    }

    @Test
    void tuneWithPersistUndoesTheKernelWritesWhenAFileCannotBeWritten() throws IOException {
        Map<String, String> original = tree();
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/sysctl.d"), "a file where the directory should be\n");
        original = tree();
        Run tune = ctguard("tune", "--json", "--persist");
        assertEquals(73, tune.exit(), tune.err());
        assertTrue(tune.err().contains("the kernel writes were rolled back too"), tune.err());
        assertEquals(original, tree());
        assertFalse(Files.exists(root.resolve(STATE + "/snapshot.json")));
    }

    @Test
    void anUnlimitedMaxIsReportedKeptByPrepareAndPutBackByRestore() throws IOException {
        Files.writeString(root.resolve(NETFILTER + "nf_conntrack_max"), "0\n");
        Run check = ctguard("check", "--json", "--kernel-log", "none", "--on-drops", "ok");
        assertEquals(1, check.exit(), check.err());
        assertTrue(reasonCodes(check.json()).contains("unlimited"), check.out());
        assertTrue(check.json().getAsJsonObject("usage").get("fill_ratio").isJsonNull());
        assertTrue(check.json().getAsJsonObject("memory").get("table_bytes_at_max").isJsonNull());
        assertTrue(ctguard("check").out().contains("no limit"));

        Run prepare = ctguard("prepare", "--json");
        assertEquals(0, prepare.exit(), prepare.err());
        assertEquals("0\n", read(NETFILTER + "nf_conntrack_max"), "prepare leaves an unlimited max unlimited");
        assertEquals(0, prepare.json().getAsJsonObject("snapshot").getAsJsonObject("values").get("nf_conntrack_max").getAsLong());

        Run restore = ctguard("restore", "--json");
        assertEquals(0, restore.exit(), restore.err());
        assertEquals("0\n", read(NETFILTER + "nf_conntrack_max"));
        assertEquals("16384\n", read(HASHSIZE));
        assertEquals("120\n", read(NETFILTER + "nf_conntrack_tcp_timeout_time_wait"));

        Run tune = ctguard("tune", "--json");
        assertEquals(0, tune.exit(), tune.err());
        assertEquals("2097152\n", read(NETFILTER + "nf_conntrack_max"), "tune bounds an unlimited table at the budget ceiling");
        assertEquals(0, ctguard("restore").exit());
        assertEquals("0\n", read(NETFILTER + "nf_conntrack_max"));
    }
}
