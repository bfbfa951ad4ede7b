package ctguard.cli;

import ctguard.core.MemoryBudget;
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

    @Option(names = "--memory-budget", paramLabel = "SIZE|PCT", defaultValue = "2%",
            description = "Memory budget to compare against: a share of RAM (2%%) or a size (1GiB). Default: ${DEFAULT-VALUE}.")
    String memoryBudget;

    @Option(names = "--prometheus", description = "Print node_exporter textfile metrics instead of text.")
    boolean prometheus;

    @Override
    public Integer call() {
        NodeState node = new Wiring(common).kernel().read();
        Result result = Result.builder("status", node, MemoryBudget.parse(memoryBudget)).build();
        output.print(result, prometheus);
        return 0;
    }
}
