package ctguard.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tune's targets, the budget rule shared with prepare, and tune's safety (in-memory ports). */
class TuneTest {
    private static final long GIB = 1L << 30;

    private static PlanRequest budget(String budget) {
        return new PlanRequest(null, null, null, MemoryBudget.parse(budget), PlanRequest.DEFAULT_MARGIN);
    }

    /** The article's node: 64 GiB, 256 B entries, max 12262144 over 16384 buckets. */
    private static FakeNode articleNode() {
        FakeNode node = new FakeNode();
        node.values.put(Tunables.MAX, 12_262_144L);
        node.values.put(Tunables.BUCKETS, 16_384L);
        node.count = 200_000;
        return node;
    }

    private static Tune tune(FakeNode node, MemoryConfigFiles files) {
        return new Tune(node, node, node, files, node);
    }

    private static Tune.Options options(PlanRequest request, boolean dryRun, boolean persist) {
        return new Tune.Options(new ChangeRequest(request, false, dryRun, false, Duration.ofSeconds(1)), persist);
    }

    @Test
    void onThe64GiBNodeWithA1point2GiBBudgetTuneGivesTheArticlesSizing() {
        Plan plan = Planner.tune(articleNode().read(), budget("1.2GiB"));
        assertEquals(4194304, plan.item(Tunables.MAX).target(), "lowered from 12262144");
        assertEquals(1048576, plan.item(Tunables.BUCKETS).target());
        assertEquals(60, plan.item(Tunables.TIME_WAIT).target());
        assertFalse(plan.overBudget());
        assertFalse(plan.nodeOverBudget());
        assertTrue(plan.item(Tunables.MAX).reason().contains("lower than today's"), plan.item(Tunables.MAX).reason());
        Plan other = Planner.forNode(Plan.TUNE, 64 * GIB, 256, budget("1.2GiB"));
        assertEquals(4194304, other.item(Tunables.MAX).target());
        assertEquals(1048576, other.item(Tunables.BUCKETS).target());
    }

    @Test
    void tuneRaisesAnUndersizedMaxToTheCeilingAndNeverLowersBucketsOrRaisesTimeWait() {
        FakeNode node = new FakeNode();
        node.values.put(Tunables.BUCKETS, 2_097_152L);
        node.values.put(Tunables.TIME_WAIT, 30L);
        Plan plan = Planner.tune(node.read(), PlanRequest.defaults());
        assertEquals(4194304, plan.item(Tunables.MAX).target());
        assertEquals(2_097_152, plan.item(Tunables.BUCKETS).target());
        assertEquals(30, plan.item(Tunables.TIME_WAIT).target());
    }

    @Test
    void tuneKeepsMaxAboveTheFullestNamespacePlusTheMarginAndSaysWhenThatIsOverBudget() {
        FakeNode node = articleNode();
        node.others.add(new NetnsUsage("net:[4026532177]", "qrouter-1", null, 9_000_000, null));
        Plan plan = Planner.tune(node.read(), budget("1.2GiB"));
        assertEquals(9_900_000, plan.item(Tunables.MAX).target());
        assertTrue(plan.item(Tunables.MAX).reason().contains("live count 9000000"));
        assertFalse(plan.overBudget(), "lowering is never refused for the budget");
        assertTrue(plan.nodeOverBudget());
    }

    @Test
    void theBudgetBoundsWhatAChangeAddsNotWhatTheNodeHad() {
        // prepare on the article's node: max kept, the buckets' hash (23 MiB) fits, so nothing is over budget
        Plan prepare = Planner.prepare(articleNode().read(), budget("1.2GiB"));
        assertEquals(12_262_144, prepare.item(Tunables.MAX).target());
        assertEquals(3_065_856, prepare.item(Tunables.BUCKETS).target());
        assertFalse(prepare.overBudget());
        assertTrue(prepare.nodeOverBudget());
        assertEquals(4194304, prepare.balancedMax());
        // an explicit raise of max past the budget is still over budget
        assertTrue(Planner.prepare(articleNode().read(), new PlanRequest(16_777_216L, null, null, MemoryBudget.parse("1.2GiB"), 0.1)).overBudget());
        // buckets whose hash table alone does not fit: over budget
        assertTrue(Planner.prepare(articleNode().read(), new PlanRequest(null, 200_000_000L, null, MemoryBudget.parse("1GiB"), 0.1)).overBudget());
        // default buckets are capped at what the budget holds rather than refused
        Plan tiny = Planner.prepare(articleNode().read(), budget("1MiB"));
        assertFalse(tiny.overBudget());
        assertEquals(131_072, tiny.item(Tunables.BUCKETS).target());
    }

    @Test
    void tuneTakesASnapshotFirstSoRestoreBringsTheOriginalsBack() {
        FakeNode node = articleNode();
        Result result = tune(node, new MemoryConfigFiles()).run(options(budget("1.2GiB"), false, false));
        assertEquals("tune", result.action());
        assertEquals(List.of("nf_conntrack_buckets=1048576", "nf_conntrack_max=4194304", "nf_conntrack_tcp_timeout_time_wait=60"), node.writeLog);
        assertEquals(12_262_144L, node.stored.values().get(Tunables.MAX));
        assertFalse(node.lockHeld);
        node.restore().run(new Restore.Options(false, Duration.ZERO, Duration.ofSeconds(1), 0.1, false, false, Duration.ofSeconds(1)));
        assertEquals(12_262_144L, node.values.get(Tunables.MAX));
        assertEquals(16_384L, node.values.get(Tunables.BUCKETS));
        assertEquals(120L, node.values.get(Tunables.TIME_WAIT));
        assertNull(node.stored);
    }

    @Test
    void aDryRunWritesNothingButPreviewsThePersistFiles() {
        FakeNode node = articleNode();
        MemoryConfigFiles files = new MemoryConfigFiles();
        Result result = tune(node, files).run(options(budget("1.2GiB"), true, true));
        assertTrue(result.changed());
        assertTrue(node.writeLog.isEmpty());
        assertNull(node.stored);
        assertTrue(files.files.isEmpty());
        assertTrue(result.files().stream().anyMatch(f -> f.content() != null && f.content().contains("nf_conntrack_max = 4194304")));
    }

    @Test
    void aFailedPersistFileUndoesTheKernelWritesAndTheNewSnapshot() {
        FakeNode node = articleNode();
        MemoryConfigFiles files = new MemoryConfigFiles();
        files.failOnWrite = PersistFiles.SYSCTL_FILE;
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> tune(node, files).run(options(budget("1.2GiB"), false, true)));
        assertTrue(e.getMessage().contains("rolled back too"), e.getMessage());
        assertEquals(12_262_144L, node.values.get(Tunables.MAX));
        assertEquals(16_384L, node.values.get(Tunables.BUCKETS));
        assertEquals(120L, node.values.get(Tunables.TIME_WAIT));
        assertNull(node.stored);
        assertFalse(e.partialResult().changed());
    }

    @Test
    void anExplicitMaxAboveTheBudgetIsRefusedWithoutForce() {
        FakeNode node = articleNode();
        PlanRequest huge = new PlanRequest(1L << 30, null, null, MemoryBudget.DEFAULT, 0.1);
        CtguardException e = assertThrows(CtguardException.class, () -> tune(node, new MemoryConfigFiles()).run(options(huge, false, false)));
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertTrue(node.writeLog.isEmpty());
    }
}
