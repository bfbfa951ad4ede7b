package ctguard.core.guard;

import ctguard.core.RehashStall;

import ctguard.core.CtguardException;
import ctguard.core.FakeNodes;
import ctguard.core.MemoryBudget;
import ctguard.core.Result;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard loop on in-memory ports: a rising table, the snapshot, the ceiling, a stop request. */
@org.junit.jupiter.api.Timeout(20)
class GuardTest {
    private static final GuardPolicy POLICY = new GuardPolicy(0.70, Duration.ofSeconds(30), Duration.ofSeconds(1), 8,
            Duration.ofMillis(50), new RehashStall(Duration.ofNanos(100), Duration.ZERO), Duration.ofSeconds(10));

    private static final class Log implements Guard.Events {
        final List<String> acted = new ArrayList<>();
        int samples;

        @Override
        public void started(GuardSample first) {
            // the front end's start line; these tests judge what guard decides
        }

        @Override
        public void sampled(GuardSample sample, GuardDecision decision) {
            samples++;
        }

        @Override
        public void acted(GuardDecision decision, Result result) {
            acted.add(decision.kind() + " " + decision.newMax());
        }

        @Override
        public void failed(GuardDecision decision, CtguardException error) {
            acted.add("FAILED " + error.getMessage());
        }
    }

    private static Guard.Options options(MemoryBudget budget, Duration duration) {
        return new Guard.Options(POLICY, budget, duration, Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    @Test
    void aRisingTableIsRaisedStepByStepUnderOneSnapshotAndTimeWaitIsLeftAlone() {
        FakeNodes.Node node = FakeNodes.node(1000, 2048);
        for (long c = 1000; c <= 20_000; c += 200) {
            node.countAfterSleep(c);
        }
        Log log = new Log();
        Guard.Summary summary = new Guard(node.kernel(), node.prepare(), node.clock()).run(options(MemoryBudget.parse("1GiB"), Duration.ofSeconds(9)), log, () -> false);
        assertTrue(log.acted.size() >= 3, log.acted.toString());
        assertTrue(log.acted.stream().allMatch(a -> a.startsWith("RAISE")), log.acted.toString());
        assertEquals(summary.lastMax(), node.max());
        assertTrue(node.max() >= 16_384, "max followed the load: " + node.max());
        assertEquals(1000, node.snapshotMax(), "one snapshot, of the originals, whatever guard raised");
        assertEquals(120, node.timeWait(), "TIME_WAIT untouched");
        assertEquals(90, summary.samples());
        assertFalse(summary.stopped());
    }

    @Test
    void atTheCeilingGuardSaysSoOnceAndKeepsWatching() {
        FakeNodes.Node node = FakeNodes.node(1024, 2048);
        for (int i = 0; i < 50; i++) {
            node.countAfterSleep(900);
        }
        Log log = new Log();
        // a budget that leaves max where it is: 1024 entries of 256 B and 2048 buckets are all it allows
        Guard.Summary summary = new Guard(node.kernel(), node.prepare(), node.clock()).run(options(MemoryBudget.parse("300KiB"), Duration.ofSeconds(3)), log, () -> false);
        assertEquals(List.of("AT_CEILING 0"), log.acted);
        assertTrue(summary.atCeiling());
        assertEquals(1024, node.max());
        assertEquals(-1, node.snapshotMax(), "nothing raised, no snapshot taken");
        assertEquals(30, log.samples, "it keeps watching");
    }

    @Test
    void aStopRequestEndsTheRunBetweenSamples() {
        FakeNodes.Node node = FakeNodes.node(1000, 2048);
        Log log = new Log();
        int[] polls = {0};
        Guard.Summary summary = new Guard(node.kernel(), node.prepare(), node.clock()).run(options(MemoryBudget.parse("1GiB"), Duration.ofHours(2)), log,
                () -> ++polls[0] > 5);
        assertTrue(summary.stopped());
        assertTrue(summary.samples() >= 1 && summary.samples() <= 3, "stopped after " + summary.samples());
    }

    /** Found by bench/guard.sh: a run stopped right after a raise reported the max of its last sample, from before the raise. */
    @Test
    void theEndReportsTheMaxAsGuardLeftItWhenTheLastThingItDidWasARaise() {
        FakeNodes.Node node = FakeNodes.node(1000, 2048);
        node.countAfterSleep(900);
        Log log = new Log();
        Guard.Summary summary = new Guard(node.kernel(), node.prepare(), node.clock()).run(options(MemoryBudget.parse("1GiB"), Duration.ofHours(2)), log,
                () -> !log.acted.isEmpty());
        assertEquals(List.of("RAISE 2000"), log.acted);
        assertEquals(2000, node.max());
        assertEquals(2000, summary.lastMax());
    }

    /** Found on the real kernel: time passing between the clock's test and the sleep made a negative sleep. */
    @Test
    void aClockThatMovesOnItsOwnNeverGetsANegativeSleep() {
        FakeNodes.Node node = FakeNodes.node(1000, 2048);
        ctguard.core.Waiter drifting = new ctguard.core.Waiter() {
            java.time.Instant now = java.time.Instant.parse("2026-12-02T10:00:00Z");

            @Override
            public java.time.Instant now() {
                now = now.plusMillis(37);   // every look at the clock costs time, as on a busy node
                return now;
            }

            @Override
            public void sleep(Duration duration) {
                if (duration.isNegative() || duration.isZero()) {
                    throw new IllegalArgumentException("timeout value is negative");
                }
                now = now.plus(duration);
            }
        };
        Guard.Summary summary = new Guard(node.kernel(), node.prepare(), drifting).run(options(MemoryBudget.parse("1GiB"), Duration.ofSeconds(5)),
                new Log(), () -> false);
        assertTrue(summary.samples() > 10, "ran to its end: " + summary.samples());
    }
}
