package ctguard.cli;

import ctguard.core.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "ctguard",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        description = 
                "Keeps a node's nf_conntrack table from filling up during upgrades: checks headroom, snapshots the original settings, raises limits within a memory budget, then restores or persists them.",
        footerHeading = "%nExit codes:%n",
        footer = {
                "  check: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios).",
                "  errors: 64 usage, 65 bad data (corrupt or stale snapshot, drift, value over budget), 69 nf_conntrack not loaded,",
                "          70 internal error, 73 cannot write, 75 try again later (lock busy, table not drained),",
                "          77 permission (not root, read-only /proc/sys or /sys, non-initial network namespace).",
                "Run 'ctguard COMMAND --help' for a command's options."})
public final class CtguardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("ctguard: a command is required");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code();
    }
}
