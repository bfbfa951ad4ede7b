package ctguard.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannerTest {
    private static final long GIB = 1L << 30;

    private static PlanRequest request(Long max, Long buckets, Long timeWait) {
        return new PlanRequest(max, buckets, timeWait, MemoryBudget.DEFAULT, PlanRequest.DEFAULT_MARGIN);
    }

    @Test
    void plansTheReferenceSizingForA64GiBNode() {
        Plan plan = Planner.forNode(Plan.PREPARE, 64 * GIB, 256, PlanRequest.defaults());
        assertEquals(4194304, plan.item(Tunables.MAX).target());
        assertEquals(1048576, plan.item(Tunables.BUCKETS).target());
        assertEquals(60, plan.item(Tunables.TIME_WAIT).target());
        assertFalse(plan.overBudget());
        assertTrue(plan.forOtherNode());
    }

    @Test
    void neverLowersLimitsNorRaisesTimeouts() {
        FakeNode node = new FakeNode();
        node.values.put(Tunables.MAX, 8_388_608L);
        node.values.put(Tunables.BUCKETS, 2_097_152L);
        node.values.put(Tunables.TIME_WAIT, 30L);
        Plan plan = Planner.prepare(node.read(), request(1_000_000L, 4096L, 90L));
        assertEquals(8_388_608, plan.item(Tunables.MAX).target());
        assertEquals(2_097_152, plan.item(Tunables.BUCKETS).target());
        assertEquals(30, plan.item(Tunables.TIME_WAIT).target());
        assertTrue(plan.changes().isEmpty());
        assertTrue(plan.item(Tunables.MAX).reason().contains("only raises"));
    }

    /** Issue 15: prepare says what its own bucket write costs new connections (the measured rehash model). */
    @Test
    void aBucketRaiseStatesTheExpectedRehashStallAtTheLiveCountAndNoRaiseStatesNone() {
        FakeNode node = new FakeNode();
        node.values.put(Tunables.BUCKETS, 262_144L);
        node.count = 100_000;
        Plan raised = Planner.prepare(node.read(), request(null, 524_288L, null));
        assertEquals(RehashStall.MEASURED.expected(100_000, 524_288), raised.rehashStall());
        assertTrue(raised.rehashStall().toMillis() >= 50 && raised.rehashStall().toMillis() <= 150, raised.rehashStall().toString());
        assertTrue(raised.item(Tunables.BUCKETS).reason().contains("rehash"), raised.item(Tunables.BUCKETS).reason());
        Plan kept = Planner.prepare(node.read(), request(null, 262_144L, null));
        assertEquals(null, kept.rehashStall());
    }

    @Test
    void requestedBucketsAreRoundedUpAsTheKernelDoes() {
        Plan plan = Planner.prepare(new FakeNode().read(), request(null, 100_000L, null));
        assertEquals(100_352, plan.item(Tunables.BUCKETS).target());
        assertTrue(plan.item(Tunables.BUCKETS).reason().contains("rounded up"));
    }

    @Test
    void maxStaysAboveTheLiveCountWithMargin() {
        FakeNode node = new FakeNode();
        node.ramBytes = 1L << 30;
        node.count = 300_000;
        Plan plan = Planner.prepare(node.read(), new PlanRequest(null, null, null, MemoryBudget.parse("1MiB"), 0.10));
        assertEquals(330_000, plan.item(Tunables.MAX).target());
        assertTrue(plan.item(Tunables.MAX).reason().contains("live count"));
        assertTrue(plan.overBudget());
    }

    @Test
    void anExplicitMaxBeyondTheBudgetIsFlagged() {
        Plan plan = Planner.prepare(new FakeNode().read(), request(1L << 30, null, null));
        assertTrue(plan.overBudget());
    }

    @Test
    void aNodeAlreadyAboveTheBudgetIsNotOverBudgetWhenNothingIsRaised() {
        FakeNode node = new FakeNode();
        node.ramBytes = 1L << 30;
        Plan plan = Planner.prepare(node.read(), PlanRequest.defaults());
        assertEquals(262144, plan.item(Tunables.MAX).target());
        assertFalse(plan.overBudget());
    }

    @Test
    void outOfBoundRequestsNameTheBound() {
        CtguardException e = assertThrows(CtguardException.class, () -> request(0L, null, null));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("between 1 and 2147483647"), e.getMessage());
        assertThrows(CtguardException.class, () -> request(null, 512L, null));
        assertThrows(CtguardException.class, () -> request(null, null, 432001L));
        assertThrows(CtguardException.class, () -> request(2147483648L, null, null));
    }
}
