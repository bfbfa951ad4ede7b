package ctguard.io.fleet.ssh;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.NodeState;
import ctguard.core.TunableState;
import ctguard.core.Tunables;
import ctguard.io.Fixtures;
import ctguard.io.ProcfsKernel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The remote script run locally with sh, and the parsing of its output. */
class RemoteReadTest {
    @TempDir
    Path dir;

    /** Runs the script with {@code shell -s}; root null: / itself. */
    private static String[] runScript(String shell, Path root) throws IOException, InterruptedException {
        String script = root == null ? RemoteRead.SCRIPT
                : RemoteRead.SCRIPT.replaceFirst("(?m)^" + RemoteRead.ROOT_LINE + "$", "R=" + RemoteRead.shellQuote(root.toString()));
        Process p = new ProcessBuilder(shell, "-s").start();
        try (var in = p.getOutputStream()) {
            in.write(script.getBytes(StandardCharsets.UTF_8));
        }
        var errBytes = new java.io.ByteArrayOutputStream();
        Thread errPump = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(errBytes);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        errPump.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        errPump.join();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return new String[]{out, errBytes.toString(StandardCharsets.UTF_8), String.valueOf(p.exitValue())};
    }

    private static NodeState readWith(String shell, Path root) throws IOException, InterruptedException {
        String[] r = runScript(shell, root);
        return parse("node", r[0], r[1], Integer.parseInt(r[2])).toNodeState();
    }

    // --- the real script ------------------------------------------------------------------------------

    @Test
    void theScriptOnThisMachineGivesWhatProcfsKernelReadsLocally() throws Exception {
        assumeTrue(Files.isRegularFile(Path.of("/proc/sys/net/netfilter/nf_conntrack_max")), "needs nf_conntrack loaded");
        NodeState local = new ProcfsKernel(Path.of("/")).read();
        NodeState remote = readWith("sh", null);

        assertEquals(local.max(), remote.max());
        assertEquals(local.buckets(), remote.buckets());
        assertTrue(Math.abs(local.count() - remote.count()) <= Math.max(100, local.count() / 100),
                "count " + local.count() + " vs " + remote.count());
        assertEquals(local.ramBytes(), remote.ramBytes());
        assertEquals(local.tunables().keySet(), remote.tunables().keySet(), "every timeout, in the same order");
        for (TunableState t : local.tunables().values()) {
            assertEquals(t, remote.tunable(t.name()), t.name() + ": value and writability");
        }
        assertEquals(local.hashsize(), remote.hashsize());
        assertEquals(local.host(), remote.host());
        assertEquals(local.kernel(), remote.kernel());
        assertEquals(local.netns(), remote.netns());
        assertEquals(local.initialNetns(), remote.initialNetns());
        assertEquals(local.entrySize(), remote.entrySize());
        assertEquals(local.bucketsBySysctl(), remote.bucketsBySysctl());
        assertEquals(local.stats() == null, remote.stats() == null);
        assertEquals(local.statsNote(), remote.statsNote());
        assertTrue(remote.namespaces().isEmpty(), "namespaces are not scanned remotely");
    }

    /**
     * A process that exits between the script's ls and its read of /proc/PID/net/stat/nf_conntrack leaves its
     * namespace without a count: that namespace is "could not read", never a crash of the whole host (it was an
     * intermittent NullPointerException: Map.copyOf refuses the null count).
     */
    @Test
    void aNamespaceWhoseCountCouldNotBeReadIsSaidNotACrash() {
        String out = output(0, 1, "", "").replace(M + "end\n", M + "namespaces\n"
                + M + "ns net:[4026532500] 4242 000003e8\n"
                + M + "ns net:[4026532501] 4343\n"
                + M + "end\n");
        NodeState state = parse("node", out, "", 0).toNodeState();
        assertEquals(1, state.namespaces().size(), state.namespaces().toString());
        assertEquals(1000, state.namespaces().get(0).count());
        assertTrue(String.valueOf(state.namespacesNote()).contains("could not read the conntrack count of 1 namespace(s) on the node: pid 4343"),
                String.valueOf(state.namespacesNote()));
    }

    @Test
    void ofSlabinfoOnlyTheHeaderAndTheConntrackLineTravel() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/slabinfo")), "needs root to read /proc/slabinfo");
        String[] r = runScript("sh", null);
        String sent = parse("node", r[0], r[1], 0).files().get("proc/slabinfo").content();
        long lines = Files.readAllLines(Path.of("/proc/slabinfo")).size();

