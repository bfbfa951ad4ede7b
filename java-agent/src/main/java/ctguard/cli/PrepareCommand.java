package ctguard.cli;

import ctguard.core.Prepare;
import ctguard.core.Waiter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Before an upgrade: snapshot the original values (once; an existing snapshot is never replaced), then raise buckets and max within the memory budget and lower the TIME_WAIT timeout. Only ever raises limits and lowers timeouts; all writes succeed or all are rolled back. A second run changes nothing.")
final class PrepareCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Mixin
    PlanOptions planOptions;

    @Option(names = "--force", description = "Allow a raise beyond the memory budget.")
    boolean force;

    @Option(names = "--allow-partial", description = "When some tunables are not writable here (non-initial network namespace, read-only /sys), apply the writable ones (timeouts) and warn, instead of failing with 77.")
    boolean allowPartial;

    @Mixin
    ChangeOptions change;

    @Override
    public Integer call() {
        var options = new Prepare.Options(planOptions.request(), force, change.dryRun, allowPartial, change.lockTimeout());
        Wiring wiring = new Wiring(common);
        var result = new Prepare(wiring.kernel(), wiring.snapshots(), wiring.lock(), Waiter.SYSTEM).run(options);
        output.print(result, false);
        return 0;
    }
}
