package ctguard.cli;

import ctguard.core.CheckPolicy;
import ctguard.core.CtguardException;
import ctguard.core.Status;
import ctguard.core.Units;
import picocli.CommandLine.Option;

import java.util.Locale;

/** The verdict's thresholds, shared by check and fleet. */
public final class CheckOptions {
    @Option(names = "--warn-fill", paramLabel = "PCT", defaultValue = "75%", description = "WARNING at this fill. Default: ${DEFAULT-VALUE}.")
    String warnFill;

    @Option(names = "--crit-fill", paramLabel = "PCT", defaultValue = "90%", description = "CRITICAL at this fill. Default: ${DEFAULT-VALUE}.")
    String critFill;

    @Option(names = "--max-chain", paramLabel = "N", defaultValue = "8",
            description = "WARNING when the average entries per bucket exceed N, now or at a full table. Default: ${DEFAULT-VALUE}.")
    String maxChain;

    @Option(names = "--on-drops", paramLabel = "STATUS", defaultValue = "warning",
            description = "Status when drop, early_drop or insert_failed counters are above zero: ok, warning or critical. Default: ${DEFAULT-VALUE}.")
    String onDrops;

    CheckPolicy policy() {
        return new CheckPolicy(Units.parseRatio("--warn-fill", warnFill), Units.parseRatio("--crit-fill", critFill),
                positive("--max-chain", maxChain), dropStatus());
    }

    private Status dropStatus() {
        return switch (onDrops.toLowerCase(Locale.ROOT)) {
            case "ok" -> Status.OK;
            case "warning" -> Status.WARNING;
            case "critical" -> Status.CRITICAL;
            default -> throw CtguardException.usage("--on-drops: '" + onDrops + "' must be ok, warning or critical");
        };
    }

    private static double positive(String option, String text) {
        try {
            double v = Double.parseDouble(text);
            if (v > 0 && v < 1e9) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the bound
        }
        throw CtguardException.usage(option + ": '" + text + "' must be a number above 0");
    }
}
