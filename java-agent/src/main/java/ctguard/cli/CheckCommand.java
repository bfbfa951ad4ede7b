package ctguard.cli;

import ctguard.core.Check;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.Result;
import ctguard.core.Units;
import ctguard.core.Waiter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

@Command(name = "check", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Judge this node's conntrack headroom. Exit code: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (Nagios).",
                "CRITICAL when the table is at or above --crit-fill or the kernel logged 'table full, dropping packet' within --since "
                        + "(naming the network namespace on kernels that say which). WARNING at --warn-fill; when chains average more than "
                        + "--max-chain entries per bucket (now, or at a full table); when one full table needs more memory than "
                        + "--memory-budget (over_budget) or max is 0 (no limit); and when drop, early_drop, insert_failed or chain-too-long "
                        + "counters rose (--on-drops).",
                "Counters count since boot, so check judges their rise over the --since window: against a baseline it keeps in "
                        + "--counter-cache, renewed once older than --since (retries within the window see the same rise). Without a "
                        + "baseline of this boot and namespace it judges the totals since boot."})
final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Option(names = "--prometheus", description = "Print node_exporter textfile metrics instead of text.")
    boolean prometheus;

    @Option(names = "--prometheus-file", paramLabel = "FILE",
            description = "Also write the metrics to FILE (e.g. /var/lib/prometheus/node-exporter/ctguard.prom), replaced atomically "
                    + "whatever the verdict, and with ctguard_up 0 when the check fails; the exit code is unchanged.")
    Path prometheusFile;

    @Mixin
    CheckOptions thresholds;

    @Mixin
    LogWindowOption window;

    @Option(names = "--kernel-log", paramLabel = "SOURCE", defaultValue = "auto",
            description = "auto (journal if journald keeps one, else dmesg), journal, dmesg, none, or a file of ISO-timestamped lines. Default: ${DEFAULT-VALUE}.")
    String kernelLog;

    @Option(names = "--counter-cache", paramLabel = "FILE",
            description = "Where check keeps its counter baseline (under --root). "
                    + "A monitoring user who cannot write the state dir names a file of its own. When it cannot be written, "
                    + "check says so and judges totals since boot. Default: STATE_DIR/" + ctguard.io.FileCounterHistory.FILE_NAME + ".")
    String counterCache;

    @Mixin
    BudgetOption budget;

    @Option(names = {"-v", "--verbose"}, description = "Long output: after the status line and its reasons, the detail behind them "
            + "(usage, buckets, memory, counters, kernel log, tunables, and why anything was not read).")
    boolean verbose;

    @Option(names = {"-t", "--timeout"}, paramLabel = "DURATION", converter = Converters.PositiveDuration.class,
            description = "Bound the whole check (a monitoring system's plugin timeout): past it, UNKNOWN (exit 3). Default: none.")
    Duration timeout;

    @Override
    public Integer call() {
        var options = new Check.Options(thresholds.policy(), budget.memoryBudget, window.since);
        Wiring wiring = new Wiring(common);
        Check check = new Check(wiring.kernel(), wiring.kernelLog(kernelLog), wiring.counterHistory(counterCache), Waiter.SYSTEM);
        Result result = timeout == null ? check.run(options) : within(timeout, () -> check.run(options));
        output.print(result, prometheus, verbose);
        if (prometheusFile != null) {
            TextfileMetrics.write(prometheusFile, PrometheusRenderer.render(result, java.time.Instant.now()), spec.commandLine().getErr());
        }
        return result.verdict().status().exitCode().code();
    }

    /**
     * The check on a thread of its own, given up after the timeout: a check stuck in a slow kernel log or a hung
     * /proc read must still give its monitoring system an answer in time. The abandoned thread is a daemon, so it
     * does not keep the process alive; check writes nothing but files replaced atomically.
     */
    private static Result within(Duration timeout, Callable<Result> check) {
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ctguard-check");
            t.setDaemon(true);
            return t;
        });
        try {
            return worker.submit(check).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new CtguardException(ExitCode.TEMP_FAIL, "the check did not finish within " + Units.formatDuration(timeout)
                    + " (--timeout); nothing was judged. Look for a slow kernel log (--kernel-log dmesg or none) or a hung /proc");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CtguardException(ExitCode.TEMP_FAIL, "interrupted");
        } finally {
            worker.shutdownNow();
        }
    }
}
