package ctguard.cli;

import ctguard.core.PlanRequest;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Target overrides shared by plan and prepare. */
public final class PlanOptions {
    @Mixin
    BudgetOption budget;

    @Option(names = "--max", paramLabel = "N", converter = Converters.MaxTarget.class, description = "Target nf_conntrack_max (1..2147483647). Default: the largest power of two within the budget.")
    Long max;

    @Option(names = "--buckets", paramLabel = "N", converter = Converters.BucketsTarget.class, description = "Target buckets (1024..2147483647, rounded up to a multiple of 512). Default: max/4.")
    Long buckets;

    @Option(names = "--time-wait", paramLabel = "SECONDS", converter = Converters.TimeWaitTarget.class, description = "Target TCP TIME_WAIT timeout (1..432000). Default: 60.")
    Long timeWait;

    @Option(names = "--margin", paramLabel = "PCT", defaultValue = "10%", converter = Converters.Margin.class,
            description = "Headroom max must keep above the live count. Default: ${DEFAULT-VALUE}.")
    double margin;

    PlanRequest request() {
        return new PlanRequest(max, buckets, timeWait, budget.memoryBudget, margin);
    }
}
