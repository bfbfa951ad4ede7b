package ctguard.cli;

import ctguard.core.CtguardException;
import ctguard.core.EntrySize;
import ctguard.core.NodeState;
import ctguard.core.Plan;
import ctguard.core.PlanRequest;
import ctguard.core.Planner;
import ctguard.core.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "plan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show both sizings with their memory cost and why each value was chosen: what prepare would set before an upgrade "
                + "(raise only), and the balanced sizing tune would set (max at the budget ceiling, which may be lower than today's). "
                + "Changes nothing.",
                "With --ram (and --entry-bytes) it plans for another node and does not read this one."})
final class PlanCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Mixin
    PlanOptions planOptions;

    @Option(names = "--ram", paramLabel = "SIZE", converter = Converters.Size.class, description = "Plan for a node with this much RAM (e.g. 64GiB) instead of this one.")
    Long ram;

    @Option(names = "--entry-bytes", paramLabel = "N", converter = Converters.EntryBytes.class,
            description = "Bytes per conntrack entry for --ram (256 on 6.x kernels, ~300 older, +128 with accounting/timestamps). Default: 320.")
    Long entryBytes;

    @Override
    public Integer call() {
        PlanRequest request = planOptions.request();
        Result.Builder result;
        if (ram != null) {
            long ramBytes = ram;
            long entry = entryBytes == null ? EntrySize.UNKNOWN_BYTES : entryBytes;
            result = Result.withoutNode("plan");
            result.plan = Planner.forNode(Plan.PREPARE, ramBytes, entry, request);
            result.tunePlan = Planner.forNode(Plan.TUNE, ramBytes, entry, request);
            if (entryBytes == null) {
                result.warnings.add("entry size unknown: assumed " + EntrySize.UNKNOWN_BYTES + " B; give --entry-bytes for the target kernel");
            }
        } else {
            if (entryBytes != null) {
                throw CtguardException.usage("--entry-bytes only applies with --ram (this node's entry size is read from the kernel)");
            }
            NodeState node = new Wiring(common).kernel().read();
            result = Result.builder("plan", node, request.budget());
            result.plan = Planner.prepare(node, request);
            result.tunePlan = Planner.tune(node, request);
        }
        for (Plan plan : new Plan[] {result.plan, result.tunePlan}) {
            if (plan.overBudget()) {
                result.warnings.add("the %s plan exceeds the memory budget: %s would refuse it without --force".formatted(plan.kind(), plan.kind()));
            }
        }
        output.print(result.build(), false);
        return 0;
    }
}
