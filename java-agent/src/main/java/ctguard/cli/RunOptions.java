package ctguard.cli;

import picocli.CommandLine.Option;

/**
 * Options of every command, fleet included. Both are read outside picocli's parse: --config before it
 * (the file supplies its defaults), --debug by the exception mapper in {@link Cli}.
 */
public final class RunOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of defaults for any long option (top level: every command; a section per command). "
                    + "Default: $CTGUARD_CONFIG, else " + ConfigFile.DEFAULT_PATH + " when it exists.")
    String config;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;
}
