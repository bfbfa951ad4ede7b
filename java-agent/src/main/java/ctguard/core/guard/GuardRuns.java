package ctguard.core.guard;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * The node's one guard (docs/architecture.md, "ctguard guard"): two guards would both raise on the same
 * samples, so a guard claims the node for as long as it runs; 'guard stop' finds it, asks it to end and reads
 * what its run logged.
 */
public interface GuardRuns {
    /** Claims the node for this process's guard; throws TEMP_FAIL (75) naming the pid of the guard that holds it. */
    Claim claim();

    /** The pid of the guard that runs on this node now, if one does. */
    OptionalLong running();

    /** Asks that guard to end (SIGTERM: it stops between samples) and waits; false when it is still running after the timeout. */
    boolean stop(long pid, Duration timeout);

    /** The latest run's events from the action log, oldest first: its start line and everything after it (bounded). */
    List<String> lastRun();

    interface Claim extends AutoCloseable {
        @Override
        void close();
    }
}
