package ctguard.cli;

import ctguard.core.Prepare;
import ctguard.core.Waiter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "prepare", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Before an upgrade: snapshot the original values (once; an existing snapshot is never replaced), then raise buckets and max within the memory budget and lower the TIME_WAIT timeout. Only ever raises limits and lowers timeouts; all writes succeed or all are rolled back. A second run changes nothing.")
final class PrepareCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Mixin
    SizingChangeOptions sizing;

    @Override
    public Integer call() {
        Wiring wiring = new Wiring(common);
        var result = new Prepare(wiring.kernel(), wiring.snapshots(), wiring.lock(), Waiter.SYSTEM).run(sizing.options());
        output.print(result, false);
        return 0;
    }
}
