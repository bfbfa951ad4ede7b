package ctguard.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ctguard.core.Printable;
import ctguard.core.Result;
import ctguard.core.guard.GuardStop;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "stop", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"End the node's guard and print its run: its start, every raise, the ceiling, failed raises and its end line.",
                "The guard ends between samples, never inside a write; this waits up to --timeout for it (exit 75 if it is still running). "
                        + "A guard that already ended (its --duration ran out, or it failed) is no error: its last run is printed all the same. "
                        + "Run it before 'ctguard restore' or 'ctguard persist' at the end of the window."})
final class GuardStopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Mixin
    Output output;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Converters.AnyDuration.class,
            description = "How long to wait for the guard to end. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--dry-run", description = "Only say whether a guard runs, and print its run so far; signal nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        Wiring wiring = new Wiring(common);
        GuardStop.Outcome outcome = new GuardStop(wiring.guardRuns()).run(timeout, dryRun);
        PrintWriter out = spec.commandLine().getOut();
        JsonArray events = new JsonArray();
        for (String line : outcome.events()) {
            try {
                events.add(JsonParser.parseString(line).getAsJsonObject());
            } catch (RuntimeException notJson) {
                // a line another writer garbled: it is not guard's, so it is not reported as guard's
            }
        }
        if (output.json) {
            out.println(JsonRenderer.line(json(wiring.kernel().read().host(), outcome, events)));
        } else {
            out.print(text(outcome, events));
        }
        out.flush();
        return 0;
    }

    private JsonObject json(String host, GuardStop.Outcome outcome, JsonArray events) {
        JsonObject o = new JsonObject();
        o.addProperty("schema", Result.SCHEMA);
        o.addProperty("host", host);
        o.addProperty("action", "guard-stop");
        o.addProperty("dry_run", dryRun);
        o.addProperty("changed", outcome.stopped());
        JsonObject guard = new JsonObject();
        guard.addProperty("pid", outcome.pid());
        guard.addProperty("was_running", outcome.pid() != null);
        guard.addProperty("stopped", outcome.stopped());
        guard.add("events", events);
        o.add("guard", guard);
        return o;
    }

    /** One line per event, its reason as guard wrote it (made printable: the log is a file anyone with root could edit). */
    private static String text(GuardStop.Outcome outcome, JsonArray events) {
        StringBuilder b = new StringBuilder();
        if (outcome.pid() == null) {
            b.append("no guard runs on this node");
        } else if (outcome.stopped()) {
            b.append("stopped guard (pid ").append(outcome.pid()).append(')');
        } else {
            b.append("guard runs (pid ").append(outcome.pid()).append("); dry run: not stopped");
        }
        b.append(events.isEmpty() ? "; its action log holds no run\n" : "; its latest run:\n");
        for (var e : events) {
            JsonObject o = e.getAsJsonObject();
            b.append("  ").append(Printable.of(field(o, "at"))).append(' ').append(Printable.of(field(o, "event")));
            String detail = switch (field(o, "event")) {
                case "start" -> "pid " + field(o, "pid") + ", max " + field(o, "max") + ", for " + field(o, "duration_seconds") + " s";
                case "end" -> field(o, "samples") + " samples, " + field(o, "raises") + " raise(s), max " + field(o, "max")
                        + ("true".equals(field(o, "at_ceiling")) ? ", at the ceiling" : "") + ", drops " + field(o, "drops_first") + " -> " + field(o, "drops_last");
                default -> field(o, "reason") + (o.has("error") ? ": " + field(o, "error") : "");
            };
            b.append(": ").append(Printable.of(detail)).append('\n');
        }
        return b.toString();
    }

    private static String field(JsonObject o, String name) {
        var value = o.get(name);
        return value == null || value.isJsonNull() ? "-" : value.isJsonPrimitive() ? value.getAsString() : value.toString();
    }
}
