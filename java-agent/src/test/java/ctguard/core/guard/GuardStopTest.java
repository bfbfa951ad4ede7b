package ctguard.core.guard;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ending the window's guard: found or not, asked to stop or only looked at, and a guard that does not end. */
class GuardStopTest {
    private static final List<String> RUN = List.of("{\"event\":\"start\"}", "{\"event\":\"raise\"}", "{\"event\":\"end\"}");

    private static final class Runs implements GuardRuns {
        Long pid;
        boolean ends = true;
        final List<String> signalled = new ArrayList<>();

        @Override
        public Claim claim() {
            throw new AssertionError("stop never claims");
        }

        @Override
        public OptionalLong running() {
            return pid == null ? OptionalLong.empty() : OptionalLong.of(pid);
        }

        @Override
        public boolean stop(long p, Duration timeout) {
            signalled.add(p + " " + timeout.toSeconds());
            return ends;
        }

        @Override
        public List<String> lastRun() {
            return RUN;
        }
    }

    @Test
    void aRunningGuardIsStoppedAndItsRunReported() {
        Runs runs = new Runs();
        runs.pid = 4242L;
        GuardStop.Outcome outcome = new GuardStop(runs).run(Duration.ofSeconds(60), false);
        assertEquals(List.of("4242 60"), runs.signalled);
        assertTrue(outcome.stopped());
        assertEquals(4242L, outcome.pid());
        assertEquals(RUN, outcome.events());
    }

    @Test
    void aGuardThatAlreadyEndedIsNoErrorAndItsLastRunIsReported() {
        Runs runs = new Runs();
        GuardStop.Outcome outcome = new GuardStop(runs).run(Duration.ofSeconds(60), false);
        assertTrue(runs.signalled.isEmpty());
        assertFalse(outcome.stopped());
        assertNull(outcome.pid());
        assertEquals(RUN, outcome.events());
    }

    @Test
    void aDryRunSignalsNothing() {
        Runs runs = new Runs();
        runs.pid = 4242L;
        GuardStop.Outcome outcome = new GuardStop(runs).run(Duration.ofSeconds(60), true);
        assertTrue(runs.signalled.isEmpty());
        assertFalse(outcome.stopped());
        assertEquals(4242L, outcome.pid());
    }

    @Test
    void aGuardStillRunningAfterTheTimeoutIsTempFailNamingTheTimeoutOption() {
        Runs runs = new Runs();
        runs.pid = 4242L;
        runs.ends = false;
        CtguardException e = assertThrows(CtguardException.class, () -> new GuardStop(runs).run(Duration.ofSeconds(5), false));
        assertEquals(ExitCode.TEMP_FAIL, e.exitCode());
        assertTrue(e.getMessage().contains("pid 4242") && e.getMessage().contains("5s") && e.getMessage().contains("{timeout}"), e.getMessage());
    }
}
