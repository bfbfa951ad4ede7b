package ctguard.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Judge a node's headroom: read it, search the kernel log, compare the counters with the previous
 * check's, give the verdict. Read-only for the kernel; it keeps only the counter history.
 */
public final class Check {
    public record Options(CheckPolicy policy, MemoryBudget budget, Duration since) {
    }

    private final Kernel kernel;
    private final KernelLog log;
    private final CounterHistory counters;
    private final Waiter clock;

    public Check(Kernel kernel, KernelLog log, CounterHistory counters, Waiter clock) {
        this.kernel = kernel;
        this.log = log;
        this.counters = counters;
        this.clock = clock;
    }

    public Result run(Options options) {
        NodeState node = kernel.read();
        LogScan scan = log.scan(options.since());
        Result.Builder result = Result.builder("check", node, options.budget());
        result.kernelLog = scan;
        if (!scan.readable()) {
            result.warnings.add("kernel log unreadable: " + scan.note());
        } else if (scan.note() != null) {
            result.warnings.add("kernel log: " + scan.note());
        }
        result.statsIncrease = increase(node, result);
        result.verdict = Checker.judge(node, scan, options.policy(), options.budget(), result.statsIncrease);
        return result.build();
    }

    private CounterIncrease increase(NodeState node, Result.Builder result) {
        if (node.stats() == null) {
            return null;
        }
        CounterSample now = new CounterSample(node.bootId(), node.netns(), clock.now(), node.stats());
        Optional<CounterSample> last = counters.last();
        String problem = counters.record(now);
        if (problem != null) {
            result.warnings.add("counter history %s not kept (%s): drops are judged since boot".formatted(counters.location(), problem));
            return null;
        }
        return last.map(now::since).orElse(null);
    }
}
