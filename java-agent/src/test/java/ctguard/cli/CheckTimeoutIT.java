package ctguard.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** check -t bounds the whole run: a kernel log that hangs (a journalctl that sleeps) still gives UNKNOWN in time. */
class CheckTimeoutIT {
    private static final String JAR = "target/ctguard.jar";

    @Test
    void aHungKernelLogIsUnknownWithinTheTimeout(@TempDir Path dir) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path journalctl = Files.writeString(bin.resolve("journalctl"), "#!/bin/sh\nexec sleep 30\n");
        Files.setPosixFilePermissions(journalctl, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path metrics = dir.resolve("ctguard.prom");
        ProcessBuilder pb = new ProcessBuilder("java", "-jar", JAR, "check", "-t", "2s", "--kernel-log", "journal",
                "--counter-cache", dir.resolve("counters.json").toString(), "--prometheus-file", metrics.toString());
        pb.environment().put("PATH", bin + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("CTGUARD_CONFIG", Files.writeString(dir.resolve("empty.yml"), "").toString());
        pb.redirectErrorStream(false);
        long t0 = System.nanoTime();
        Process p = pb.start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "ended long before the fake journalctl's 30 s");
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, p.exitValue(), out);
        assertTrue(out.startsWith("CONNTRACK UNKNOWN - the check did not finish within 2s (--timeout)"), out);
        assertTrue(ms < 12000, "within the timeout plus start-up: " + ms + " ms");
        assertTrue(Files.readString(metrics).contains("ctguard_up{error=\"75\"} 0"), Files.readString(metrics));
    }
}
