package ctguard.cli;

import ctguard.core.ActionFailedException;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.Printable;
import picocli.CommandLine;

import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
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

    /**
     * One line on stderr and, when --json was asked for, the error object on stdout. The hint to --help is the
     * terminal's: a program reading the JSON (the Ansible module) has no use for it.
     */
    private static int usageError(CommandLine cmd, String[] args, String message, String hint) {
        if (java.util.Arrays.asList(args).contains("--json")) {
            String action = args.length > 0 && !args[0].startsWith("-") ? args[0] : "ctguard";
            cmd.getOut().println(JsonRenderer.error(action, null, ExitCode.USAGE, message));
            cmd.getOut().flush();
        }
        cmd.getErr().println("ctguard: " + Printable.of(Flags.render(message) + hint));
        cmd.getErr().flush();
        return ExitCode.USAGE.code();
    }

    private static int onExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        CommandLine.ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        boolean debug = leaf.hasMatchedOption("--debug");
        boolean json = leaf.hasMatchedOption("--json");
        PrintWriter err = cmd.getErr();
        ExitCode code;
        String message;
        if (e instanceof CtguardException ce) {
            code = ce.exitCode();
            message = ce.getMessage();
            if (json) {
                cmd.getOut().println(JsonRenderer.error(cmd.getCommandName(), ce instanceof ActionFailedException failed ? failed.partialResult() : null, code, message));
                cmd.getOut().flush();
            }
        } else {
            code = ExitCode.INTERNAL;
            message = "internal error: " + e + (debug ? "" : " (rerun with --debug for the stack trace)");
            if (json) {
                cmd.getOut().println(JsonRenderer.error(cmd.getCommandName(), null, code, message));
                cmd.getOut().flush();
            }
        }
        err.println("ctguard " + cmd.getCommandName() + ": " + Printable.of(Flags.render(message)));
        if (debug) {
            e.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }
}
