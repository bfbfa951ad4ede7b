package ctguard.cli;

import ctguard.core.CheckPolicy;
import ctguard.core.Checker;
import ctguard.core.LogScan;
import ctguard.core.NodeState;
import ctguard.core.Result;
import ctguard.core.Status;
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

    @Option(names = "--warn-fill", paramLabel = "PCT", defaultValue = "75%", description = "WARNING at this fill. Default: ${DEFAULT-VALUE}.")
    String warnFill;

    @Option(names = "--crit-fill", paramLabel = "PCT", defaultValue = "90%", description = "CRITICAL at this fill. Default: ${DEFAULT-VALUE}.")
    String critFill;

    @Option(names = "--max-chain", paramLabel = "N", defaultValue = "8",
            description = "WARNING when the average entries per bucket exceed N, now or at a full table. Default: ${DEFAULT-VALUE}.")
    String maxChain;

    @Option(names = "--on-drops", paramLabel = "STATUS", defaultValue = "warning",
            description = "Status when drop, early_drop or insert_failed counters are above zero: ok, warning or critical. Default: ${DEFAULT-VALUE}.")
    String onDrops;

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
        CheckPolicy policy = new CheckPolicy(Units.parseRatio("--warn-fill", warnFill), Units.parseRatio("--crit-fill", critFill),
                positive("--max-chain", maxChain), dropStatus());
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

    private Status dropStatus() {
        return switch (onDrops.toLowerCase(java.util.Locale.ROOT)) {
            case "ok" -> Status.OK;
            case "warning" -> Status.WARNING;
            case "critical" -> Status.CRITICAL;
            default -> throw ctguard.core.CtguardException.usage("--on-drops: '" + onDrops + "' must be ok, warning or critical");
        };
    }

    private static double positive(String option, String text) {
        try {
            double v = Double.parseDouble(text);
            if (v > 0 && v < 1e9) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the bound
        }
        throw ctguard.core.CtguardException.usage(option + ": '" + text + "' must be a number above 0");
    }
}
