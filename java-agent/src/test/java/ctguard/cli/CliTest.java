package ctguard.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ctguard.io.FileNodeLock;
import ctguard.io.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line in-process over fixture trees: output shapes, exit codes, bad input. */
class CliTest {
    private static final String NETFILTER = "proc/sys/net/netfilter/";

    @TempDir
    Path root;

    @BeforeEach
    void linux618() {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
    }

    private Run ctguard(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        if (argv.size() > 0 && !argv.contains("--root") && !argv.contains("--help") && !argv.contains("--version")) {
            argv.addAll(List.of("--root", root.toString()));
        }
        return Run.inProcess(argv.toArray(String[]::new));
    }

    private String read(String relative) throws IOException {
        return Files.readString(root.resolve(relative));
    }

    private void write(String relative, String content) throws IOException {
        Files.writeString(root.resolve(relative), content);
    }

    /** Every regular file's content but the lock's, to prove a run changed nothing. */
    private Map<String, String> tree() throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !p.getFileName().toString().equals("lock")) {
                    files.put(root.relativize(p).toString(), new String(Files.readAllBytes(p), java.nio.charset.StandardCharsets.ISO_8859_1));
                }
            }
        }
        return files;
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("status", "check", "plan", "prepare", "tune", "restore", "persist")) {
            Run help = ctguard(command, "--help");
            assertEquals(0, help.exit(), command);
            assertTrue(help.out().contains("--state-dir"), command + " help lists the common flags");
            assertTrue(help.out().contains("--json"), command);
        }
        Run top = ctguard("--help");
        assertTrue(top.out().contains("77 permission"), top.out());
        assertTrue(ctguard("--version").out().startsWith("ctguard "));
    }

    @Test
    void noCommandIsAUsageError() {
        var cl = Cli.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertEquals(64, Cli.execute(cl));
        assertTrue(err.toString().contains("a command is required"));
    }

    @Test
    void statusJsonIsOneObjectWithTheContractFields() {
        Run run = ctguard("status", "--json");
        assertEquals(0, run.exit(), run.err());
        JsonObject o = run.json();
        assertEquals(1, run.out().strip().lines().count(), "one line, one object");
        assertEquals("ctguard/v1", o.get("schema").getAsString());
        for (String field : List.of("host", "kernel", "action", "dry_run", "changed", "tunables", "usage", "stats", "memory",
                "verdict", "snapshot", "plan", "warnings")) {
            assertTrue(o.has(field), field);
        }
        assertEquals(1000, o.getAsJsonObject("usage").get("count").getAsLong());
        assertEquals(41, o.getAsJsonObject("stats").get("drop").getAsLong());
        assertEquals(256, o.getAsJsonObject("memory").get("entry_bytes").getAsLong());
        assertTrue(o.getAsJsonObject("tunables").has("nf_conntrack_udp_timeout_stream"));
        assertEquals("", run.err());
    }

    @Test
    void statusTextIsAlignedAndUncolouredWithoutATerminal() {
        Run run = ctguard("status");
        assertTrue(run.out().contains("usage       1000 of 262144 entries (0.4% full)"), run.out());
        assertFalse(run.out().contains("\u001b["));
    }

    @Test
    void checkExitCodesFollowTheVerdict() throws IOException {
        assertEquals(1, ctguard("check", "--kernel-log", "none").exit(), "drop counters above zero warn by default");
        assertEquals(0, ctguard("check", "--kernel-log", "none", "--on-drops", "ok").exit());
        write(NETFILTER + "nf_conntrack_count", "200000\n");
        assertEquals(1, ctguard("check", "--kernel-log", "none", "--on-drops", "ok").exit());
        write(NETFILTER + "nf_conntrack_count", "240000\n");
        Run critical = ctguard("check", "--json", "--kernel-log", "none", "--on-drops", "ok");
        assertEquals(2, critical.exit());
        assertEquals("CRITICAL", critical.json().getAsJsonObject("verdict").get("status").getAsString());
        assertEquals(0, ctguard("check", "--kernel-log", "none", "--on-drops", "ok", "--crit-fill", "95%", "--warn-fill", "95%").exit());
    }

    @Test
    void aTableFullLineInTheKernelLogIsCritical() throws IOException {
        Path log = root.resolve("kern.log");
        Files.writeString(log, Instant.now().minusSeconds(60) + " vm kernel: nf_conntrack: table full, dropping packet\n");
        Run run = ctguard("check", "--json", "--on-drops", "ok", "--kernel-log", log.toString());
        assertEquals(2, run.exit(), run.out());
        assertEquals(1, run.json().getAsJsonObject("kernel_log").get("matches").getAsInt());
        assertEquals(0, ctguard("check", "--on-drops", "ok", "--kernel-log", log.toString(), "--since", "10s").exit());
        Run unreadable = ctguard("check", "--json", "--on-drops", "ok", "--kernel-log", root.resolve("absent.log").toString());
        assertEquals(0, unreadable.exit());
        assertTrue(unreadable.json().getAsJsonArray("warnings").toString().contains("kernel log unreadable"));
    }

    @Test
    void prometheusOutputIsTextfileFormat() {
        Run run = ctguard("check", "--prometheus", "--kernel-log", "none");
        assertTrue(run.out().contains("# TYPE ctguard_conntrack_drop_total counter\nctguard_conntrack_drop_total 41\n"), run.out());
        assertTrue(run.out().contains("ctguard_check_status 1\n"));
        assertTrue(run.out().contains("ctguard_tunable_writable{tunable=\"nf_conntrack_max\"} 1\n"));
        assertEquals(64, ctguard("status", "--json", "--prometheus").exit());
    }

    @Test
    void planForAnotherNodeGivesTheReferenceSizing() {
        Run run = ctguard("plan", "--json", "--ram", "64GiB", "--entry-bytes", "256");
        assertEquals(0, run.exit(), run.err());
        JsonObject targets = run.json().getAsJsonObject("plan").getAsJsonObject("targets");
        assertEquals(4194304, targets.get("nf_conntrack_max").getAsLong());
        assertEquals(1048576, targets.get("nf_conntrack_buckets").getAsLong());
        assertEquals(60, targets.get("nf_conntrack_tcp_timeout_time_wait").getAsLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "plan --max abc", "plan --max -5", "plan --max 0", "plan --max 99999999999", "plan --max 2147483648",
            "plan --buckets 100", "plan --time-wait 0", "plan --time-wait 432001", "plan --memory-budget 12X",
            "plan --memory-budget 0%", "plan --ram 64G", "plan --entry-bytes 256", "plan --ram 1GiB --entry-bytes 0",
            "prepare --max 1e6", "prepare --lock-timeout soon", "prepare --margin 200%", "restore --wait 10 minutes",
            "restore --interval 0", "check --warn-fill 95% --crit-fill 90%", "check --max-chain -1", "check --on-drops maybe",
            "check --since yesterday", "status --state-dir relative/path", "prepare --no-such-flag", "persist --remove=maybe",
            "tune --max abc", "tune --buckets 100", "tune --persist=maybe", "tune --memory-budget 0%", "restore --discard=soon",
            "check --counter-cache relative.json"})
    void badInputIsAUsageErrorOnOneLineAndChangesNothing(String command) throws IOException {
        Map<String, String> before = tree();
        Run run = ctguard(command.split(" "));
        if (command.startsWith("check ")) {
            // check is a monitoring plugin: UNKNOWN, one status line (everyErrorOfCheckIsUnknownWithOneStatusLine)
            assertEquals(3, run.exit(), command + ": " + run.err());
            assertTrue(run.out().startsWith("CONNTRACK UNKNOWN - ") && run.out().lines().count() == 1, command + ": " + run.out());
        } else {
            assertEquals(64, run.exit(), command + ": " + run.err());
            assertEquals("", run.out(), command);
        }
        assertTrue(run.err().startsWith("ctguard"), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
        assertEquals(before, tree(), command + " changed nothing");
    }

    @Test
    void outOfBoundValuesNameTheBound() {
        assertTrue(ctguard("prepare", "--buckets", "100").err().contains("between 1024 and 2147483647"));
        assertTrue(ctguard("prepare", "--time-wait", "500000").err().contains("between 1 and 432000"));
    }

    @Test
    void aMissingRootIsAUsageError() {
        Run run = ctguard("status", "--root", root.resolve("nope").toString());
        assertEquals(64, run.exit());
        assertTrue(run.err().contains("is not a directory"));
    }

    @Test
    void nfConntrackNotLoadedIsUnavailableWithHowToLoadIt() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty/proc"));
        Run run = ctguard("status", "--json", "--root", empty.getParent().toString());
        assertEquals(69, run.exit());
        assertTrue(run.err().contains("modprobe nf_conntrack"), run.err());
        JsonObject error = run.json().getAsJsonObject("error");
        assertEquals(69, error.get("exit_code").getAsInt());
    }

    /**
     * check is a monitoring plugin: by the Nagios plugin guidelines any error is UNKNOWN (3) with one status line
     * on stdout saying what happened and what to do; Nagios shows a code outside 0-3 as an out-of-bounds CRITICAL
     * and drops stderr. The JSON keeps the error's own sysexits code beside exit_code 3.
     */
    @Test
    void everyErrorOfCheckIsUnknownWithOneStatusLine() throws IOException {
        Path empty = Files.createDirectories(root.resolve("empty/proc"));
        Run unloaded = ctguard("check", "--root", empty.getParent().toString());
        assertEquals(3, unloaded.exit(), unloaded.err());
        assertEquals(1, unloaded.out().lines().count(), unloaded.out());
        assertTrue(unloaded.out().startsWith("CONNTRACK UNKNOWN - nf_conntrack is not loaded"), unloaded.out());
        assertTrue(unloaded.out().contains("modprobe nf_conntrack"), unloaded.out());

        Run json = ctguard("check", "--json", "--root", empty.getParent().toString());
        assertEquals(3, json.exit());
        JsonObject error = json.json().getAsJsonObject("error");
        assertEquals(3, error.get("exit_code").getAsInt());
        assertEquals(69, error.get("sysexit").getAsInt());

        Run badFlag = ctguard("check", "--no-such-flag");
        assertEquals(3, badFlag.exit());
        assertTrue(badFlag.out().startsWith("CONNTRACK UNKNOWN - Unknown option: '--no-such-flag'"), badFlag.out());
        assertFalse(badFlag.out().contains("\u001b"), "no ANSI codes in the status line");

        Run badValue = ctguard("check", "--since", "0s");
        assertEquals(3, badValue.exit());
        assertTrue(badValue.out().startsWith("CONNTRACK UNKNOWN - Invalid value for option '--since'"), badValue.out());

        assertEquals(64, ctguard("status", "--no-such-flag").exit(), "other commands keep sysexits");
    }

    @Test
    void prepareSecondPrepareAndRestoreOnAFixtureTree() throws IOException {
        Map<String, String> original = tree();
        Run prepare = ctguard("prepare", "--json");
        assertEquals(0, prepare.exit(), prepare.err());
        assertTrue(prepare.json().get("changed").getAsBoolean());
        assertEquals("1048576\n", read(NETFILTER + "nf_conntrack_max"));
        assertEquals("60\n", read(NETFILTER + "nf_conntrack_tcp_timeout_time_wait"));
        assertTrue(Files.exists(root.resolve("var/lib/conntrack-guard/snapshot.json")));

        assertFalse(ctguard("prepare", "--json").json().get("changed").getAsBoolean());

        Run restore = ctguard("restore", "--json");
        assertEquals(0, restore.exit(), restore.err());
        Map<String, String> after = tree();
        after.keySet().removeIf(k -> k.startsWith("var/lib/conntrack-guard"));
        assertEquals(original, after);
        assertFalse(Files.exists(root.resolve("var/lib/conntrack-guard/snapshot.json")));
    }

    @Test
    void restoreRefusesWhileTheTableIsFullerThanTheOriginalAllows() throws IOException {
        ctguard("prepare", "--json");
        write(NETFILTER + "nf_conntrack_count", "250000\n");
        Run run = ctguard("restore");
        assertEquals(75, run.exit());
        assertTrue(run.err().contains("allows at most 238312"), run.err());
        assertEquals("1048576\n", read(NETFILTER + "nf_conntrack_max"));
        assertEquals(0, ctguard("restore", "--force").exit());
        assertEquals("262144\n", read(NETFILTER + "nf_conntrack_max"));
    }

    @Test
    void aCorruptSnapshotIsDataErrorAndNothingChanges() throws IOException {
        Files.createDirectories(root.resolve("var/lib/conntrack-guard"));
        write("var/lib/conntrack-guard/snapshot.json", "{\"schema\":\"ctguard-snapshot/v1\",\"values\":{");
        Map<String, String> before = tree();
        for (String command : List.of("prepare", "restore", "persist")) {
            Run run = ctguard(command);
            assertEquals(65, run.exit(), command + run.err());
            assertTrue(run.err().contains("corrupt"), run.err());
            assertEquals(before, tree(), command);
        }
    }

    @Test
    void aHeldLockMakesTheSecondRunWaitThenExit75() throws IOException {
        var lock = new FileNodeLock(new ctguard.io.NodeDir(root));
        Map<String, String> before;
        try (var held = lock.acquire(Duration.ofSeconds(1))) {
            before = tree();
            Run run = ctguard("prepare", "--lock-timeout", "300ms", "--state-dir", "/elsewhere");
            assertEquals(75, run.exit(), "one lock per node, whatever the state dir");
            assertTrue(run.err().contains("lock /run/conntrack-guard/lock is held by another process"), run.err());
            assertEquals(before, tree());
        }
        assertEquals(0, ctguard("prepare", "--lock-timeout", "300ms").exit());
    }

    @Test
    void overBudgetNeedsForce() throws IOException {
        Run run = ctguard("prepare", "--max", "1073741824");
        assertEquals(65, run.exit());
        assertTrue(run.err().contains("--force"));
        assertEquals("262144\n", read(NETFILTER + "nf_conntrack_max"));
        assertEquals(0, ctguard("prepare", "--max", "1073741824", "--force").exit());
        assertEquals("1073741824\n", read(NETFILTER + "nf_conntrack_max"));
    }

    /** Core names options by placeholder; the command line spells them as flags, and JSON carries both for the module. */
    @Test
    void aRefusalNamesTheFlagsAndJsonCarriesTheTemplateForOtherFrontEnds() throws IOException {
        Run run = ctguard("prepare", "--max", "1073741824", "--json");
        assertEquals(65, run.exit());
        assertTrue(run.err().contains("lower --max/--buckets, raise --memory-budget, or pass --force"), run.err());
        assertFalse(run.err().contains("{"), run.err());
        JsonObject error = JsonParser.parseString(run.out()).getAsJsonObject().getAsJsonObject("error");
        assertTrue(error.get("message").getAsString().contains("or pass --force"), error.toString());
        assertTrue(error.get("template").getAsString().contains("lower {max}/{buckets}, raise {memory_budget}, or pass {force}"), error.toString());
        assertEquals("{\"max\":\"--max\",\"buckets\":\"--buckets\",\"memory_budget\":\"--memory-budget\",\"force\":\"--force\"}",
                error.getAsJsonObject("options").toString());
    }

    @Test
    void everyOptionCoreNamesIsAFlagOfSomeCommand() {
        Set<String> flags = new java.util.HashSet<>();
        java.util.ArrayDeque<picocli.CommandLine> commands = new java.util.ArrayDeque<>(List.of(Cli.commandLine()));
        while (!commands.isEmpty()) {
            picocli.CommandLine c = commands.pop();
            c.getCommandSpec().options().forEach(o -> flags.addAll(List.of(o.names())));
            commands.addAll(c.getSubcommands().values());
        }
        for (ctguard.core.Option option : ctguard.core.Option.values()) {
            assertTrue(flags.contains(Flags.of(option)), option + " is spelled " + Flags.of(option) + ", which no command has");
        }
    }

    /** Values are parsed once, by the option's converter: picocli names the option, exit 64, nothing read or written. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "status --memory-budget 0%|'--memory-budget': '0%' must be above 0% and at most 100%",
            "plan --margin 150%|'--margin': '150%' must be above 0% and at most 100%",
            "prepare --max 0|'--max': nf_conntrack_max=0 is out of range",
            "prepare --memory-budget 3x|'--memory-budget': unknown unit 'x' in '3x'",
            "restore --wait soon|'--wait': 'soon' is not a duration",
            "plan --ram 64GiB --entry-bytes 0|'--entry-bytes': 0 is out of range: it must be between 1 and 65536",
            "fleet -i x --forks 501|'--forks': 501 is out of range: it must be between 1 and 500",
            "fleet -i x --command-timeout 0s|'--command-timeout': '0s' must be greater than zero"})
    void badValuesAreRefusedByTheirConverter(String argv, String expected) throws IOException {
        Map<String, String> before = tree();
        Run run = ctguard(argv.split(" "));
        assertEquals(64, run.exit(), run.err());
        assertTrue(run.err().contains("Invalid value for option " + expected), run.err());
        assertEquals(before, tree());
    }

    /** Only the invoked command's model is built; the config file's sections of other commands are still checked. */
    @Test
    void onlyTheInvokedCommandIsBuiltAndOtherSectionsAreStillChecked() throws IOException {
        assertEquals(Set.of("check"), Cli.forArguments("check", "--json").getSubcommands().keySet());
        assertEquals(Cli.COMMANDS.keySet(), Cli.forArguments("--help").getSubcommands().keySet());
        assertEquals(Cli.COMMANDS.keySet(), Cli.forArguments("chek").getSubcommands().keySet(), "a typo lists every command");
        Path config = Files.writeString(root.resolve("ctguard.yml"), "fleet:\n  forkz: 3\n");
        Run run = ctguard("status", "--config", config.toString());
        assertEquals(64, run.exit());
        assertTrue(run.err().contains("'fleet.forkz' is not an option of ctguard fleet"), run.err());
        Files.writeString(config, "inventory-timeout: 5s\n");
        assertEquals(0, ctguard("status", "--config", config.toString()).exit(), "a global key of another command is fine");
    }

    @Test
    void aBadValueFromTheConfigFileSaysSo() throws IOException {
        Path config = Files.writeString(root.resolve("ctguard.yml"), "check:\n  since: 0s\n");
        Run run = ctguard("check", "--config", config.toString());
        assertEquals(3, run.exit());
        assertTrue(run.err().contains("config " + config + ": Invalid value for option '--since': '0s'"), run.err());
        Run overridden = ctguard("check", "--config", config.toString(), "--since", "0m");
        assertTrue(overridden.err().startsWith("ctguard: Invalid value for option '--since': '0m'"), overridden.err());
    }

    /**
     * The textfile is written whatever the verdict (the README's old cron recipe froze the figures exactly when
     * check exited 1 or 2), atomically, and a failed check replaces the figures with ctguard_up 0.
     */
    @Test
    void thePrometheusFileIsWrittenWhateverTheVerdictAndSaysWhenCheckFailed() throws IOException {
        Path textfile = root.resolve("textfile/ctguard.prom");
        Files.createDirectories(textfile.getParent());
        Run warning = ctguard("check", "--kernel-log", "none", "--prometheus-file", textfile.toString());
        assertEquals(1, warning.exit(), "the verdict's exit code, unchanged");
        assertTrue(warning.out().startsWith("CONNTRACK WARNING"), "stdout is still the chosen output");
        String metrics = Files.readString(textfile);
        assertTrue(metrics.contains("\nctguard_up 1\n") && metrics.contains("\nctguard_last_run_timestamp_seconds "), metrics);
        assertTrue(metrics.contains("\nctguard_conntrack_entries 1000\n"), metrics);
        try (Stream<Path> files = Files.list(textfile.getParent())) {
            assertEquals(List.of(textfile), files.toList(), "no temporary file left beside it");
        }

        write(NETFILTER + "nf_conntrack_max", "garbage\n");
        Run failed = ctguard("check", "--kernel-log", "none", "--prometheus-file", textfile.toString());
        assertEquals(3, failed.exit());
        String down = Files.readString(textfile);
        assertTrue(down.contains("ctguard_up{error=\"65\"} 0\n"), down);
        assertFalse(down.contains("ctguard_conntrack_entries"), "no stale figures: " + down);

        Run usage = ctguard("check", "--since", "0s", "--prometheus-file", textfile.toString());
        assertEquals(3, usage.exit());
        assertTrue(Files.readString(textfile).contains("ctguard_up{error=\"64\"} 0\n"));
    }

    /**
     * Prometheus' naming conventions, as promtool checks them: counters end in _total, the unit comes last (bytes,
     * seconds), no name ends in a histogram's suffix, one unit per metric, and labels that stay stable.
     */
    @Test
    void prometheusNamesFollowTheConventions() {
        for (List<String> command : List.of(List.of("status"), List.of("check", "--kernel-log", "none"))) {
            String out = ctguard(Stream.concat(command.stream(), Stream.of("--prometheus")).toArray(String[]::new)).out();
            List<String[]> types = out.lines().filter(l -> l.startsWith("# TYPE ")).map(l -> l.substring(7).split(" ")).toList();
            assertFalse(types.isEmpty(), out);
            for (String[] t : types) {
                String name = t[0];
                assertEquals(t[1].equals("counter"), name.endsWith("_total"), name + " " + t[1]);
                assertFalse(name.matches(".*_(bucket|count|sum)$"), name + " reads as a histogram's or summary's series");
                assertFalse(name.matches(".*_bytes_.*|.*_seconds_.*"), name + ": the unit comes last");
                assertTrue(name.startsWith("ctguard_"), name);
            }
            assertFalse(out.contains("ctguard_tunable_value"), "one unit per metric");
            assertTrue(out.contains("ctguard_conntrack_timeout_seconds{tunable=\"nf_conntrack_tcp_timeout_time_wait\"} 120\n"), out);
            assertTrue(out.startsWith("# HELP ctguard_up "), out);
        }
    }

    /**
     * Perfdata gives the values the verdict judged (the fullest namespace) with the thresholds they were judged
     * against: fill and entries with warn/crit, chain length now and at max against --max-chain, the loss
     * counters as counters (c), memory at max in bytes against the budget.
     */
    @Test
    void perfdataCarriesTheJudgedValuesAndTheirThresholds() {
        Run run = ctguard("check", "--kernel-log", "none", "-w", "50%", "-c", "80%", "--max-chain", "6");
        String perf = run.out().lines().findFirst().orElseThrow().split(" \\| ", 2)[1];
        List<String> fields = List.of(perf.split(" "));
        assertEquals(List.of("fill=0.38%;50;80;0;100", "entries=1000;131072;209715;0;262144", "chain_length=0.00;6;;0;",
                "chain_length_at_max=1.00;6;;0;", "drop=41c", "insert_failed=3c", "chain_too_long=5c"), fields.subList(0, 7), perf);
        assertTrue(fields.get(7).matches("memory_at_max=\\d+B;\\d+;;0;"), perf);
        assertEquals(8, fields.size(), perf);
    }

    /** The names monitoring users type: -w/--warning, -c/--critical (also as config file keys). */
    @Test
    void nagiosStyleThresholdFlagsAndConfigKeys() throws IOException {
        assertEquals(0, ctguard("check", "--kernel-log", "none", "--on-drops", "ok").exit());
        assertEquals(1, ctguard("check", "--kernel-log", "none", "--on-drops", "ok", "-w", "0.1%").exit());
        assertEquals(2, ctguard("check", "--kernel-log", "none", "--on-drops", "ok", "-w", "0.1%", "-c", "0.2%").exit());
        assertEquals(1, ctguard("check", "--kernel-log", "none", "--on-drops", "ok", "--warning", "0.1%").exit());
        assertEquals(2, ctguard("check", "--kernel-log", "none", "--on-drops", "ok", "--warning", "0.1%", "--critical", "0.2%").exit());
        Path config = Files.writeString(root.resolve("ctguard.yml"), "check:\n  warning: 0.1%\n");
        assertEquals(1, ctguard("check", "--kernel-log", "none", "--on-drops", "ok", "--config", config.toString()).exit(),
                "a config key under the option's other long name is read, not just accepted");
    }

    @Test
    void anUnwritablePrometheusFileIsSaidAndTheVerdictStands() {
        Run run = ctguard("check", "--kernel-log", "none", "--prometheus-file", root.resolve("no/such/dir/ctguard.prom").toString());
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("ctguard check: warning: the metrics were not written"), run.err());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "check --warn-fill 150%|'--warn-fill': '150%' must be above 0% and at most 100%",
            "check --on-drops sometimes|'--on-drops': 'sometimes' must be ok, warning or critical",
            "check --max-chain -1|'--max-chain': '-1' must be a number above 0",
            "check --since 0s|'--since': '0s' must be greater than zero"})
    void checksBadValuesAreUnknownNamingTheOption(String argv, String expected) {
        Run run = ctguard(argv.split(" "));
        assertEquals(3, run.exit(), run.err());
        assertTrue(run.out().startsWith("CONNTRACK UNKNOWN - Invalid value for option " + expected), run.out());
    }

    @Test
    void anOlderKernelTakesBucketsThroughTheHashsizeParameter(@TempDir Path old) throws IOException {
        Fixtures.copy(Fixtures.LINUX_4_15, old);
        Run run = ctguard("prepare", "--json", "--buckets", "131072", "--root", old.toString());
        assertEquals(0, run.exit(), run.err());
        assertEquals("131072\n", Files.readString(old.resolve("sys/module/nf_conntrack/parameters/hashsize")));
        Run persist = ctguard("persist", "--json", "--root", old.toString());
        assertEquals(0, persist.exit(), persist.err());
        assertTrue(Files.readString(old.resolve("etc/modprobe.d/conntrack-guard.conf")).contains("options nf_conntrack hashsize="));
        assertFalse(Files.readString(old.resolve("etc/sysctl.d/90-conntrack-guard.conf")).contains("buckets"));
    }

    @Test
    void outsideTheInitialNamespaceLimitsNeedAllowPartial(@TempDir Path ns) throws IOException {
        Fixtures.copy(Fixtures.LINUX_NOPROCFS, ns);
        Run refused = ctguard("prepare", "--root", ns.toString());
        assertEquals(77, refused.exit());
        assertTrue(refused.err().contains("nf_conntrack_max (global limit: read-only outside the initial network namespace)"), refused.err());
        Run partial = ctguard("prepare", "--json", "--allow-partial", "--root", ns.toString());
        assertEquals(0, partial.exit(), partial.err());
        assertEquals("60\n", Files.readString(ns.resolve(NETFILTER + "nf_conntrack_tcp_timeout_time_wait")));
        assertEquals("262144\n", Files.readString(ns.resolve(NETFILTER + "nf_conntrack_max")));
        assertTrue(partial.json().get("stats").isJsonNull());
        assertTrue(partial.json().has("stats_note"));
    }

    @Test
    void aConfigFileSetsDefaultsThatFlagsOverride() throws IOException {
        Path config = root.resolve("ctguard.yml");
        Files.writeString(config, "kernel-log: none\ncheck:\n  on-drops: ok\n  warn-fill: 0.1%\nplan:\n  time-wait: 30\n");
        assertEquals(1, ctguard("check", "--config", config.toString()).exit(), "warn-fill 0.1% from the file");
        assertEquals(0, ctguard("check", "--config", config.toString(), "--warn-fill", "75%").exit(), "flag wins");
        Run plan = ctguard("plan", "--json", "--config", config.toString());
        assertEquals(30, plan.json().getAsJsonObject("plan").getAsJsonObject("targets").get("nf_conntrack_tcp_timeout_time_wait").getAsLong());
    }

    @ParameterizedTest
    @ValueSource(strings = {"warn-fil: 10%\n", "check:\n  no-such: 1\n", "- a\n- b\n", "check: 5\n", "a: &x [1]\nb: *x\n",
            "kernel-log: none\nkernel-log: auto\n", "check:\n  warn-fill: [1, 2]\n", "{unclosed\n"})
    void aBadConfigFileIsAUsageErrorNamingTheFile(String content) throws IOException {
        Path config = root.resolve("bad.yml");
        Files.writeString(config, content);
        Run run = ctguard("status", "--config", config.toString());
        assertEquals(64, run.exit(), content + run.err());
        assertTrue(run.err().startsWith("ctguard: config"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    @Test
    void theNodesConfigFileIsReadUnderTheRoot() throws IOException {
        Files.createDirectories(root.resolve("etc/conntrack-guard"));
        write("etc/conntrack-guard/ctguard.yml", "check:\n  on-drops: ok\n");
        Run run = ctguard("check", "--json");
        assertEquals(0, run.exit(), run.out());
        assertEquals("none", run.json().getAsJsonObject("kernel_log").get("source").getAsString(), "this machine's log is not searched for a tree");
    }

    @Test
    void usageErrorsWithJsonPrintTheErrorObject() {
        Run run = ctguard("prepare", "--json", "--no-such-flag");
        assertEquals(64, run.exit());
        assertEquals(64, run.json().getAsJsonObject("error").get("exit_code").getAsInt());
        assertEquals("prepare", run.json().get("action").getAsString());
    }

    @Test
    void aRefusalBeforeWritingStillReportsTheNode(@TempDir Path ns) {
        Fixtures.copy(Fixtures.LINUX_NOPROCFS, ns);
        Run run = ctguard("prepare", "--json", "--root", ns.toString());
        assertEquals(77, run.exit());
        JsonObject max = run.json().getAsJsonObject("tunables").getAsJsonObject("nf_conntrack_max");
        assertFalse(max.get("writable").getAsBoolean());
        assertTrue(max.get("reason").getAsString().contains("initial network namespace"));
        assertFalse(run.json().get("changed").getAsBoolean());
    }

    @Test
    void persistDryRunWritesNothingAndErrorsInJsonCarryTheExitCode() throws IOException {
        Map<String, String> before = tree();
        Run dry = ctguard("persist", "--dry-run", "--json");
        assertEquals(0, dry.exit());
        assertEquals("create", dry.json().getAsJsonArray("files").get(0).getAsJsonObject().get("action").getAsString());
        assertEquals(before, tree());
    }

    @Test
    void checkJudgesTheCountersRiseSinceItsBaselineNotTheirTotalSinceBoot() throws IOException {
        Run first = ctguard("check", "--json");
        assertEquals(1, first.exit(), first.out());
        List<String> codes = new ArrayList<>();
        first.json().getAsJsonObject("verdict").getAsJsonArray("reasons").forEach(r -> codes.add(r.getAsJsonObject().get("code").getAsString()));
        assertEquals(List.of("drops", "chain_too_long"), codes, "no earlier check: the fixture's totals since boot");
        assertTrue(first.json().get("stats_increase").isJsonNull());
        assertEquals(5, first.json().getAsJsonObject("stats").get("chain_too_long").getAsLong());
        assertTrue(Files.exists(root.resolve("var/lib/conntrack-guard/counters.json")));

        Run second = ctguard("check", "--json");
        assertEquals(0, second.exit(), second.out());
        assertEquals(0, second.json().getAsJsonObject("stats_increase").get("drop").getAsLong());
        assertEquals(41, second.json().getAsJsonObject("stats").get("drop").getAsLong(), "the total is still reported");

        String stat = read("proc/net/stat/nf_conntrack");
        write("proc/net/stat/nf_conntrack", stat.replace("0000001a", "0000001d"));
        Run third = ctguard("check", "--json");
        assertEquals(1, third.exit(), third.out());
        assertEquals(3, third.json().getAsJsonObject("stats_increase").get("drop").getAsLong());
        String message = third.json().getAsJsonObject("verdict").getAsJsonArray("reasons").get(0).getAsJsonObject().get("message").getAsString();
        assertTrue(message.contains("drop=3") && message.contains("since boot: drop=44"), message);
        assertEquals(1, ctguard("check").exit(), "a retry within --since sees the same rise");
    }

    @Test
    void anUnwritableCounterCacheIsSaidAndTotalsSinceBootAreJudged() throws IOException {
        Files.createDirectories(root.resolve("ro"));
        write("ro/cache", "");
        Files.createDirectories(root.resolve("ro/cache.d"));
        for (int i = 0; i < 2; i++) {
            Run run = ctguard("check", "--json", "--counter-cache", "/ro/cache/counters.json");
            assertEquals(1, run.exit(), run.out());
            assertTrue(run.json().getAsJsonArray("warnings").toString().contains("counter history /ro/cache/counters.json not kept"), run.out());
            assertTrue(run.json().get("stats_increase").isJsonNull());
        }
        assertEquals(3, ctguard("check", "--counter-cache", "relative.json").exit());
    }

    /** A monitoring user's check names on its status line what it could not read, and JSON lists it. */
    @Test
    void whatCouldNotBeReadIsOnTheStatusLine() throws IOException {
        assertFalse(ctguard("check", "--kernel-log", "none").out().lines().findFirst().orElseThrow().contains("not read"));
        Files.createDirectories(root.resolve("ro"));
        write("ro/cache", "");
        Run run = ctguard("check", "--kernel-log", "none", "--counter-cache", "/ro/cache/counters.json");
        String status = run.out().lines().findFirst().orElseThrow().split(" \\| ", 2)[0];
        assertTrue(status.endsWith(" - not read: counter baseline (drops judged since boot) - see -v"), status);
        Run json = ctguard("check", "--json", "--kernel-log", root.resolve("absent.log").toString(), "--counter-cache", "/ro/cache/counters.json");
        assertEquals("[\"kernel log\",\"counter baseline (drops judged since boot)\"]",
                json.json().getAsJsonObject("verdict").get("not_read").toString(), json.out());
    }

    /**
     * Nagios long output: without -v the status line and one line per further reason (what Nagios shows and
     * notifies); -v adds the detail (usage, buckets, memory, counters, kernel log, tunables, warnings).
     */
    @Test
    void checkPrintsTheDetailOnlyWithVerbose() {
        Run brief = ctguard("check", "--kernel-log", "none");
        List<String> lines = brief.out().lines().toList();
        assertTrue(lines.get(0).startsWith("CONNTRACK WARNING - "), brief.out());
        assertTrue(lines.stream().skip(1).allMatch(l -> l.startsWith("  WARNING: ") || l.startsWith("  CRITICAL: ")), brief.out());
        assertFalse(brief.out().contains("usage "), brief.out());
        for (String verbose : List.of("-v", "--verbose")) {
            Run run = ctguard("check", "--kernel-log", "none", verbose);
            assertTrue(run.out().startsWith("CONNTRACK "), "the status line comes first: " + run.out());
            assertTrue(run.out().contains("\nusage ") && run.out().contains("\ncounters ") && run.out().contains("nf_conntrack_max"), run.out());
        }
        assertFalse(ctguard("status").out().startsWith("CONNTRACK"), "status is not a check");
        assertTrue(ctguard("status").out().contains("\nusage "), "status always gives the detail");
    }

    /**
     * Nagios turns every ';' of a status line (before the perfdata) into ':', its own field separator: the
     * status line must carry none, for verdicts and errors alike, whatever the messages say.
     */
    @Test
    void statusLinesCarryNoSemicolons() throws IOException {
        write("proc/sys/net/netfilter/nf_conntrack_max", "0\n");
        Files.createDirectories(root.resolve("ro"));
        write("ro/cache", "");
        Run unlimited = ctguard("check", "--kernel-log", "none", "--counter-cache", "/ro/cache/counters.json");
        Run failed = ctguard("check", "--root", root.resolve("nothing-here").toString());
        for (Run run : List.of(unlimited, failed)) {
            String status = run.out().lines().findFirst().orElseThrow().split(" \\| ", 2)[0];
            assertTrue(status.startsWith("CONNTRACK "), status);
            assertFalse(status.contains(";"), status);
        }
        assertTrue(unlimited.out().contains("nf_conntrack_max is 0: the kernel sets no limit"), unlimited.out());
        assertTrue(unlimited.out().contains("not read: counter baseline"), unlimited.out());
    }

    /** A second state dir must not take a second snapshot: it would record prepare's raised values as original. */
    @Test
    void oneSnapshotPerNodeWhateverTheStateDir() throws IOException {
        assertEquals(0, ctguard("prepare", "--state-dir", "/srv/a").exit());
        Map<String, String> raised = tree();
        Run second = ctguard("prepare", "--json", "--state-dir", "/srv/b");
        assertEquals(65, second.exit(), second.err());
        assertTrue(second.err().contains("already kept in /srv/a/snapshot.json"), second.err());
        assertEquals(raised, tree(), "nothing changed");
        assertEquals(65, ctguard("tune", "--state-dir", "/srv/b").exit());

        Run wrongRestore = ctguard("restore", "--json", "--state-dir", "/srv/b");
        assertEquals(0, wrongRestore.exit());
        assertTrue(wrongRestore.out().contains("this node's live snapshot is /srv/a/snapshot.json"), wrongRestore.out());
        assertEquals(0, ctguard("restore", "--state-dir", "/srv/a").exit());
        assertEquals("262144\n", read(NETFILTER + "nf_conntrack_max"));
        assertEquals(0, ctguard("prepare", "--state-dir", "/srv/b").exit(), "once restored, another state dir may take the snapshot");
    }

    @Test
    void theStateDirIsPrivate() throws IOException {
        Files.createDirectories(root.resolve("var/lib/conntrack-guard"));
        Files.setPosixFilePermissions(root.resolve("var/lib/conntrack-guard"), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        assertEquals(0, ctguard("prepare").exit());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(root.resolve("var/lib/conntrack-guard"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"binary", "directory", "fifo", "schema-object", "schema-null"})
    void anUnreadableSnapshotOfAnyShapeIsBadDataAndChangesNothing(String shape) throws Exception {
        Path snapshot = root.resolve("var/lib/conntrack-guard/snapshot.json");
        Files.createDirectories(snapshot.getParent());
        switch (shape) {
            case "binary" -> Files.write(snapshot, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, (byte) 0xc3});
            case "directory" -> Files.createDirectory(snapshot);
            case "fifo" -> assertEquals(0, new ProcessBuilder("mkfifo", snapshot.toString()).start().waitFor());
            case "schema-object" -> write("var/lib/conntrack-guard/snapshot.json", "{\"schema\":{}}");
            default -> write("var/lib/conntrack-guard/snapshot.json", "{\"schema\":null}");
        }
        Map<String, String> before = tree();
        for (String command : List.of("prepare", "restore")) {
            Run run = Run.inProcessWithin(Duration.ofSeconds(20), command, "--root", root.toString());
            assertEquals(65, run.exit(), command + " " + shape + ": " + run.err());
            assertTrue(run.err().contains("corrupt"), run.err());
            assertEquals(before, tree());
        }
        assertEquals(0, ctguard("restore", "--discard").exit(), "--discard sets any shape aside");
        assertFalse(Files.exists(snapshot, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void aFifoAsTheLockIsRefusedInsteadOfHangingForever() throws Exception {
        Path lock = root.resolve("run/conntrack-guard/lock");
        Files.createDirectories(lock.getParent());
        assertEquals(0, new ProcessBuilder("mkfifo", lock.toString()).start().waitFor());
        Run run = Run.inProcessWithin(Duration.ofSeconds(20), "prepare", "--root", root.toString(), "--lock-timeout", "1s");
        assertEquals(73, run.exit(), run.err());
        assertTrue(run.err().contains("is not a regular file"), run.err());
    }

    @Test
    void aValueFileLinkedToADeviceIsAnErrorNotAnEndlessRead() throws Exception {
        Path max = root.resolve(NETFILTER + "nf_conntrack_max");
        Files.delete(max);
        Files.createSymbolicLink(max, Path.of("/dev/zero"));
        Run run = Run.inProcessWithin(Duration.ofSeconds(20), "status", "--root", root.toString());
        assertTrue(run.exit() == 69 || run.exit() == 65, run.exit() + " " + run.err());
        assertTrue(run.err().contains("nf_conntrack_max"), run.err());
        assertFalse(run.err().contains("Exception") || run.err().contains("OutOfMemory"), run.err());
    }

    /** An operator's file at one of persist's paths comes back byte for byte on rollback, whatever it holds. */
    @Test
    void persistPutsBackAnOperatorsFileExactlyOnRollback() throws IOException {
        byte[] latin1 = "# r\u00e9seau\nnf_conntrack\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path modules = root.resolve("etc/modules-load.d/conntrack-guard.conf");
        Files.createDirectories(modules.getParent());
        Files.write(modules, latin1);
        Files.createDirectories(root.resolve("etc"));
        write("etc/sysctl.d", "a file where the directory should be\n");
        Run run = ctguard("persist", "--json");
        assertEquals(73, run.exit(), run.err());
        assertTrue(java.util.Arrays.equals(latin1, Files.readAllBytes(modules)), "put back exactly");
        assertEquals("update", run.json().getAsJsonArray("files").get(0).getAsJsonObject().get("action").getAsString(),
                "a file that is not UTF-8 is an existing file, never 'create'");
    }

    @Test
    void aHugeFileAtPersistsPathIsRefusedNotReplaced() throws IOException {
        Path sysctl = root.resolve("etc/sysctl.d/90-conntrack-guard.conf");
        Files.createDirectories(sysctl.getParent());
        Files.write(sysctl, new byte[2 << 20]);
        Map<String, String> before = tree();
        Run run = ctguard("persist");
        assertEquals(65, run.exit(), run.err());
        assertTrue(run.err().contains("larger than"), run.err());
        assertEquals(before, tree());
    }

    @Test
    void aSysctlFileMaskedByDevNullIsNotReportedAsOverriding() throws IOException {
        Files.createDirectories(root.resolve("usr/lib/sysctl.d"));
        write("usr/lib/sysctl.d/99-late.conf", "net.netfilter.nf_conntrack_max = 65536\n");
        assertTrue(ctguard("persist", "--dry-run").out().contains("99-late.conf:1 sets net.netfilter.nf_conntrack_max"));
        Files.createDirectories(root.resolve("etc/sysctl.d"));
        Files.createSymbolicLink(root.resolve("etc/sysctl.d/99-late.conf"), Path.of("/dev/null"));
        Run masked = ctguard("persist", "--dry-run");
        assertFalse(masked.out().contains("99-late.conf:1"), masked.out());
    }

    /** Counters inform; garbage in them never blocks prepare, tune, restore or persist. */
    @Test
    void garbledCountersAreReportedNotFatal() throws IOException {
        write("proc/net/stat/nf_conntrack", "entries drop\n00000001 zz-not-hex\n");
        for (String command : List.of("status", "prepare", "tune", "restore", "persist")) {
            Run run = ctguard(command, "--json");
            assertEquals(0, run.exit(), command + ": " + run.err());
            assertTrue(run.json().get("stats").isJsonNull(), command);
            assertTrue(run.json().get("stats_note").getAsString().contains("not hexadecimal"), run.out());
        }
        Run check = ctguard("check", "--json");
        assertTrue(check.exit() <= 1, check.err());
    }

    @Test
    void controlCharactersReadFromFilesAreEscapedInTextAndErrors() throws IOException {
        write("proc/sys/kernel/hostname", "evil\u001b[2J\rCONNTRACK OK\n");
        Run status = ctguard("status");
        assertFalse(status.out().contains("\u001b") || status.out().contains("\r"), status.out());
        assertTrue(status.out().contains("evil\\x1b[2J\\x0dCONNTRACK OK"), status.out());
        write(NETFILTER + "nf_conntrack_max", "12\u001b]0;pwned\u0007\n");
        Run bad = ctguard("status");
        assertEquals(65, bad.exit());
        assertFalse(bad.err().contains("\u001b") || bad.err().contains("\u0007"), bad.err());
        assertTrue(bad.err().contains("\\x1b"), bad.err());
    }

    @Test
    void prometheusLabelValuesAreEscapedAsTheFormatRequires() {
        assertEquals("a\\\\b\\\"c\\nd", PrometheusRenderer.label("a\\b\"c\nd"));
    }

    @Test
    void tempFilesLeftByAKilledRunAreCleanedByTheNextOneOursOnly() throws IOException {
        Path state = Files.createDirectories(root.resolve("var/lib/conntrack-guard"));
        Path left = state.resolve(".snapshot.json.4711.tmp");
        Path fresh = state.resolve(".snapshot.json.4712.tmp");
        Path foreign = state.resolve("notes.tmp");
        for (Path p : List.of(left, fresh, foreign)) {
            Files.writeString(p, "x");
        }
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(left, old);
        Files.setLastModifiedTime(foreign, old);
        assertEquals(0, ctguard("prepare").exit());
        assertFalse(Files.exists(left), "a temp file of ours from a dead run");
        assertFalse(Files.exists(fresh), "under the node's lock no writer of the snapshot is alive, however young its file");
        assertTrue(Files.exists(foreign), "not ours");
    }

    @Test
    void aSnapshotWhoseHashTableWouldExceedRamIsRefusedUnlessForced() throws IOException {
        assertEquals(0, ctguard("prepare").exit());
        Path file = root.resolve("var/lib/conntrack-guard/snapshot.json");
        Files.writeString(file, Files.readString(file).replace("\"nf_conntrack_buckets\":262144", "\"nf_conntrack_buckets\":2147483647"));
        write("proc/meminfo", "MemTotal:        8388608 kB\n");
        Run run = ctguard("restore");
        assertEquals(65, run.exit(), run.err());
        assertTrue(run.err().contains("more than this node's RAM"), run.err());
        assertEquals("1048576\n", read(NETFILTER + "nf_conntrack_max"), "nothing changed");
    }

    /** Figures no kernel reports are bad data, never judged (a remote host's are read by the same code). */
    @ParameterizedTest
    @ValueSource(strings = {"proc/sys/net/netfilter/nf_conntrack_count=-5", "proc/sys/net/netfilter/nf_conntrack_max=9223372036854775807",
            "proc/sys/net/netfilter/nf_conntrack_max=-1", "proc/meminfo=MemTotal:       0 kB", "proc/sys/net/netfilter/nf_conntrack_buckets=0"})
    void impossibleFiguresAreBadDataNotAVerdict(String edit) throws IOException {
        String[] e = edit.split("=", 2);
        write(e[0], e[1] + "\n");
        Run check = ctguard("check", "--json");
        assertEquals(3, check.exit(), edit + ": " + check.err());
        assertEquals(65, check.json().getAsJsonObject("error").get("sysexit").getAsInt(), "bad data, reported as UNKNOWN");
        assertTrue(check.err().contains("outside what a kernel reports") || check.err().contains("not an integer"), check.err());
    }

    /** The config file's sections are the command tree's: a fleet section is fleet's, and breaks no other command. */
    @Test
    void aFleetSectionInTheConfigFileIsFleetsAndFleetTakesConfigAndDebug() throws IOException {
        Path config = Files.writeString(root.resolve("ctguard.yml"), "fleet:\n  forks: 0\ncheck:\n  warn-fill: 70%\n");
        Run status = ctguard("status", "--config", config.toString());
        assertEquals(0, status.exit(), status.err());
        Run fleet = Run.inProcess("fleet", "--config", config.toString(), "--debug", "-i", root.resolve("no-such-inventory").toString());
        assertEquals(64, fleet.exit(), fleet.err());
        assertTrue(fleet.err().contains("--forks': 0 is out of range"), "the fleet section's value reached fleet: " + fleet.err());
        Files.writeString(config, "fleet:\n  no-such-option: 1\n");
        assertTrue(ctguard("status", "--config", config.toString()).err().contains("'fleet.no-such-option' is not an option of ctguard fleet"));
    }
}
