package ctguard.cli;

import ctguard.core.CheckPolicy;
import ctguard.core.Status;
import picocli.CommandLine.Option;

/** The verdict's thresholds, shared by check and fleet. */
public final class CheckOptions {
    // -w/--warning and -c/--critical: the names monitoring users type (Nagios plugin guidelines)
    @Option(names = {"-w", "--warning", "--warn-fill"}, paramLabel = "PCT", defaultValue = "75%", converter = Converters.Ratio.class,
            description = "WARNING at this fill. Default: ${DEFAULT-VALUE}.")
    double warnFill;

    @Option(names = {"-c", "--critical", "--crit-fill"}, paramLabel = "PCT", defaultValue = "90%", converter = Converters.Ratio.class,
            description = "CRITICAL at this fill. Default: ${DEFAULT-VALUE}.")
    double critFill;

    @Option(names = "--max-chain", paramLabel = "N", defaultValue = "8", converter = Converters.ChainLength.class,
            description = "WARNING when the average entries per bucket exceed N, now or at a full table. Default: ${DEFAULT-VALUE}.")
    double maxChain;

    @Option(names = "--on-drops", paramLabel = "STATUS", defaultValue = "warning", converter = Converters.DropStatus.class,
            description = "Status when drop, early_drop or insert_failed counters are above zero: ok, warning or critical. Default: ${DEFAULT-VALUE}.")
    Status onDrops;

    CheckPolicy policy() {
        return new CheckPolicy(warnFill, critFill, maxChain, onDrops);
    }
}
