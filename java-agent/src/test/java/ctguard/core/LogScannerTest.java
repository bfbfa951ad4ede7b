package ctguard.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogScannerTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:00:00Z");

    @Test
    void countsOnlyMatchesWithinTheWindowInBothFormats() {
        String log = String.join("\n",
                "2026-11-26T08:30:00,000000+00:00 nf_conntrack: nf_conntrack: table full, dropping packet",
                "2026-11-26T09:30:00,123456+00:00 nf_conntrack: nf_conntrack: table full, dropping packet",
                "2026-11-26T09:45:00.500000+0000 vm kernel: nf_conntrack: table full, dropping packet",
                "2026-11-26T09:50:00+00:00 eth0: link up",
                "[12345.678] nf_conntrack: table full, dropping packet");
        LogScan scan = LogScanner.scan(log, "test", NOW, Duration.ofHours(1));
        assertEquals(2, scan.matches());
        assertEquals("2026-11-26T09:45:00.500Z", scan.lastAt());
        assertTrue(scan.note().contains("1 matching line"));
    }

    @Test
    void newerKernelsNameTheNamespace() {
        String log = "2026-11-26T09:55:00,000000+00:00 nf_conntrack: nf_conntrack: table full in netns 4026532177, dropping packet\n"
                + "2026-11-26T09:56:00,000000+00:00 nf_conntrack: table fully, dropping packet\n";
        LogScan scan = LogScanner.scan(log, "dmesg", NOW, Duration.ofHours(1));
        assertEquals(1, scan.matches());
        assertEquals("2026-11-26T09:55:00Z", scan.lastAt());
        assertEquals(java.util.Map.of(4026532177L, 1), scan.byNetns());
    }

    @Test
    void timezonesAreHonoured() {
        String log = "2026-11-26T10:30:00+01:00 table full, dropping packet";
        assertEquals(1, LogScanner.scan(log, "t", NOW, Duration.ofHours(1)).matches());
        assertEquals(0, LogScanner.scan(log, "t", NOW, Duration.ofMinutes(10)).matches());
    }

    @Test
    void emptyLog() {
        LogScan scan = LogScanner.scan("", "t", NOW, Duration.ofHours(1));
        assertEquals(0, scan.matches());
        assertNull(scan.lastAt());
        assertNull(scan.note());
    }
}
