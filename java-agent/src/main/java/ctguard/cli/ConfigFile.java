package ctguard.cli;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.io.SafeYaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Site defaults for any long option, from YAML: top-level keys apply to every command, a section named
 * after a command to that command only, e.g.
 * <pre>
 * memory-budget: 3%
 * check:
 *   warn-fill: 70%
 * </pre>
 * Flags on the command line win over the file; the file wins over built-in defaults.
 */
final class ConfigFile implements CommandLine.IDefaultValueProvider {
    static final String DEFAULT_PATH = "/etc/conntrack-guard/ctguard.yml";
    static final String ENVIRONMENT = "CTGUARD_CONFIG";
    private static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_ALIASES = 10;
    private final Map<String, Object> values;
    /** The command names, from the command tree: a section named after one of them is that command's. */
    private final Set<String> commands;

    /** Where the values came from, for errors about them; null without a file. */
    private final Path path;

    private ConfigFile(Path path, Map<String, Object> values, Set<String> commands) {
        this.path = path;
        this.values = values;
        this.commands = commands;
    }

    /**
     * The file named by --config, else by $CTGUARD_CONFIG, else the node's default path (under --root)
     * when it exists. Read before picocli parses, since it supplies the defaults of that parse.
     */
    static ConfigFile locate(String[] args, String environment, Set<String> commands) {
        String explicit = argument(args, "--config");
        if (explicit != null) {
            return load(Path.of(explicit), true, commands);
        }
        if (environment != null && !environment.isBlank()) {
            return load(Path.of(environment), true, commands);
        }
        String root = argument(args, "--root");
        return load(Path.of(root == null ? "/" : root).resolve(DEFAULT_PATH.substring(1)), false, commands);
    }

    /** The value of {@code --option VALUE} or {@code --option=VALUE} among arguments not parsed yet, else null. */
    static String argument(String[] args, String option) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(option)) {
                if (i + 1 >= args.length) {
                    throw CtguardException.usage(option + " needs a value");
                }
                return args[i + 1];
            }
            if (args[i].startsWith(option + "=")) {
                return args[i].substring(option.length() + 1);
            }
        }
        return null;
    }

    static ConfigFile none(Set<String> commands) {
        return new ConfigFile(null, Map.of(), commands);
    }

    /** The explicit path must exist; the default path is used only when present. */
    static ConfigFile load(Path path, boolean explicit, Set<String> commands) {
        if (!Files.isRegularFile(path)) {
            if (explicit) {
                throw CtguardException.usage("--config: " + path + " is not a readable file");
            }
            return none(commands);
        }
        Object root;
        try {
            root = SafeYaml.load(path, MAX_BYTES, MAX_ALIASES, SafeConstructor::new);
        } catch (SafeYaml.Refused e) {
            throw bad(path, e.getMessage());
        } catch (IOException e) {
            throw bad(path, e.getMessage());
        }
        if (root == null) {
            return none(commands);
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw bad(path, "it must be a mapping of option names to values");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        map.forEach((k, v) -> values.put(String.valueOf(k), v));
        return validated(path, values, commands);
    }

    private static ConfigFile validated(Path path, Map<String, Object> values, Set<String> commands) {
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (commands.contains(e.getKey())) {
                if (!(e.getValue() instanceof Map<?, ?> section)) {
                    throw bad(path, "section '" + e.getKey() + "' must be a mapping");
                }
                section.values().forEach(v -> scalar(path, e.getKey(), v));
            } else {
                scalar(path, e.getKey(), e.getValue());
            }
        }
        return new ConfigFile(path, values, commands);
    }

    private static void scalar(Path path, String key, Object value) {
        if (value instanceof Map || value instanceof Iterable) {
            throw bad(path, "'" + key + "' must be a single value");
        }
    }

    /** The file's value for the option under any of its long names (warn-fill or warning), its command's section first. */
    @Override
    public String defaultValue(ArgSpec argSpec) {
        if (!(argSpec instanceof OptionSpec option)) {
            return null;
        }
        CommandSpec command = argSpec.command();
        Object section = command == null ? null : values.get(command.name());
        for (Map<?, ?> scope : java.util.Arrays.asList(section instanceof Map<?, ?> map ? map : Map.of(), values)) {
            for (String name : option.names()) {
                if (name.startsWith("--") && scope.containsKey(name.substring(2)) && !commands.contains(name.substring(2))) {
                    return String.valueOf(scope.get(name.substring(2)));
                }
            }
        }
        return null;
    }

    /** "config FILE: " when the option's value came from this file rather than the command line, else "". */
    String origin(OptionSpec option, String[] args) {
        boolean given = java.util.Arrays.stream(args).anyMatch(a -> java.util.Arrays.stream(option.names()).anyMatch(n -> a.equals(n) || a.startsWith(n + "=")));
        return path == null || given || defaultValue(option) == null ? "" : "config " + path + ": ";
    }

    /**
     * Names in the file that match no option of the command they are meant for: typos. {@code top} holds the
     * models built for this run; {@code model} builds another command's when the file names it.
     */
    void rejectUnknownKeys(CommandLine top, Function<String, CommandSpec> model) {
        Function<String, CommandSpec> spec = name -> top.getSubcommands().containsKey(name) ? top.getSubcommands().get(name).getCommandSpec() : model.apply(name);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            if (commands.contains(e.getKey())) {
                CommandSpec section = spec.apply(e.getKey());
                for (Object key : ((Map<?, ?>) e.getValue()).keySet()) {
                    if (section.findOption("--" + key) == null) {
                        throw CtguardException.usage("config: '%s.%s' is not an option of ctguard %s".formatted(e.getKey(), key, e.getKey()));
                    }
                }
            } else if (java.util.stream.Stream.concat(top.getSubcommands().keySet().stream(), commands.stream())
                    .noneMatch(c -> spec.apply(c).findOption("--" + e.getKey()) != null)) {
                throw CtguardException.usage("config: '" + e.getKey() + "' is not an option of any ctguard command");
            }
        }
    }

    private static CtguardException bad(Path path, String why) {
        return new CtguardException(ExitCode.USAGE, "config %s: %s".formatted(path, why));
    }
}
