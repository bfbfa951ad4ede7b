package ctguard.cli;

import ctguard.core.ActionFailedException;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.Printable;
import ctguard.core.Result;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Builds the command line with the one place where exceptions become messages and exit codes. */
public final class Cli {
    private Cli() {
    }

    /**
     * Runs one command line: loads the site config file first (its errors are usage errors too), then
     * lets picocli parse and execute.
     */
    public static int execute(CommandLine cl, String... args) {
        try {
            ConfigFile config = ConfigFile.locate(args, System.getenv(ConfigFile.ENVIRONMENT), COMMANDS.keySet());
            config.rejectUnknownKeys(cl, Cli::model);
            cl.setDefaultValueProvider(config);
        } catch (CtguardException e) {
            return usageError(cl, args, e.getMessage(), "");
        }
        return cl.execute(args);
    }

    /** Every command, in the order --help lists them. */
    static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> c = new LinkedHashMap<>();
        c.put("status", StatusCommand::new);
        c.put("check", CheckCommand::new);
        c.put("plan", PlanCommand::new);
        c.put("prepare", PrepareCommand::new);
        c.put("tune", TuneCommand::new);
        c.put("restore", RestoreCommand::new);
        c.put("persist", PersistCommand::new);
        c.put("top", TopCommand::new);
        c.put("guard", GuardCommand::new);
        c.put("fleet", FleetCommand::new);
        return Collections.unmodifiableMap(c);
    }

    /** The whole command line: every command's model (help, the man page, tests). */
    public static CommandLine commandLine() {
        return commandLine(COMMANDS.keySet());
    }

    /**
     * The command line for these arguments: when they start with a command's name, only that command's model
     * is built. picocli builds a model by reflecting over every option of every command, the largest part
     * of a short run's start-up; a check has no use for fleet's. Otherwise (no command, --help, a typo) every
     * command, so that help and errors list them all.
     */
    public static CommandLine forArguments(String... args) {
        return commandLine(args.length > 0 && COMMANDS.containsKey(args[0]) ? Set.of(args[0]) : COMMANDS.keySet());
    }

    /** One command's model on its own, for checking a config file's section of a command not being run. */
    static CommandSpec model(String command) {
        return new CommandLine(COMMANDS.get(command).get()).getCommandSpec();
    }

    private static CommandLine commandLine(Set<String> names) {
        CommandLine cl = new CommandLine(new CtguardCommand());
        COMMANDS.forEach((name, command) -> {
            if (names.contains(name)) {
                cl.addSubcommand(name, command.get());
            }
        });
        cl.setExecutionExceptionHandler(Cli::onExecutionException);
        cl.setParameterExceptionHandler(Cli::onParameterException);
        cl.setExitCodeExceptionMapper(t -> ExitCode.INTERNAL.code());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    private static int onParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        String origin = e.getArgSpec() instanceof CommandLine.Model.OptionSpec option && cmd.getDefaultValueProvider() instanceof ConfigFile config
                ? config.origin(option, args) : "";
        return usageError(cmd, args, origin + asTemplate(e), " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    }

    /** picocli's message, with the option it names as core's placeholder when it is one of core's options. */
    private static String asTemplate(CommandLine.ParameterException e) {
        String message = e.getMessage();
        if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec spec) {
            var option = Flags.option(spec.longestName());
            if (option.isPresent()) {
                return message.replace("'" + spec.longestName() + "'", "'" + option.get() + "'");
            }
        }
        return message;
    }

    /** A usage error: the command line or its config file was wrong, before anything ran. */
    private static int usageError(CommandLine cmd, String[] args, String message, String hint) {
        String command = args.length > 0 && COMMANDS.containsKey(args[0]) ? args[0] : "ctguard";
        boolean json = java.util.Arrays.asList(args).contains("--json");
        Path metricsFile;
        try {
            String given = ConfigFile.argument(args, "--prometheus-file");
            metricsFile = given == null ? null : Path.of(given);
        } catch (CtguardException | java.nio.file.InvalidPathException unusable) {
            metricsFile = null;
        }
        return fail(cmd, command, json, ExitCode.USAGE, message, null, hint, null, metricsFile);
    }

    private static int onExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        boolean debug = leaf.hasMatchedOption("--debug");
        boolean json = leaf.hasMatchedOption("--json");
        Path metricsFile = leaf.hasMatchedOption("--prometheus-file") ? leaf.matchedOptionValue("--prometheus-file", null) : null;
        if (e instanceof CtguardException ce) {
            return fail(cmd, cmd.getCommandName(), json, ce.exitCode(), ce.getMessage(),
                    ce instanceof ActionFailedException failed ? failed.partialResult() : null, "", debug ? e : null, metricsFile);
        }
        String message = "internal error: " + e + (debug ? "" : " (rerun with --debug for the stack trace)");
        return fail(cmd, cmd.getCommandName(), json, ExitCode.INTERNAL, message, null, "", debug ? e : null, metricsFile);
    }

    /**
     * The one place where a failure becomes output and an exit code: one line on stderr ({@code hint}, the
     * pointer to --help, only there), the JSON error object on stdout when --json was asked for, and the
     * error's sysexits code. check is a monitoring plugin, so by the Nagios plugin guidelines any error of it
     * is UNKNOWN (3) with one status line on stdout, {@code CONNTRACK UNKNOWN - what happened - what to do}
     * (Nagios shows a code outside 0-3 as an out-of-bounds CRITICAL and drops stderr); its JSON says
     * exit_code 3 and keeps the error's own code as sysexit; its --prometheus-file ({@code metricsFile}) gets
     * ctguard_up 0, so that a failing check does not leave the last good figures in place.
     */
    private static int fail(CommandLine cmd, String command, boolean json, ExitCode code, String template, Result partial,
                            String hint, Throwable trace, Path metricsFile) {
        boolean plugin = command.equals("check");
        String message = Printable.of(Flags.render(template));
        if (json) {
            cmd.getOut().println(JsonRenderer.error(command, partial, plugin ? ExitCode.UNKNOWN : code, plugin ? code : null, template));
        } else if (plugin) {
            cmd.getOut().println(StatusLine.of("UNKNOWN", message, ""));
        }
        cmd.getOut().flush();
        PrintWriter err = cmd.getErr();
        if (plugin && metricsFile != null) {
            TextfileMetrics.write(metricsFile, PrometheusRenderer.down(code, java.time.Instant.now()), err);
        }
        // a usage error is the command line's, not the command's: "ctguard: ..." as picocli's own
        err.println((code == ExitCode.USAGE ? "ctguard: " : "ctguard " + command + ": ") + message + hint);
        if (trace != null) {
            trace.printStackTrace(err);
        }
        err.flush();
        return (plugin ? ExitCode.UNKNOWN : code).code();
    }
}
