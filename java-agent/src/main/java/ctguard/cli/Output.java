package ctguard.cli;

import ctguard.core.Result;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** Prints a result in the format asked for, on the command's own stdout. */
public final class Output {
    @Option(names = "--json", description = "Print one JSON object on stdout and nothing else there (schema ctguard/v1; for fleet, ctguard-fleet/v1).")
    boolean json;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    void print(Result result, boolean prometheus) {
        print(result, prometheus, true);
    }

    /** @param detail false for a check's brief text: the status line and its further reasons only */
    void print(Result result, boolean prometheus, boolean detail) {
        if (json && prometheus) {
            throw ctguard.core.CtguardException.usage("--json and --prometheus cannot be used together");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(JsonRenderer.render(result));
        } else if (prometheus) {
            out.print(PrometheusRenderer.render(result, java.time.Instant.now()));
        } else {
            out.print(new TextRenderer(Colors.forTerminal()).render(result, detail));
        }
        out.flush();
    }
}
