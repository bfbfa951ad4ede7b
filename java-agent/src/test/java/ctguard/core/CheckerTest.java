package ctguard.core;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    @Test
    void oneFullTableAboveTheBudgetWarnsNamingTheBalancedMax() {
        // 16 GiB RAM, 2 %: 343 MiB; 12 M entries of 256 B need 2.9 GiB
        Verdict v = Checker.judge(node(0, 12_000_000, 4_194_304, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals(Status.WARNING, v.status());
        assertEquals("over_budget", v.reasons().get(0).code());
        assertTrue(v.reasons().get(0).message().contains("balanced max 1048576"), v.reasons().get(0).message());
        assertEquals(Status.OK, Checker.judge(node(0, 12_000_000, 4_194_304, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.parse("4GiB"), null).status());
    }

    @Test
    void anUnlimitedMaxWarnsAndHasNoFill() {
        Verdict v = Checker.judge(node(5000, 0, 65536, NO_DROPS), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals(Status.WARNING, v.status());
        assertEquals(java.util.List.of("unlimited"), v.reasons().stream().map(Verdict.Reason::code).toList());
        assertTrue(v.reasons().get(0).message().contains("no bound"), v.reasons().get(0).message());
    }

    @Test
    void chainTooLongRefusalsCountLikeDrops() {
        ConntrackStats refused = new ConntrackStats(0L, 0L, 0L, 0L, 7L, 3L);
        Verdict v = Checker.judge(node(0, 1000, 1000, refused), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null);
        assertEquals(Status.WARNING, v.status());
        assertEquals("chain_too_long", v.reasons().get(0).code());
        assertTrue(v.reasons().get(0).message().contains("refused 7 insert(s)"), v.reasons().get(0).message());
        ConntrackStats onlyClashes = new ConntrackStats(0L, 0L, 0L, 0L, 0L, 30L);
        assertEquals(Status.OK, Checker.judge(node(0, 1000, 1000, onlyClashes), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null).status(),
                "resolved clashes lose nothing");
    }

    @Test
    void dropsAreJudgedByTheirRiseSinceThePreviousCheckWhenKnown() {
        ConntrackStats monthOld = new ConntrackStats(41L, 0L, 3L, 0L, 0L, 0L);
        java.time.Instant then = java.time.Instant.parse("2026-11-26T09:55:00Z");
        CounterIncrease none = new CounterIncrease(new ConntrackStats(0L, 0L, 0L, 0L, 0L, 0L), then, 300);
        assertEquals(Status.OK, Checker.judge(node(0, 1000, 1000, monthOld), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, none).status());
        CounterIncrease rose = new CounterIncrease(new ConntrackStats(2L, 0L, 0L, 0L, 0L, 0L), then, 300);
        Verdict v = Checker.judge(node(0, 1000, 1000, monthOld), QUIET, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, rose);
        assertEquals(Status.WARNING, v.status());
        assertTrue(v.reasons().get(0).message().contains("rose in the last 5m"), v.reasons().get(0).message());
        assertTrue(v.reasons().get(0).message().contains("drop=2") && v.reasons().get(0).message().contains("since boot: drop=41"));
    }

    @Test
    void aTableFullLineOfAnotherNamespaceNamesItAndWhetherItStillExists() {
        LogScan log = new LogScan(true, "journal", 3, "2026-11-26T09:00:00Z", 3600, null, Map.of(4026532177L, 2, 4026532999L, 1));
        NodeState base = node(0, 1000, 1000, NO_DROPS);
        NodeState node = new NodeState(base.host(), base.kernel(), base.count(), base.tunables(), base.hashsize(), base.stats(), null,
                base.ramBytes(), base.entrySize(), true, "net:[4026531833]", true, java.util.List.of(), null,
                new NetnsDirectory(java.util.Set.of(4026532177L), Map.of(4026532177L, "qrouter-7"), true), "b");
        String message = Checker.judge(node, log, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null).reasons().get(0).message();
        assertTrue(message.contains("qrouter-7 (net:[4026532177]): 2"), message);
        assertTrue(message.contains("net:[4026532999], which no longer exists: 1"), message);
        NodeState partial = new NodeState(node.host(), node.kernel(), node.count(), node.tunables(), node.hashsize(), node.stats(), null,
                node.ramBytes(), node.entrySize(), true, node.netns(), true, java.util.List.of(), null,
                new NetnsDirectory(java.util.Set.of(), Map.of(), false), "b");
        String unsure = Checker.judge(partial, log, CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, null).reasons().get(0).message();
        assertFalse(unsure.contains("no longer exists"), "without a complete view (not root) nothing is claimed: " + unsure);
    }

    @Test
    void countersOfAnotherBootOrNamespaceAreNotCompared() {
        java.time.Instant t0 = java.time.Instant.parse("2026-11-26T09:00:00Z");
        ConntrackStats s = new ConntrackStats(5L, 0L, 0L, 0L, null, null);
        CounterSample earlier = new CounterSample("boot-a", "net:[1]", t0, s);
        assertEquals(0L, new CounterSample("boot-a", "net:[1]", t0.plusSeconds(60), s).since(earlier).increase().drop());
        assertEquals(null, new CounterSample("boot-b", "net:[1]", t0.plusSeconds(60), s).since(earlier));
        assertEquals(null, new CounterSample("boot-a", "net:[2]", t0.plusSeconds(60), s).since(earlier));
        ConntrackStats reset = new ConntrackStats(1L, 0L, 0L, 0L, null, null);
        assertEquals(null, new CounterSample("boot-a", "net:[1]", t0.plusSeconds(60), reset).since(earlier), "a counter that went down was reset");
    }
}
