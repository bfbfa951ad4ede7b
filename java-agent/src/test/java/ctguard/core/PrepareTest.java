package ctguard.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrepareTest {
    private static ChangeRequest options(PlanRequest request, boolean dryRun, boolean allowPartial, boolean force) {
        return new ChangeRequest(request, force, dryRun, allowPartial, Duration.ofSeconds(1));
    }

    private static ChangeRequest defaults() {
        return options(PlanRequest.defaults(), false, false, false);
    }

    @Test
    void snapshotsThenWritesBucketsMaxTimeWaitInOrder() {
        FakeNode node = new FakeNode();
        Result result = node.prepare().run(defaults());
        assertEquals(List.of("nf_conntrack_buckets=1048576", "nf_conntrack_max=4194304", "nf_conntrack_tcp_timeout_time_wait=60"), node.writeLog);
        assertTrue(result.changed());
        assertEquals(262144L, node.stored.values().get(Tunables.MAX));
        assertEquals(65536L, node.stored.values().get(Tunables.BUCKETS));
        assertEquals(120L, node.stored.values().get(Tunables.TIME_WAIT));
        assertEquals(4194304, result.tunables().get(Tunables.MAX).after());
        assertEquals(262144, result.tunables().get(Tunables.MAX).before());
        assertFalse(node.lockHeld, "lock released");
    }

    @Test
    void aSecondRunChangesNothingAndKeepsTheOriginalSnapshot() {
        FakeNode node = new FakeNode();
        node.prepare().run(defaults());
        Snapshot first = node.stored;
        node.writeLog.clear();
        Result second = node.prepare().run(defaults());
        assertFalse(second.changed());
        assertTrue(node.writeLog.isEmpty());
        assertEquals(first, node.stored);
        assertEquals(262144L, second.snapshot().values().get(Tunables.MAX));
    }

    @Test
    void aLaterPrepareWithHigherTargetsKeepsTheFirstOriginals() {
        FakeNode node = new FakeNode();
        node.prepare().run(defaults());
        Result again = node.prepare().run(options(new PlanRequest(8_388_608L, null, 30L, MemoryBudget.DEFAULT, 0.1), false, false, true));
        assertTrue(again.changed());
        assertEquals(262144L, node.stored.values().get(Tunables.MAX));
        assertEquals(120L, node.stored.values().get(Tunables.TIME_WAIT));
    }

    @Test
    void dryRunWritesNothingNotEvenTheSnapshotButReportsTheChange() {
        FakeNode node = new FakeNode();
        node.lockBusy = true;
        Result result = node.prepare().run(options(PlanRequest.defaults(), true, false, false));
        assertTrue(result.dryRun());
        assertTrue(result.changed());
        assertTrue(node.writeLog.isEmpty());
        assertNull(node.stored);
        assertNotNull(result.snapshot());
        assertEquals(4194304, result.tunables().get(Tunables.MAX).after());
    }

    @Test
    void aFailedWriteRollsBackEarlierWritesAndRemovesTheNewSnapshot() {
        FakeNode node = new FakeNode();
        node.failOnWrite = Tunables.TIME_WAIT;
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> node.prepare().run(defaults()));
        assertEquals(ExitCode.NO_PERMISSION, e.exitCode());
        assertEquals(262144L, node.values.get(Tunables.MAX));
        assertEquals(65536L, node.values.get(Tunables.BUCKETS));
        assertNull(node.stored, "snapshot of this run removed once the originals are back");
        assertTrue(e.getMessage().contains("rolled back nf_conntrack_max, nf_conntrack_buckets"), e.getMessage());
        Result partial = e.partialResult();
        assertEquals(List.of(Tunables.MAX, Tunables.BUCKETS), partial.rollback().undone());
        assertFalse(partial.changed());
        assertEquals(262144, partial.tunables().get(Tunables.MAX).after());
    }

    @Test
    void unwritableLimitsFailBeforeAnyWriteUnlessPartialIsAllowed() {
        FakeNode node = new FakeNode();
        node.readOnly.add(Tunables.MAX);
        node.readOnly.add(Tunables.BUCKETS);
        CtguardException e = assertThrows(CtguardException.class, () -> node.prepare().run(defaults()));
        assertEquals(ExitCode.NO_PERMISSION, e.exitCode());
        assertTrue(e.getMessage().contains("initial network namespace"), e.getMessage());
        assertTrue(node.writeLog.isEmpty());
        assertNull(node.stored);

        Result partial = node.prepare().run(options(PlanRequest.defaults(), false, true, false));
        assertEquals(List.of("nf_conntrack_tcp_timeout_time_wait=60"), node.writeLog);
        assertTrue(partial.warnings().stream().anyMatch(w -> w.startsWith("skipped nf_conntrack_max")));
        assertNotNull(node.stored);
    }

    @Test
    void overBudgetIsRefusedWithoutForce() {
        FakeNode node = new FakeNode();
        PlanRequest huge = new PlanRequest(1L << 30, null, null, MemoryBudget.DEFAULT, 0.1);
        CtguardException e = assertThrows(CtguardException.class, () -> node.prepare().run(options(huge, false, false, false)));
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertTrue(e.getMessage().contains("pass {force}"), e.getMessage());
        assertTrue(node.writeLog.isEmpty());
        node.prepare().run(options(huge, false, false, true));
        assertEquals(1L << 30, node.values.get(Tunables.MAX));
    }

    @Test
    void aCorruptSnapshotStopsBeforeAnyChange() {
        FakeNode node = new FakeNode();
        node.corruptSnapshot = true;
        CtguardException e = assertThrows(CtguardException.class, () -> node.prepare().run(defaults()));
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertTrue(node.writeLog.isEmpty());
    }

    @Test
    void aBusyLockIsTempFail() {
        FakeNode node = new FakeNode();
        node.lockBusy = true;
        assertEquals(ExitCode.TEMP_FAIL, assertThrows(CtguardException.class, () -> node.prepare().run(defaults())).exitCode());
        assertTrue(node.writeLog.isEmpty());
    }

    @Test
    void nothingToChangeTakesNoSnapshot() {
        FakeNode node = new FakeNode();
        node.values.put(Tunables.MAX, 4194304L);
        node.values.put(Tunables.BUCKETS, 1048576L);
        node.values.put(Tunables.TIME_WAIT, 60L);
        Result r = node.prepare().run(defaults());
        assertFalse(r.changed());
        assertNull(node.stored);
    }
}
