package ctguard.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The packages' man page and bash completion, generated from the command model at build time, so that they
 * say exactly what {@code --help} says: {@code java -cp ctguard.jar ctguard.cli.Docs DIR} writes
 * {@code DIR/ctguard.1} and {@code DIR/ctguard.bash}.
 */
public final class Docs {
    private Docs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp ctguard.jar ctguard.cli.Docs OUTPUT_DIR");
            System.exit(64);
        }
        Path dir = Files.createDirectories(Path.of(args[0]));
        CommandLine cl = Cli.commandLine();
        Files.writeString(dir.resolve("ctguard.1"), manPage(cl), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("ctguard.bash"), AutoComplete.bash("ctguard", cl), StandardCharsets.UTF_8);
    }

    /** One man page for ctguard and every command, in roff (man(7) macros). */
    static String manPage(CommandLine top) {
        CommandSpec spec = top.getCommandSpec();
        StringBuilder man = new StringBuilder();
        String version = spec.version().length > 0 ? spec.version()[0] : "ctguard";
        man.append(".TH CTGUARD 1 \"\" \"").append(escape(version)).append("\" \"User Commands\"\n");
        man.append(".SH NAME\nctguard \\- ").append(escape(String.join(" ", spec.usageMessage().description()))).append('\n');
        man.append(".SH SYNOPSIS\n.B ctguard\n.I COMMAND\n[\\fIOPTIONS\\fR]\n");
        man.append(".SH COMMANDS\n");
        for (CommandLine sub : top.getSubcommands().values()) {
            CommandSpec c = sub.getCommandSpec();
            man.append(".SS ctguard ").append(c.name()).append('\n');
            for (String paragraph : c.usageMessage().description()) {
                man.append(escape(paragraph)).append("\n.PP\n");
            }
            options(man, c.options());
        }
        man.append(".SH EXIT STATUS\n");
        for (String line : spec.usageMessage().footer()) {
            if (!line.isBlank()) {
                man.append(escape(line.strip())).append("\n.br\n");
            }
        }
        man.append(".SH FILES\n.TP\n/etc/conntrack-guard/ctguard.yml\nsite defaults of every option (see README)\n")
                .append(".TP\n/var/lib/conntrack-guard\nthe snapshot of the original values and check's counter baseline\n")
                .append(".TP\n/run/conntrack-guard/lock\nthe node's lock: one changing run at a time\n");
        return man.toString();
    }

    private static void options(StringBuilder man, List<OptionSpec> options) {
        for (OptionSpec o : options) {
            if (o.hidden()) {
                continue;
            }
            man.append(".TP\n.B ").append(escape(String.join(", ", o.names())));
            if (o.arity().max() > 0) {
                man.append(" \\fI").append(escape(o.paramLabel())).append("\\fR");
            }
            man.append('\n').append(escape(String.join(" ", o.description())
                    .replace("${DEFAULT-VALUE}", String.valueOf(o.defaultValue())))).append('\n');
        }
    }

    /** Text as roff reads it: backslashes doubled, a leading dot or quote not taken for a request. */
    private static String escape(String text) {
        String t = text.replace("%n", " ").replace("%%", "%").replace("\\", "\\\\").replace("-", "\\-");
        return t.startsWith(".") || t.startsWith("'") ? "\\&" + t : t;
    }
}
