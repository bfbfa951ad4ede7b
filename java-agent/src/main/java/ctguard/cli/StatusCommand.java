package ctguard.cli;

import ctguard.core.NodeState;
import ctguard.core.Result;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Show every conntrack value of this node: usage, limits, timeouts, counters, memory, writability.")
final class StatusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Mixin
    BudgetOption budget;

    @Option(names = "--prometheus", description = "Print node_exporter textfile metrics instead of text.")
    boolean prometheus;

    @Override
    public Integer call() {
        NodeState node = new Wiring(common).kernel().read();
        Result result = Result.builder("status", node, budget.memoryBudget).build();
        output.print(result, prometheus);
        return 0;
    }
}
