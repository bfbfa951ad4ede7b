package ctguard.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** The window check and fleet search the kernel log over, and judge counter rises over. */
public final class LogWindowOption {
    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "1h", converter = Converters.PositiveDuration.class,
            description = "How far back to search the kernel log for table-full messages, and the window over which counter rises are judged. Default: ${DEFAULT-VALUE}.")
    Duration since;
}
