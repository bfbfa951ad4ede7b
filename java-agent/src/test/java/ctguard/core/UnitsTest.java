package ctguard.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UnitsTest {
    @Test
    void sizes() {
        assertEquals(64L << 30, Units.parseSize("64GiB"));
        assertEquals(512L << 20, Units.parseSize("512 MiB"));
        assertEquals(2_000_000_000L, Units.parseSize("2GB"));
        assertEquals(4096, Units.parseSize("4096"));
        assertEquals(1536L << 20, Units.parseSize("1.5GiB"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1GiB", "0", "12G", "5 parsecs", "9999999TiB"})
    void badSizesAreUsageErrors(String text) {
        CtguardException e = assertThrows(CtguardException.class, () -> Units.parseSize(text));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("'" + text + "'"), "names the value: " + e.getMessage());
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMinutes(10), Units.parseDuration("10m"));
        assertEquals(Duration.ofSeconds(90), Units.parseDuration("90"));
        assertEquals(Duration.ofMillis(250), Units.parseDuration("250ms"));
        assertEquals(Duration.ofDays(2), Units.parseDuration("2d"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10 minutes", "-5s", "1.5h", "m", "99999999999s"})
    void badDurationsAreUsageErrors(String text) {
        CtguardException e = assertThrows(CtguardException.class, () -> Units.parseDuration(text));
        assertEquals(ExitCode.USAGE, e.exitCode());
    }

    @Test
    void ratios() {
        assertEquals(0.75, Units.parseRatio("75%"), 1e-9);
        assertEquals(0.75, Units.parseRatio("0.75"), 1e-9);
        assertEquals(0.9, Units.parseRatio("90"), 1e-9);
        assertThrows(CtguardException.class, () -> Units.parseRatio("0%"));
        assertThrows(CtguardException.class, () -> Units.parseRatio("150%"));
        assertThrows(CtguardException.class, () -> Units.parseRatio("lots"));
    }

    @Test
    void integers() {
        assertEquals(42, Units.parseInteger("42"));
        assertEquals(-3, Units.parseInteger("-3"));
        CtguardException overflow = assertThrows(CtguardException.class, () -> Units.parseInteger("99999999999999999999"));
        assertTrue(overflow.getMessage().contains("too large"));
        assertThrows(CtguardException.class, () -> Units.parseInteger("1e6"));
    }

    @Test
    void budgets() {
        assertEquals(1L << 30, MemoryBudget.parse("1GiB").bytesFor(1L << 40));
        assertEquals(20L << 20, MemoryBudget.parse("2%").bytesFor(1000L << 20), 1);
        assertEquals("2% of RAM", MemoryBudget.DEFAULT.describe());
    }
}