        assertTrue(lines > 10, "this kernel's slabinfo has " + lines + " lines");
        assertTrue(sent.lines().allMatch(l -> l.startsWith("slabinfo") || l.startsWith("# name") || l.startsWith("nf_conntrack ")), sent);
        assertTrue(sent.lines().anyMatch(l -> l.startsWith("nf_conntrack ")), sent);
    }

    @ParameterizedTest
    @CsvSource({"sh," + Fixtures.LINUX_6_18, "bash," + Fixtures.LINUX_4_15, "dash," + Fixtures.LINUX_NOPROCFS, "bash," + Fixtures.LINUX_6_18})
    void theScriptOnAFixtureTreeGivesWhatProcfsKernelReadsThere(String shell, String fixture) throws Exception {
        assumeTrue(Stream.of("/bin/", "/usr/bin/").anyMatch(d -> Files.isExecutable(Path.of(d + shell))), shell + " is not installed");
        Path root = Fixtures.copy(fixture, Files.createDirectories(dir.resolve(fixture)));
        assertEquals(new ProcfsKernel(root).read(), readWith(shell, root));
    }

    @Test
    void aNodeWithoutNfConntrackIsProcfsKernelsError() throws Exception {
        Path root = Files.createDirectories(dir.resolve("bare/proc"));
        Files.writeString(root.resolve("meminfo"), "MemTotal: 1024 kB\n");
        CtguardException e = assertThrows(CtguardException.class, () -> readWith("sh", root.getParent()));
        assertEquals(ExitCode.UNAVAILABLE, e.exitCode());
        assertTrue(e.getMessage().startsWith("nf_conntrack is not loaded"), e.getMessage());
        assertFalse(e.getMessage().contains("ctguard-ssh-"), e.getMessage());
    }

    // --- parsing ----------------------------------------------------------------------------------------

    private static final String M = RemoteRead.MARK;

    /** A small node: max/buckets/count, one timeout, meminfo; the given uid and writability flag. */
    private static String output(int uid, int writable, String extraFiles, String extraData) {
        return "motd noise from .bashrc\n"
                + M + "begin 1\n"
                + M + "uid " + uid + "\n"
                + M + "netns net:[4026531833]\n"
                + M + "file 1 0 proc/sys/net/netfilter/nf_conntrack_count\n"
                + M + "file 1 " + writable + " proc/sys/net/netfilter/nf_conntrack_max\n"
                + M + "file 1 " + writable + " proc/sys/net/netfilter/nf_conntrack_buckets\n"
                + M + "file 1 " + writable + " proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait\n"
                + M + "file 0 0 sys/module/nf_conntrack/parameters/hashsize\n"
                + M + "file 1 0 proc/meminfo\n"
                + extraFiles
                + M + "mode 444 proc/sys/net/netfilter/nf_conntrack_count\n"
                + M + "mode 644 proc/sys/net/netfilter/nf_conntrack_max\n"
                + M + "mode 644 proc/sys/net/netfilter/nf_conntrack_buckets\n"
                + M + "mode 644 proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait\n"
                + M + "mode 444 proc/meminfo\n"
                + M + "data\n"
                + "proc/sys/net/netfilter/nf_conntrack_count:17\n"
                + "proc/sys/net/netfilter/nf_conntrack_max:65536\n"
                + "proc/sys/net/netfilter/nf_conntrack_buckets:16384\n"
                + "proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait:120\n"
                + "proc/meminfo:MemTotal:        2048 kB\n"
                + "proc/meminfo:MemFree:          512 kB\n"
                + extraData
                + M + "end\n";
    }

    @Test
    void parsesTheOutputAndIgnoresNoiseBeforeTheBeginMarker() {
        RemoteRead r = parse("node", output(0, 1, "", ""), "", 0);
        assertEquals(0, r.uid());
        assertEquals("net:[4026531833]", r.netnsLink());
        assertEquals("MemTotal:        2048 kB\nMemFree:          512 kB\n", r.files().get("proc/meminfo").content());
        assertEquals(0444, r.files().get("proc/meminfo").mode());
        assertFalse(r.files().get("sys/module/nf_conntrack/parameters/hashsize").readable());
        NodeState s = r.toNodeState();
        assertEquals(17, s.count());
        assertEquals(65536, s.max());
        assertEquals(16384, s.buckets());
        assertEquals(2048 * 1024, s.ramBytes());
        assertNull(s.hashsize(), "unreadable on the node: absent here");
        assertTrue(s.tunable(Tunables.MAX).writable());
        assertEquals(Boolean.TRUE, s.initialNetns());
    }

    @Test
    void aNonRootUserCannotWriteWhatTheModeAllows() {
        NodeState s = parse("node", output(1000, 0, "", ""), "", 0).toNodeState();
        for (String name : new String[]{Tunables.MAX, Tunables.BUCKETS, Tunables.TIME_WAIT}) {
            TunableState t = s.tunable(name);
            assertFalse(t.writable(), name);
            assertEquals("permission denied: needs root (running as uid 1000)", t.reason());
        }
        assertTrue(s.bucketsBySysctl(), "judged by mode, as locally");
    }

    @Test
    void rootFacingAReadOnlyProcSysIsTheReadOnlyFileSystemReason() {
        NodeState s = parse("node", output(0, 0, "", ""), "", 0).toNodeState();
        assertEquals("read-only file system: /proc/sys/net/netfilter is mounted read-only (as in many containers)", s.tunable(Tunables.MAX).reason());
    }

    @Test
    void aFileGrepCouldNotReadIsAbsent() {
        String extra = M + "file 1 0 proc/slabinfo\n";
        RemoteRead r = parse("node", output(0, 1, extra, ""), "grep: proc/slabinfo: Permission denied\n", 2);
        assertFalse(r.files().get("proc/slabinfo").readable());
        assertNull(r.files().get("proc/slabinfo").content());
    }

    @Test
    void anEmptyReadableFileIsPresentAndEmpty() {
        String extra = M + "file 1 0 proc/sys/kernel/dmesg_restrict\n";
        assertEquals("", parse("node", output(0, 1, extra, ""), "", 0).files().get("proc/sys/kernel/dmesg_restrict").content());
    }

    @Test
    void modesFromLsWhenStatIsMissing() {
        // no stat -c on the node: the script prints an ls section instead of mode lines
        String out = output(0, 1, "", "")
                .replaceAll("(?m)^" + M + "mode .*\n", "")
                .replace(M + "data\n", M + "ls\n"
                        + "-r--r--r-- 1 root root 0 Nov 26 09:43 proc/meminfo\n"
                        + "-rw-r--r--. 1 root root 0 Nov 26 09:43 proc/sys/net/netfilter/nf_conntrack_max\n"
                        + M + "data\n");
        RemoteRead r = parse("node", out, "", 0);
        assertEquals(0444, r.files().get("proc/meminfo").mode());
        assertEquals(0644, r.files().get("proc/sys/net/netfilter/nf_conntrack_max").mode());
        assertNull(r.files().get("proc/sys/net/netfilter/nf_conntrack_count").mode(), "neither stat nor ls: judged by test -w");
        assertEquals(17, r.toNodeState().count());
    }

    @Test
    void pathsOutsideTheExpectedFilesAreRejected() {
        for (String evil : new String[]{"../../etc/cron.d/x", "proc/sys/net/netfilter/../../../../etc/passwd", "/etc/passwd", "proc/self/environ"}) {
            String out = output(0, 1, M + "file 1 1 " + evil + "\n", "");
            SshException e = assertThrows(SshException.class, () -> parse("node", out, "", 0), evil);
            assertEquals(SshException.Kind.BAD_OUTPUT, e.kind());
            assertTrue(e.getMessage().contains("unexpected path"), e.getMessage());
        }
        SshException data = assertThrows(SshException.class,
                () -> parse("node", output(0, 1, "", "proc/kcore:secret\n"), "", 0));
        assertTrue(data.getMessage().contains("unexpected data line"), data.getMessage());
    }

    @Test
    void truncatedOutputIsRejected() {
        String out = output(0, 1, "", "");
        SshException e = assertThrows(SshException.class, () -> parse("node", out.substring(0, out.length() - 20), "", 0));
        assertEquals(SshException.Kind.BAD_OUTPUT, e.kind());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void noScriptOutputSaysWhatTheNodeSaid() {
        SshException e = assertThrows(SshException.class,
                () -> parse("node", "", "This account is currently not available.\n", 1));
        assertEquals(SshException.Kind.COMMAND_FAILED, e.kind());
        assertEquals("no ctguard output from node (remote exit status 1): This account is currently not available.", e.getMessage());
    }

    /** The script's whole output, fed to the parser as SshNodeReader feeds it line by line. */
    private static RemoteRead parse(String host, String stdout, String stderr, int exitStatus) {
        RemoteRead.Parser parser = new RemoteRead.Parser(host, false);
        for (String line : stdout.split("\n", -1)) {
            parser.line(line);
        }
        return parser.finish(stderr, exitStatus);
    }

    private static String agentAnswer(boolean asked, String stdout) {
        RemoteRead.Parser parser = new RemoteRead.Parser("node", asked);
        stdout.lines().forEach(parser::line);
        return parser.agentJson();
    }

    @Test
    void agentOutputIsRecognisedOnlyAfterItsMarker() {
        assertEquals("{\"schema\": \"ctguard/v1\"}\n", agentAnswer(true, "noise\n" + M + "agent\n{\"schema\": \"ctguard/v1\"}"));
        assertNull(agentAnswer(true, output(0, 1, "", "")));
        assertNull(agentAnswer(false, M + "agent\n{\"schema\": \"ctguard/v1\"}"), "not asked for: the marker is just output");
        assertTrue(RemoteRead.scriptWithAgent("/opt/x y/ctguard.jar", java.time.Duration.ofHours(1)).startsWith("if [ -f '/opt/x y/ctguard.jar' ] && command -v java"));
    }

    @Test
    void theScriptForksAFixedNumberOfProcesses() {
        // one grep and one stat for all files: no per-file cat or $(...) in the loop
        String loop = RemoteRead.SCRIPT.substring(RemoteRead.SCRIPT.indexOf("for f; do"), RemoteRead.SCRIPT.indexOf("done"));
        assertFalse(loop.contains("cat ") || loop.contains("$(") || loop.contains("stat "), loop);
    }
}
