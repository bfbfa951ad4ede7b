package ctguard.cli;

import com.google.gson.JsonObject;
import ctguard.core.CtguardException;
import ctguard.core.Prepare;
import ctguard.core.RehashStall;
import ctguard.core.Result;
import ctguard.core.Waiter;
import ctguard.core.guard.Guard;
import ctguard.core.guard.GuardDecision;
import ctguard.core.guard.GuardPolicy;
import ctguard.core.guard.GuardRuns;
import ctguard.core.guard.GuardSample;
import ctguard.io.ActionLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

@Command(name = "guard", mixinStandardHelpOptions = true, sortOptions = false, subcommands = GuardStopCommand.class,
        description = {"During the upgrade window: watch the fullest namespace's table and raise before the kernel drops.",
                "Every --interval it samples the count against max and predicts the time to a full table from the recent insert rate. "
                        + "At --trigger fill, or when the table would be full within --lead, it doubles max (up to the memory budget's ceiling), "
                        + "with the buckets when chains at the new max would exceed --max-chain and the rehash would not stall inserts past "
                        + "--max-stall; never two raises within --cooldown, never a lowering. Each raise is a prepare: the same lock and "
                        + "snapshot (taken if none exists), so 'ctguard restore' afterwards puts the originals back.",
                "Every event is a JSON line on stdout and in STATE_DIR/guard.jsonl; raises and the ceiling also go to syslog. "
                        + "SIGTERM or SIGINT stops it between samples, never inside a write; so does 'ctguard guard stop', which then prints the run. "
                        + "One guard per node: a second one refuses to start (exit 75)."})
