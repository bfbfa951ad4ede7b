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

class RestoreTest {
    private static Restore.Options options(boolean force, Duration wait, boolean dryRun) {
        return new Restore.Options(force, wait, Duration.ofSeconds(5), 0.10, dryRun, false, Duration.ofSeconds(1));
    }

    private static FakeNode prepared() {
        FakeNode node = new FakeNode();
        node.prepare().run(new ChangeRequest(PlanRequest.defaults(), false, false, false, Duration.ofSeconds(1)));
        node.writeLog.clear();
        return node;
    }

    @Test
    void putsEveryOriginalBackInReverseOrderAndDropsTheSnapshot() {
        FakeNode node = prepared();
        Result r = node.restore().run(options(false, Duration.ZERO, false));
        assertEquals(List.of("nf_conntrack_tcp_timeout_time_wait=120", "nf_conntrack_max=262144", "nf_conntrack_buckets=65536"), node.writeLog);
        assertTrue(r.changed());
        assertNull(node.stored);
        assertEquals(262144L, node.values.get(Tunables.MAX));
    }

    @Test
    void withoutASnapshotThereIsNothingToDo() {
        FakeNode node = new FakeNode();
        Result r = node.restore().run(options(false, Duration.ZERO, false));
        assertFalse(r.changed());
        assertTrue(r.warnings().get(0).contains("nothing to restore"));
        assertTrue(node.writeLog.isEmpty());
    }

    @Test
    void refusesWhileTheTableHoldsMoreThanTheOriginalAllows() {
        FakeNode node = prepared();
        node.count = 240_000;
        CtguardException e = assertThrows(CtguardException.class, () -> node.restore().run(options(false, Duration.ZERO, false)));
        assertEquals(ExitCode.TEMP_FAIL, e.exitCode());
        assertTrue(e.getMessage().contains("allows at most 238312"), e.getMessage());
        assertTrue(node.writeLog.isEmpty());
        assertNotNull(node.stored);
    }

    @Test
    void waitsForTheTableToDrain() {
        FakeNode node = prepared();
        node.count = 300_000;
        node.countAfterSleep.addAll(List.of(280_000L, 250_000L, 200_000L));
        Result r = node.restore().run(options(false, Duration.ofMinutes(10), false));
        assertTrue(r.changed());
        assertEquals(262144L, node.values.get(Tunables.MAX));
        assertEquals(200_000, r.usage().count());
    }

    @Test
    void givesUpAfterTheWaitWithoutChanging() {
        FakeNode node = prepared();
        node.count = 300_000;
        CtguardException e = assertThrows(CtguardException.class, () -> node.restore().run(options(false, Duration.ofSeconds(30), false)));
        assertEquals(ExitCode.TEMP_FAIL, e.exitCode());
        assertTrue(e.getMessage().startsWith("after waiting 30s"), e.getMessage());
        assertTrue(node.writeLog.isEmpty());
    }

    @Test
    void forceRestoresAtOnce() {
        FakeNode node = prepared();
        node.count = 300_000;
        node.restore().run(options(true, Duration.ZERO, false));
        assertEquals(262144L, node.values.get(Tunables.MAX));
    }

    @Test
    void dryRunChangesNothing() {
        FakeNode node = prepared();
        Result r = node.restore().run(options(false, Duration.ZERO, true));
        assertTrue(r.changed());
        assertTrue(node.writeLog.isEmpty());
        assertNotNull(node.stored);
        assertEquals(262144, r.tunables().get(Tunables.MAX).after());
    }

    @Test
    void aFailedWriteRollsBackAndKeepsTheSnapshot() {
        FakeNode node = prepared();
        node.failOnWrite = Tunables.BUCKETS;
        ActionFailedException e = assertThrows(ActionFailedException.class, () -> node.restore().run(options(false, Duration.ZERO, false)));
        assertEquals(4194304L, node.values.get(Tunables.MAX));
        assertEquals(60L, node.values.get(Tunables.TIME_WAIT));
        assertNotNull(node.stored);
        assertEquals(List.of(Tunables.MAX, Tunables.TIME_WAIT), e.partialResult().rollback().undone());
    }
}
