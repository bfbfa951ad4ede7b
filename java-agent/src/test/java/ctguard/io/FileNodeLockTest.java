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
    /** No other user can open the lock, let alone hold it: 0600 in a 0700 directory, created so. */
    @Test
    void theLockIs0600InA0700Directory() throws Exception {
        new FileNodeLock(new NodeDir(state)).acquire(Duration.ZERO).close();
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(state.resolve("run/conntrack-guard"))));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                java.nio.file.Files.getPosixFilePermissions(state.resolve("run/conntrack-guard/lock"))));
    }

    @TempDir
    Path state;

    @Test
    void aSecondHolderInThisProcessWaitsThenGetsTempFail() {
        FileNodeLock lock = new FileNodeLock(new NodeDir(state));
        try (NodeLock.Lease held = lock.acquire(Duration.ofSeconds(1))) {
            long start = System.nanoTime();
            CtguardException e = assertThrows(CtguardException.class, () -> lock.acquire(Duration.ofMillis(300)));
            assertEquals(ExitCode.TEMP_FAIL, e.exitCode());
            assertTrue(e.getMessage().contains("/run/conntrack-guard/lock is held by another process"), e.getMessage());
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos(), "waited for the timeout");
        }
        lock.acquire(Duration.ZERO).close();
    }

    /** Another process holding a POSIX lock (lockf, as fcntl-based tools take it) keeps us out. */
    @Test
    void aLockHeldByAnotherProcessIsRespected() throws Exception {
        Path file = state.resolve("run/conntrack-guard/lock");
        java.nio.file.Files.createDirectories(file.getParent());
        Process holder = new ProcessBuilder("python3", "-c",
                "import fcntl,sys,time\nf=open(sys.argv[1],'a')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(20)\n",
                file.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("locked", out.readLine());
            FileNodeLock lock = new FileNodeLock(new NodeDir(state));
            assertEquals(ExitCode.TEMP_FAIL, assertThrows(CtguardException.class, () -> lock.acquire(Duration.ofMillis(200))).exitCode());
            holder.destroy();
            holder.waitFor(5, TimeUnit.SECONDS);
            lock.acquire(Duration.ofSeconds(5)).close();
        } finally {
            holder.destroyForcibly();
        }
    }
}
