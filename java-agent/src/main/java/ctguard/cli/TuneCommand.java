package ctguard.cli;

import ctguard.core.Tune;
import ctguard.core.Waiter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "tune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Apply the balanced sizing: max at the budget ceiling (the largest power of two whose full table fits --memory-budget; "
                + "it may be LOWER than today's, never below the fullest namespace's live count plus --margin), buckets a quarter of max "
                + "(never fewer than now), TIME_WAIT 60 s (never longer than now). For a node whose max is out of balance with its RAM "
                + "or its buckets; 'ctguard plan' shows the values first.",
                "Same safety as prepare: the lock, the snapshot of the originals before the first write (so 'ctguard restore' puts them "
                        + "back), all writes or none. With --persist the values are also written to the persist files in the same run "
                        + "(a failure there undoes the kernel writes), and the snapshot is retired as persist does."})
final class TuneCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Mixin
    SizingChangeOptions sizing;

    @Option(names = "--persist", description = "Also write the persist files (as 'ctguard persist' does) in the same run, all or nothing.")
    boolean persist;

    @Override
    public Integer call() {
        var options = new Tune.Options(sizing.options(), persist);
        Wiring wiring = new Wiring(common);
        var result = new Tune(wiring.kernel(), wiring.snapshots(), wiring.lock(), wiring.configFiles(), Waiter.SYSTEM).run(options);
        output.print(result, false);
        return 0;
    }
}
