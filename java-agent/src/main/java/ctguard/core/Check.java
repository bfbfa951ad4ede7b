package ctguard.core;

import java.time.Duration;
import java.util.Optional;

/**
 * Judge a node's headroom: read it, search the kernel log, compare the counters with a baseline, give the
 * verdict. Read-only for the kernel; it keeps only the counter history.
 *
 * <p>Counters count since boot, so a drop a month ago would warn forever. Check judges their rise since
 * a baseline sample instead, over the same window as the kernel log (since): the baseline is kept while
 * it is younger than the window, so repeated checks (a monitoring system's retries) see the same rise,
 * and renewed once it is older, so an old drop stops counting after at most one window.
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
        Baseline baseline = increase(node, options.since(), result);
        result.statsIncrease = baseline.increase();
        result.verdict = Checker.judge(node, scan, options.policy(), options.budget(), result.statsIncrease)
                .withNotRead(notRead(node, scan, baseline.kept()));
        return result.build();
    }

    /**
     * The sources a monitoring user's check could not read, for its status line. A kernel log the operator
     * turned off (source none) is a choice, not a gap.
     */
    private static java.util.List<String> notRead(NodeState node, LogScan scan, boolean baselineKept) {
        java.util.List<String> sources = new java.util.ArrayList<>();
        if (!scan.readable() && !scan.source().equals("none")) {
            sources.add("kernel log");
        }
        if (node.stats() == null) {
            sources.add("conntrack counters");
        } else if (!baselineKept) {
            sources.add("counter baseline (drops judged since boot)");
        }
        if (node.namespacesNote() != null) {
            sources.add("other namespaces");
        }
        if (node.entrySize().assumed()) {
            sources.add("slab (entry size assumed)");
        }
        return sources;
    }

    /** @param kept false when the history refused this sample, so the counters are judged since boot */
    private record Baseline(CounterIncrease increase, boolean kept) {
    }

    private Baseline increase(NodeState node, Duration window, Result.Builder result) {
        if (node.stats() == null) {
            return new Baseline(null, true);
        }
        CounterSample now = new CounterSample(node.bootId(), node.netns(), clock.now(), node.stats());
        Optional<CounterSample> baseline = counters.last();
        CounterIncrease increase = baseline.map(now::since).orElse(null);
        if (increase == null || increase.intervalSeconds() >= window.toSeconds()) {
            String problem = counters.record(now);
            if (problem != null) {
                result.warnings.add("counter history %s not kept (%s): drops are judged since boot".formatted(counters.location(), problem));
                return new Baseline(null, false);
            }
        }
        return new Baseline(increase, true);
    }
}
