package ctguard.cli;

import ctguard.core.Restore;
import ctguard.core.Waiter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "restore", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"After an upgrade: put the snapshot's values back, then remove the snapshot. While the live count is above what the original max allows (with --margin), exit 75, or wait with --wait. Without a snapshot there is nothing to do (exit 0, changed: false).",
                "Refused (exit 65, nothing changed): a tunable someone else changed since prepare (drift; --force restores anyway), and a stale snapshot "
                        + "taken in another boot or under another kernel (--discard sets it aside)."})
final class RestoreCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "0s", converter = Converters.AnyDuration.class,
            description = "Wait up to this long for the table to drain (e.g. 10m). Default: ${DEFAULT-VALUE} (do not wait).")
    Duration wait;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "5s", converter = Converters.PositiveDuration.class,
            description = "How often to look at the count while waiting. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--margin", paramLabel = "PCT", defaultValue = "10%", converter = Converters.Margin.class,
            description = "Headroom the original max must keep above the live count. Default: ${DEFAULT-VALUE}.")
    double margin;

    @Option(names = "--force", description = "Restore even while the table holds more than the original max allows (new flows will be dropped), "
            + "and over tunables someone else changed since prepare (otherwise exit 65, naming each one's original, set and current value).")
    boolean force;

    @Option(names = "--discard", description = "Set the snapshot aside (renamed snapshot.discarded-TIME.json beside it) without touching the kernel: "
            + "for a stale snapshot of another boot or kernel, a corrupt one, or one you no longer want restored.")
    boolean discard;

    @Option(names = "--allow-partial", description = "Restore the writable tunables and warn about the others, instead of failing with 77.")
    boolean allowPartial;

    @Mixin
    ChangeOptions change;

    @Override
    public Integer call() {
        var options = new Restore.Options(force, wait, interval, margin, change.dryRun, allowPartial, change.lockTimeout, discard);
        Wiring wiring = new Wiring(common);
        var result = new Restore(wiring.kernel(), wiring.snapshots(), wiring.lock(), Waiter.SYSTEM).run(options);
        output.print(result, false);
        return 0;
    }
}
