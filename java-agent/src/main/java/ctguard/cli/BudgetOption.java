package ctguard.cli;

import ctguard.core.MemoryBudget;
import picocli.CommandLine.Option;

/** The memory budget the table at max is measured against. */
public final class BudgetOption {
    @Option(names = "--memory-budget", paramLabel = "SIZE|PCT", defaultValue = "2%", converter = Converters.Budget.class,
            description = "Kernel memory conntrack may use at its max: a share of RAM (2%%) or a size (1GiB). Default: ${DEFAULT-VALUE}.")
    MemoryBudget memoryBudget;
}
