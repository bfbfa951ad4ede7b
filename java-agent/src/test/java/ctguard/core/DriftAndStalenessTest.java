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

/** Restore refuses what it did not set (drift) and snapshots of another boot (stale); the rest of rule 7b. */
class DriftAndStalenessTest {
    private static final ChangeRequest PREPARE = new ChangeRequest(PlanRequest.defaults(), false, false, false, Duration.ofSeconds(1));

    private static Restore.Options restore(boolean force, boolean discard) {
        return new Restore.Options(force, Duration.ZERO, Duration.ofSeconds(1), 0.1, false, false, Duration.ofSeconds(1), discard);
    }

    @Test
    void aValueChangedByHandSincePrepareIsRefusedNamingItsThreeValues() {
        FakeNode node = new FakeNode();
        node.prepare().run(PREPARE);
        node.values.put(Tunables.MAX, 8_388_608L);
        node.writeLog.clear();
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> node.restore().run(restore(false, false)));
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertTrue(e.getMessage().contains("nf_conntrack_max: original 262144, set by ctguard 4194304, now 8388608"), e.getMessage());
        assertTrue(node.writeLog.isEmpty(), "nothing changed");
        assertNotNull(node.stored);
        assertEquals(1, e.partialResult().drift().size());

        Result forced = node.restore().run(restore(true, false));
        assertEquals(262144L, node.values.get(Tunables.MAX));
        assertTrue(forced.warnings().stream().anyMatch(w -> w.contains("forced over values changed by someone else")), forced.warnings().toString());
        assertNull(node.stored);
    }

    @Test
    void valuesOfALaterPrepareOrTuneAreOursNotDrift() {
        FakeNode node = new FakeNode();
        node.prepare().run(PREPARE);
        node.prepare().run(new ChangeRequest(new PlanRequest(8_388_608L, null, 30L, MemoryBudget.DEFAULT, 0.1), true, false, false, Duration.ofSeconds(1)));
        assertEquals(List.of(4194304L, 8388608L), node.stored.written().get(Tunables.MAX));
        assertEquals(262144L, node.stored.values().get(Tunables.MAX), "the originals never change");
        node.restore().run(restore(false, false));
        assertEquals(262144L, node.values.get(Tunables.MAX));
        assertEquals(120L, node.values.get(Tunables.TIME_WAIT));
    }

    @Test
    void aValueLeftAtItsOriginalIsNoDriftEvenIfPrepareHadMeantToChangeIt() {
        // prepare recorded its targets, then died before writing TIME_WAIT: now equals the original, nothing to refuse
        FakeNode node = new FakeNode();
        node.prepare().run(PREPARE);
        node.values.put(Tunables.TIME_WAIT, 120L);
        node.restore().run(restore(false, false));
        assertEquals(262144L, node.values.get(Tunables.MAX));
    }

    @Test
    void aSnapshotOfAnotherBootIsRefusedByRestoreAndPrepareAndCanBeDiscarded() {
        FakeNode node = new FakeNode();
        node.prepare().run(PREPARE);
        node.bootId = "d1ff0000-0000-4000-8000-00000000b007";
        node.writeLog.clear();
        for (Runnable run : List.<Runnable>of(() -> node.restore().run(restore(true, false)), () -> node.prepare().run(PREPARE))) {
            CtguardException e = assertThrows(CtguardException.class, run::run);
            assertEquals(ExitCode.DATA_ERROR, e.exitCode());
            assertTrue(e.getMessage().contains("stale") && e.getMessage().contains("another boot")
                    && e.getMessage().contains("restore with {discard}"), e.getMessage());
        }
        assertTrue(node.writeLog.isEmpty());
        Result discarded = node.restore().run(restore(false, true));
        assertTrue(discarded.changed());
        assertNull(node.stored);
        assertTrue(node.writeLog.isEmpty(), "discard never touches the kernel");
        assertTrue(discarded.warnings().get(discarded.warnings().size() - 1).contains("set aside as /state/snapshot.discarded-"), discarded.warnings().toString());
    }

    @Test
    void aSnapshotOfAnotherKernelReleaseIsStale() {
        FakeNode node = new FakeNode();
        node.prepare().run(PREPARE);
        node.stored = new Snapshot(node.stored.path(), node.stored.takenAt(), node.stored.host(), "5.15.0", null, node.stored.values(), node.stored.written());
        assertTrue(assertThrows(CtguardException.class, () -> node.restore().run(restore(false, false))).getMessage().contains("under kernel 5.15.0"));
    }

    @Test
    void anOldSnapshotIsUsedWithAWarning() {
        FakeNode node = new FakeNode();
        node.prepare().run(PREPARE);
        node.now = node.now.plus(Duration.ofDays(9));
        Result r = node.restore().run(restore(false, false));
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("taken 9 days ago")), r.warnings().toString());
    }

    @Test
    void aRestoreThatChangedTheKernelButCouldNotRemoveTheSnapshotSaysSo() {
        FakeNode node = new FakeNode();
        node.prepare().run(PREPARE);
        node.deleteFails = true;
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> node.restore().run(restore(false, false)));
        assertEquals(ExitCode.CANT_CREATE, e.exitCode());
        assertTrue(e.getMessage().contains("the originals are back"), e.getMessage());
        assertTrue(e.partialResult().changed());
        assertEquals(262144, e.partialResult().tunables().get(Tunables.MAX).after());
        assertEquals(262144L, node.values.get(Tunables.MAX));
    }

    @Test
    void restoreForcedBelowTheLiveCountWarns() {
        FakeNode node = new FakeNode();
        node.prepare().run(PREPARE);
        node.count = 250_000;
        Result r = node.restore().run(restore(true, false));
        assertTrue(r.warnings().stream().anyMatch(w -> w.startsWith("forced: the table holds 250000 entries")), r.warnings().toString());
        assertFalse(node.values.get(Tunables.MAX) > 262144L);
    }
}