final class GuardCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    BudgetOption budget;

    @Option(names = "--duration", paramLabel = "DURATION", defaultValue = "2h", converter = Converters.PositiveDuration.class,
            description = "How long to watch. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "1s", converter = Converters.PositiveDuration.class,
            description = "Time between samples. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Option(names = "--trigger", paramLabel = "PCT", defaultValue = "70%", converter = Converters.Ratio.class,
            description = "Raise once the fullest namespace is this full. Default: ${DEFAULT-VALUE}.")
    double trigger;

    @Option(names = "--lead", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.PositiveDuration.class,
            description = "Raise once the insert rate would fill the table within this time. Default: ${DEFAULT-VALUE}.")
    Duration lead;

    @Option(names = "--cooldown", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.AnyDuration.class,
            description = "No two raises closer than this. Default: ${DEFAULT-VALUE}.")
    Duration cooldown;

    @Option(names = "--max-chain", paramLabel = "N", defaultValue = "8", converter = Converters.ChainLength.class,
            description = "Raise the buckets too when a full table at the new max would average more entries per bucket. Default: ${DEFAULT-VALUE}.")
    double maxChain;

    @Option(names = "--max-stall", paramLabel = "DURATION", defaultValue = "50ms", converter = Converters.PositiveDuration.class,
            description = "Refuse a bucket raise whose expected rehash stall at the current count is longer (it is said). Default: ${DEFAULT-VALUE}.")
    Duration maxStall;

    @Option(names = "--lock-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.AnyDuration.class,
            description = "How long a raise waits for another run's lock. Default: ${DEFAULT-VALUE}.")
    Duration lockTimeout;

    @Option(names = "--prometheus-file", paramLabel = "FILE",
            description = "Rewrite guard's metrics to FILE, atomically, every interval.")
    Path prometheusFile;

    @Override
    public Integer call() {
        Wiring wiring = new Wiring(common);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ActionLog log = new ActionLog(common.stateDirPath().resolve(Wiring.GUARD_LOG));
        GuardPolicy policy = new GuardPolicy(trigger, lead, cooldown, maxChain, maxStall, RehashStall.MEASURED, GuardPolicy.RATE_WINDOW);
        Guard guard = new Guard(wiring.kernel(), new Prepare(wiring.kernel(), wiring.snapshots(), wiring.lock(), Waiter.SYSTEM), Waiter.SYSTEM);
        AtomicBoolean stop = new AtomicBoolean();
        GuardRuns.Claim claim = wiring.guardRuns().claim();
        // SIGTERM and SIGINT end the run between samples, and the command exits 0 after its end line: a stop is how a
        // window ends (systemctl stop, 'ctguard guard stop'), not a failure; a raise in progress is finished, never cut
        for (String signal : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), s -> stop.set(true));
        }
        try {
            Guard.Summary summary = guard.run(new Guard.Options(policy, budget.memoryBudget, duration, interval, lockTimeout), events(out, err, log), stop::get);
            JsonObject end = new JsonObject();
            end.addProperty("event", "end");
            end.addProperty("at", java.time.Instant.now().toString());
            end.addProperty("samples", summary.samples());
            end.addProperty("raises", summary.raises());
            end.addProperty("at_ceiling", summary.atCeiling());
            end.addProperty("max", summary.lastMax());
            end.addProperty("drops_first", summary.firstDrops());
            end.addProperty("drops_last", summary.lastDrops());
            end.addProperty("stopped", summary.stopped());
            emit(end, out, err, log);
        } finally {
            claim.close();
        }
        return 0;
    }

    /** The run's first line: who runs, with what policy, from which max; 'guard stop' reads the run from here on. */
    private JsonObject start(GuardSample first) {
        JsonObject o = new JsonObject();
        o.addProperty("event", "start");
        o.addProperty("at", first.at().toString());
        o.addProperty("pid", ProcessHandle.current().pid());
        o.addProperty("max", first.max());
        o.addProperty("duration_seconds", duration.toSeconds());
        o.addProperty("interval_seconds", interval.toMillis() / 1000.0);
        o.addProperty("trigger", trigger);
        o.addProperty("lead_seconds", lead.toSeconds());
        o.addProperty("cooldown_seconds", cooldown.toSeconds());
        o.addProperty("max_chain", maxChain);
        o.addProperty("max_stall_ms", maxStall.toMillis());
        return o;
    }

    private Guard.Events events(PrintWriter out, PrintWriter err, ActionLog log) {
        return new Guard.Events() {
            int raises;

            @Override
            public void started(GuardSample first) {
                emit(start(first), out, err, log);
            }

            @Override
            public void sampled(GuardSample sample, GuardDecision decision) {
                if (prometheusFile != null) {
                    TextfileMetrics.write(prometheusFile, metrics(sample, decision, raises), err);
                }
            }

            @Override
            public void acted(GuardDecision decision, Result result) {
                raises += decision.kind() == GuardDecision.Kind.RAISE ? 1 : 0;
                emit(event(decision.kind() == GuardDecision.Kind.RAISE ? "raise" : "ceiling", decision, null), out, err, log);
                ActionLog.syslog(decision.reason());
                if (decision.kind() == GuardDecision.Kind.AT_CEILING) {
                    err.println("ctguard guard: AT THE CEILING: " + decision.reason());
                    err.flush();
                }
            }

            @Override
            public void failed(GuardDecision decision, CtguardException e) {
                emit(event("raise_failed", decision, e.getMessage()), out, err, log);
                ActionLog.syslog("raise failed: " + e.getMessage());
            }
        };
    }

    private static JsonObject event(String kind, GuardDecision d, String error) {
        JsonObject o = new JsonObject();
        o.addProperty("event", kind);
        o.addProperty("at", java.time.Instant.now().toString());
        if (d.kind() == GuardDecision.Kind.RAISE) {
            o.addProperty("max", d.newMax());
            o.addProperty("buckets", d.newBuckets() > 0 ? d.newBuckets() : null);
        }
        o.addProperty("seconds_to_full", d.secondsToFull() < 0 ? null : Math.round(d.secondsToFull() * 10) / 10.0);
        o.addProperty("reason", d.reason());
        if (error != null) {
            o.addProperty("error", error);
        }
        return o;
    }

    private static void emit(JsonObject o, PrintWriter out, PrintWriter err, ActionLog log) {
        String line = JsonRenderer.line(o);
        out.println(line);
        out.flush();
        String problem = log.append(line);
        if (problem != null) {
            err.println("ctguard guard: " + problem);
            err.flush();
        }
    }

    private static String metrics(GuardSample s, GuardDecision d, int raises) {
        StringBuilder b = new StringBuilder();
        gauge(b, "ctguard_guard_up", "1 while guard runs.", "1");
        gauge(b, "ctguard_guard_last_sample_timestamp_seconds", "When guard last sampled the table.", Long.toString(s.at().getEpochSecond()));
        gauge(b, "ctguard_guard_fill_ratio", "The fullest namespace's count over max.", String.format(Locale.ROOT, "%.5f", s.fill()));
        gauge(b, "ctguard_guard_max", "nf_conntrack_max as guard last saw it.", Long.toString(s.max()));
        gauge(b, "ctguard_guard_seconds_to_full", "Predicted time to a full table at the recent insert rate (-1: not rising).",
                String.format(Locale.ROOT, "%.1f", d.secondsToFull()));
        b.append("# HELP ctguard_guard_raises_total Raises guard wrote in this run.\n# TYPE ctguard_guard_raises_total counter\n")
                .append("ctguard_guard_raises_total ").append(raises).append('\n');
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, String value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n').append("# TYPE ").append(name).append(" gauge\n")
                .append(name).append(' ').append(value).append('\n');
    }
}
