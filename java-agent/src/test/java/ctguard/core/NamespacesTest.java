package ctguard.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every namespace's count is held against the one global max: the fullest one decides. */
class NamespacesTest {
    private static final LogScan QUIET = new LogScan(true, "dmesg", 0, null, 3600, null, java.util.Map.of());

    private static FakeNode nodeWithRouter(long routerCount) {
        FakeNode node = new FakeNode();
        node.count = 100;
        node.others.add(new NetnsUsage("net:[4026532500]", "qrouter-1", 4242, routerCount, null));
        node.others.add(new NetnsUsage("net:[4026532501]", null, 4343, 50, null));
        return node;
    }

    @Test
    void theVerdictUsesTheFullestNamespace() {
        NodeState node = nodeWithRouter(240_000).read();
        Verdict v = Checker.judge(node, QUIET, new CheckPolicy(0.75, 0.90, 8, Status.OK), MemoryBudget.DEFAULT, null);
        assertEquals(Status.CRITICAL, v.status());
        assertTrue(v.reasons().get(0).message().contains("(240000 of 262144 entries) in network namespace qrouter-1"), v.reasons().get(0).message());
        Usage u = Usage.of(node);
        assertEquals(240_000, u.fullestCount());
        assertEquals("qrouter-1", u.fullestNamespace());
    }

    @Test
    void thisNamespaceIsTheFullestWhenNoOtherHasMore() {
        FakeNode node = nodeWithRouter(10);
        node.count = 1000;
        NodeState state = node.read();
        assertEquals(1000, state.fullestCount());
        assertNull(state.fullestOther());
        assertNull(Usage.of(state).fullestNamespace());
    }

    @Test
    void theWorstCaseMemoryCountsEveryActiveNamespace() {
        Memory m = Memory.of(nodeWithRouter(1000).read(), MemoryBudget.DEFAULT);
        assertEquals(3, m.activeNamespaces());
        assertEquals(Sizing.bytesAt(3 * 262144L, 65536, 256), m.tableBytesWorst());
        assertEquals(Sizing.bytesAt(100 + 1000 + 50, 65536, 256), m.tableBytesNow());
    }

    @Test
    void prepareKeepsMaxAboveTheFullestNamespace() {
        FakeNode node = nodeWithRouter(300_000);
        node.ramBytes = 1L << 30;
        Plan plan = Planner.prepare(node.read(), new PlanRequest(null, null, null, MemoryBudget.parse("1MiB"), 0.10));
        assertEquals(330_000, plan.item(Tunables.MAX).target());
    }

    @Test
    void restoreWaitsForTheFullestNamespaceToDrain() {
        FakeNode node = nodeWithRouter(0);
        node.prepare().run(new ChangeRequest(PlanRequest.defaults(), false, false, false, Duration.ofSeconds(1)));
        node.others.set(0, new NetnsUsage("net:[4026532500]", "qrouter-1", 4242, 250_000, null));
        CtguardException e = assertThrows(CtguardException.class, () -> node.restore().run(
                new Restore.Options(false, Duration.ZERO, Duration.ofSeconds(1), 0.10, false, false, Duration.ofSeconds(1))));
        assertEquals(ExitCode.TEMP_FAIL, e.exitCode());
        assertTrue(e.getMessage().contains("holds 250000 entries in network namespace qrouter-1"), e.getMessage());
        assertEquals(4194304L, node.values.get(Tunables.MAX));
    }

    /** Issue 15: guard's drop figure counts the namespace that fills the table, not only its own. */
    @Test
    void dropsAreSummedOverThisAndEveryOtherNamespaceWhoseCountersWereRead() {
        FakeNode node = new FakeNode();
        node.stats = new ConntrackStats(3L, 0L, 0L, 0L, 0L, 0L);
        node.others.add(new NetnsUsage("net:[4026532500]", "qrouter-1", 4242, 900, 40L));
        node.others.add(new NetnsUsage("net:[4026532501]", "qdhcp-1", null, 10, null));
        assertEquals(43L, node.read().dropsInEveryNamespace());
        node.stats = null;
        node.others.clear();
        assertEquals(null, node.read().dropsInEveryNamespace());
    }
}
