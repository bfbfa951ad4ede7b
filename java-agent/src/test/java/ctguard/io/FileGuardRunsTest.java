package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.guard.GuardRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The node's one guard as files: its claim and pid, signalling it, and reading its run from the action log. */
@org.junit.jupiter.api.Timeout(30)
class FileGuardRunsTest {
    @TempDir
    Path root;

    private FileGuardRuns runs() {
        return new FileGuardRuns(new NodeDir(root), root.resolve("var/lib/conntrack-guard/guard.jsonl"));
    }

    @Test
    void aClaimNamesThisProcessUntilItIsReleasedAndASecondClaimIsRefused() {
        FileGuardRuns runs = runs();
        assertEquals(OptionalLong.empty(), runs.running());
        try (GuardRuns.Claim ignored = runs.claim()) {
            assertEquals(OptionalLong.of(ProcessHandle.current().pid()), runs.running());
            CtguardException e = assertThrows(CtguardException.class, runs::claim);
            assertEquals(ExitCode.TEMP_FAIL, e.exitCode());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid() + " holds /run/conntrack-guard/guard.pid"), e.getMessage());
        }
        assertEquals(OptionalLong.empty(), runs.running(), "a released claim names nobody");
    }

    /** A guard killed with SIGKILL leaves its pid file: unlocked, it is not taken for a running guard, and a new one may claim. */
    @Test
    void aPidFileNobodyHoldsIsNotARunningGuard() throws Exception {
        Path file = root.resolve("run/conntrack-guard/guard.pid");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "1\n");
        assertEquals(OptionalLong.empty(), runs().running());
        runs().claim().close();
    }

    /** The lock is fcntl's: a guard in another process (here python's lockf) is seen, with its pid. */
    @Test
    void aGuardInAnotherProcessIsFoundAndStopped() throws Exception {
        Path file = root.resolve("run/conntrack-guard/guard.pid");
        Files.createDirectories(file.getParent());
        Process holder = new ProcessBuilder("python3", "-c",
                "import fcntl,os,sys,time\nf=open(sys.argv[1],'r+' if os.path.exists(sys.argv[1]) else 'w+')\nfcntl.lockf(f,fcntl.LOCK_EX)\n"
                        + "f.write('%d\\n' % os.getpid()); f.flush()\nprint('locked',flush=True)\ntime.sleep(20)\n",
                file.toString()).redirectErrorStream(true).start();
        try {
            assertEquals("locked", new BufferedReader(new InputStreamReader(holder.getInputStream())).readLine());
            FileGuardRuns runs = runs();
            assertEquals(OptionalLong.of(holder.pid()), runs.running());
            assertEquals(ExitCode.TEMP_FAIL, assertThrows(CtguardException.class, runs::claim).exitCode());
            assertTrue(runs.stop(holder.pid(), Duration.ofSeconds(10)), "SIGTERM ended it");
            assertFalse(holder.isAlive());
            assertEquals(OptionalLong.empty(), runs.running());
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void aGuardThatIgnoresTheSignalIsReportedStillRunningAfterTheTimeout() throws Exception {
        Process stubborn = new ProcessBuilder("bash", "-c", "trap '' TERM; echo ready; sleep 20").redirectErrorStream(true).start();
        try {
            assertEquals("ready", new BufferedReader(new InputStreamReader(stubborn.getInputStream())).readLine());
            assertFalse(runs().stop(stubborn.pid(), Duration.ofMillis(300)));
            assertTrue(stubborn.isAlive());
        } finally {
            stubborn.destroyForcibly();
            stubborn.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLatestRunIsItsStartLineAndWhatFollowsWithoutForeignOrCutLines() throws Exception {
        Path log = root.resolve("var/lib/conntrack-guard/guard.jsonl");
        Files.createDirectories(log.getParent());
        Files.writeString(log, String.join("\n",
                "{\"event\":\"start\",\"pid\":1}", "{\"event\":\"end\",\"pid\":1}",
                "{\"event\":\"start\",\"pid\":2}", "not guard's", "{\"event\":\"raise\",\"max\":2048}", "{\"event\":\"raise\",\"max\":40",
                "{\"event\":\"end\",\"pid\":2}") + "\n");
        assertEquals(List.of("{\"event\":\"start\",\"pid\":2}", "{\"event\":\"raise\",\"max\":2048}", "{\"event\":\"end\",\"pid\":2}"), runs().lastRun());
    }

    @Test
    void noLogIsNoRun() {
        assertEquals(List.of(), runs().lastRun());
    }

    /** The log is read from its tail, bounded: a log grown over many runs costs no more than its last MiB. */
    @Test
    void aHugeLogIsReadFromItsBoundedTail() throws Exception {
        Path log = root.resolve("var/lib/conntrack-guard/guard.jsonl");
        Files.createDirectories(log.getParent());
        StringBuilder b = new StringBuilder("{\"event\":\"start\",\"pid\":1}\n");
        String raise = "{\"event\":\"raise_failed\",\"reason\":\"" + "x".repeat(200) + "\"}\n";
        while (b.length() < 3 * FileGuardRuns.MAX_LOG_TAIL_BYTES) {
            b.append(raise);
        }
        Files.writeString(log, b);
        List<String> run = runs().lastRun();
        assertEquals(FileGuardRuns.MAX_RUN_LINES, run.size());
        assertTrue(run.stream().allMatch(l -> l.startsWith("{\"event\":\"raise_failed\"")));
    }
}
