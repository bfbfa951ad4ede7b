package ctguard.cli;

import ctguard.core.PlanRequest;
import ctguard.core.Units;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Target overrides shared by plan and prepare. */
public final class PlanOptions {
    @Mixin
    BudgetOption budget;

    @Option(names = "--max", paramLabel = "N", description = "Target nf_conntrack_max (1..2147483647). Default: the largest power of two within the budget.")
    String max;

    @Option(names = "--buckets", paramLabel = "N", description = "Target buckets (1024..2147483647, rounded up to a multiple of 512). Default: max/4.")
    String buckets;

    @Option(names = "--time-wait", paramLabel = "SECONDS", description = "Target TCP TIME_WAIT timeout (1..432000). Default: 60.")
    String timeWait;

    @Option(names = "--margin", paramLabel = "PCT", defaultValue = "10%",
            description = "Headroom max must keep above the live count. Default: ${DEFAULT-VALUE}.")
    String margin;

    PlanRequest request() {
        return new PlanRequest(integer("--max", max), integer("--buckets", buckets), integer("--time-wait", timeWait),
                budget.budget(), margin(margin));
    }

    static double margin(String text) {
        String t = text.trim();
        if (t.equals("0") || t.equals("0%")) {
            return 0;
        }
        return Units.parseRatio("--margin", t);
    }

    private static Long integer(String option, String text) {
        return text == null ? null : Units.parseInteger(option, text);
    }
}
