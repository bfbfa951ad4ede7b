package ctguard.cli;

import ctguard.core.Persist;
import ctguard.core.PersistFiles;
import ctguard.core.Waiter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "persist", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Keep the live values across reboots: writes " + PersistFiles.SYSCTL_FILE + ", " + PersistFiles.MODULES_FILE + " (nf_conntrack loads before systemd-sysctl) and, where the kernel takes buckets only at module load, " + PersistFiles.MODPROBE_FILE + ". Warns about later sysctl files that would override ours. Retires the snapshot (archived in the state dir) so restore leaves these values alone.")
final class PersistCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Option(names = "--remove", description = "Remove the files persist wrote (the live values are not touched).")
    boolean remove;

    @Mixin
    ChangeOptions change;

    @Override
    public Integer call() {
        Wiring wiring = new Wiring(common);
        var result = new Persist(wiring.kernel(), wiring.snapshots(), wiring.lock(), wiring.configFiles(), Waiter.SYSTEM)
                .run(new Persist.Options(remove, change.dryRun, change.lockTimeout));
        output.print(result, false);
        return 0;
    }
}
