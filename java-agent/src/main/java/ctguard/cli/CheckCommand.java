package ctguard.cli;

import ctguard.core.CheckPolicy;
import ctguard.core.Checker;
import ctguard.core.LogScan;
import ctguard.core.NodeState;
import ctguard.core.Result;
import ctguard.core.Units;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Judge this node's conntrack headroom. Exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios). CRITICAL when the table is at or above --crit-fill or the kernel logged 'table full, dropping packet' within --since; WARNING at --warn-fill, when chains average more than --max-chain entries per bucket (now, or at a full table), and when drop counters are above zero (--on-drops).")
final class CheckCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Option(names = "--prometheus", description = "Print node_exporter textfile metrics instead of text.")
    boolean prometheus;

    @Mixin
    CheckOptions thresholds;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "1h",
            description = "How far back to search the kernel log for table-full messages. Default: ${DEFAULT-VALUE}.")
    String since;

    @Option(names = "--kernel-log", paramLabel = "SOURCE", defaultValue = "auto",
            description = "auto (journal if journald keeps one, else dmesg), journal, dmesg, none, or a file of ISO-timestamped lines. Default: ${DEFAULT-VALUE}.")
    String kernelLog;

    @Mixin
    BudgetOption budget;

    @Override
    public Integer call() {
        CheckPolicy policy = thresholds.policy();
        var sinceDuration = Units.parseDuration("--since", since);
        Wiring wiring = new Wiring(common);
        NodeState node = wiring.kernel().read();
        LogScan log = wiring.kernelLog(kernelLog).scan(sinceDuration);
        Result.Builder result = Result.builder("check", node, budget.budget());
        result.kernelLog = log;
        if (!log.readable()) {
            result.warnings.add("kernel log unreadable: " + log.note());
        } else if (log.note() != null) {
            result.warnings.add("kernel log: " + log.note());
        }
        result.verdict = Checker.judge(node, log, policy);
        output.print(result.build(), prometheus);
        return result.verdict.status().exitCode().code();
    }
}
