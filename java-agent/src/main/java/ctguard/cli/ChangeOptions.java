package ctguard.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** Options of the commands that change the node. */
public final class ChangeOptions {
    @Option(names = "--dry-run", description = "Compute and show the changes ('changed' says whether there would be any); write nothing, not even the snapshot or the lock.")
    boolean dryRun;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.AnyDuration.class,
            description = "How long to wait for another run's lock before exiting 75. Default: ${DEFAULT-VALUE}.")
    Duration lockTimeout;
}
