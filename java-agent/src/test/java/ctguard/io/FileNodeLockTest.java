package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.NodeLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileNodeLockTest {
    @TempDir
    Path state;

    @Test
    void aSecondHolderInThisProcessWaitsThenGetsTempFail() {
        FileNodeLock lock = new FileNodeLock(state, "/var/lib/conntrack-guard");
        try (NodeLock.Lease held = lock.acquire(Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            CtguardException e = assertThrows(CtguardException.class, () -> lock.acquire(Duration.ofMillis(300)));
            assertEquals(ExitCode.TEMP_FAIL, e.exitCode());
            assertTrue(e.getMessage().contains("/var/lib/conntrack-guard/lock"), e.getMessage());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "waited for the timeout");
        }
        lock.acquire(Duration.ZERO).close();
    }

    /** Another process holding a POSIX lock (lockf, as fcntl-based tools take it) keeps us out. */
    @Test
    void aLockHeldByAnotherProcessIsRespected() throws Exception {
        Path file = state.resolve("lock");
        Process holder = new ProcessBuilder("python3", "-c",
                "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(20)\n",
                file.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("locked", out.readLine());
            FileNodeLock lock = new FileNodeLock(state, "/state");
            assertEquals(ExitCode.TEMP_FAIL, assertThrows(CtguardException.class, () -> lock.acquire(Duration.ofMillis(200))).exitCode());
            holder.destroy();
            holder.waitFor(5, TimeUnit.SECONDS);
            lock.acquire(Duration.ofSeconds(5)).close();
        } finally {
            holder.destroyForcibly();
        }
    }
}
