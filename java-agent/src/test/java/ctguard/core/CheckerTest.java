package ctguard.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckerTest {
    private static final LogScan QUIET = new LogScan(true, "dmesg", 0, null, 3600, null, java.util.Map.of());

    private static NodeState node(long count, long max, long buckets, ConntrackStats stats) {
        return new NodeState("h", "6.18", count, Map.of(
                Tunables.MAX, new TunableState(Tunables.MAX, max, true, null),
                Tunables.BUCKETS, new TunableState(Tunables.BUCKETS, buckets, true, null)),
                buckets, stats, null, 1L << 34, EntrySize.of(256L, "test", false), true, "net:[1]", true, java.util.List.of(), null, NetnsDirectory.UNKNOWN, null);
    }

    private static final ConntrackStats NO_DROPS = new ConntrackStats(0L, 0L, 0L, 0L, 0L, 0L);

    @Test
    void fillThresholds() {
        assertEquals(Status.OK, Checker.judge(node(740, 1000, 1000, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null).status());
        assertEquals(Status.WARNING, Checker.judge(node(750, 1000, 1000, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null).status());
        Verdict critical = Checker.judge(node(900, 1000, 1000, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals(Status.CRITICAL, critical.status());
        assertEquals("fill", critical.reasons().get(0).code());
    }

    @Test
    void longChainsNowOrAtMaxWarn() {
        Verdict now = Checker.judge(node(9000, 1_000_000, 1000, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals(Status.WARNING, now.status());
        assertEquals("chain_length", now.reasons().get(0).code());
        Verdict atMax = Checker.judge(node(0, 12_000_000, 16384, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals("chain_length_at_max", atMax.reasons().get(0).code());
        assertEquals(Status.OK, Checker.judge(node(0, 8192, 1024, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null).status());
    }

    @Test
    void tableFullInTheLogIsCritical() {
        LogScan log = new LogScan(true, "journal", 3, "2026-11-26T09:00:00Z", 3600, null, java.util.Map.of());
        Verdict v = Checker.judge(node(0, 1000, 1000, NO_DROPS), log, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals(Status.CRITICAL, v.status());
        assertTrue(v.reasons().get(0).message().contains("3 'table full, dropping packet' lines"), v.reasons().get(0).message());
    }

    @Test
    void anUnreadableLogDoesNotChangeTheVerdict() {
        Verdict v = Checker.judge(node(0, 1000, 1000, NO_DROPS), LogScan.unreadable("dmesg", 3600, "denied"), CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals(Status.OK, v.status());
    }

    @Test
    void dropsAreReportedAtTheConfiguredLevel() {
        ConntrackStats drops = new ConntrackStats(5L, 0L, 2L, 0L, 0L, 0L);
        Verdict v = Checker.judge(node(0, 1000, 1000, drops), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals(Status.WARNING, v.status());
        assertTrue(v.reasons().get(0).message().contains("drop=5"));
        CheckPolicy ignore = new CheckPolicy(0.75, 0.9, 8, Status.OK);
        assertEquals(Status.OK, Checker.judge(node(0, 1000, 1000, drops), QUIET, ignore, MemoryBudget.DEFAULT, null).status());
        assertEquals(Status.OK, Checker.judge(node(0, 1000, 1000, null), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null).status());
    }

    @Test
    void worstReasonWins() {
        assertEquals(Status.CRITICAL, Status.WARNING.worse(Status.CRITICAL));
        assertEquals(Status.UNKNOWN, Status.WARNING.worse(Status.UNKNOWN));
        assertEquals(Status.CRITICAL, Status.CRITICAL.worse(Status.UNKNOWN));
    }

    @Test
    void policyRejectsInvertedThresholds() {
        CtguardException e = org.junit.jupiter.api.Assertions.assertThrows(CtguardException.class,
                () -> new CheckPolicy(0.95, 0.90, 8, Status.WARNING));
        assertEquals(ExitCode.USAGE, e.exitCode());
    }
}
