package ctguard.core.guard;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.Option;
import ctguard.core.Units;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * Ends the node's guard at the end of the window and reports its run, before restore or persist
 * (docs/architecture.md, "ctguard guard"). A guard that already ended (its duration ran out, it failed) is
 * no error: its run is reported all the same.
 */
public final class GuardStop {
    /**
     * @param pid     the guard found running, or null
     * @param stopped whether this call ended it (false on a dry run, or when none ran)
     * @param events  the latest run's action log lines, oldest first
     */
    public record Outcome(Long pid, boolean stopped, List<String> events) {
    }

    private final GuardRuns runs;

    public GuardStop(GuardRuns runs) {
        this.runs = runs;
    }

    public Outcome run(Duration timeout, boolean dryRun) {
        OptionalLong pid = runs.running();
        if (pid.isEmpty()) {
            return new Outcome(null, false, runs.lastRun());
        }
        if (dryRun) {
            return new Outcome(pid.getAsLong(), false, runs.lastRun());
        }
        if (!runs.stop(pid.getAsLong(), timeout)) {
            throw new CtguardException(ExitCode.TEMP_FAIL, ("guard (pid %d) is still running %s after it was asked to stop; "
                    + "it ends between samples, after a raise in progress: retry, or wait longer with a larger " + Option.TIMEOUT)
                    .formatted(pid.getAsLong(), Units.formatDuration(timeout)));
        }
        return new Outcome(pid.getAsLong(), true, runs.lastRun());
    }
}
