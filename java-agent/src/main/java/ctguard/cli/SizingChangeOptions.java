package ctguard.cli;

import ctguard.core.ChangeRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What prepare and tune share: the targets, the budget override, partial application, dry run and lock. */
public final class SizingChangeOptions {
    @Mixin
    PlanOptions planOptions;

    @Option(names = "--force", description = "Allow a target whose memory crosses the budget: a raise of max, or buckets whose hash table alone exceeds it.")
    boolean force;

    @Option(names = "--allow-partial", description = "When some tunables are not writable here (non-initial network namespace, read-only /sys), apply the writable ones (timeouts) and warn, instead of failing with 77.")
    boolean allowPartial;

    @Mixin
    ChangeOptions change;

    ChangeRequest options() {
        return new ChangeRequest(planOptions.request(), force, change.dryRun, allowPartial, change.lockTimeout);
    }
}
