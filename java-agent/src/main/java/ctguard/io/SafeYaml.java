package ctguard.io;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.BaseConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The one way YAML is read (the config file, inventories): a UTF-8 file of bounded size, SnakeYAML with a
 * safe constructor only, no duplicate or recursive keys, few aliases of collections (alias bombs), no
 * stack overflow on deep nesting. Each caller says in its own terms (exit code, what the file is) why a
 * file was refused; this says what is wrong with it, on one line.
 */
public final class SafeYaml {
    /** What is wrong with a file, on one line, without its path. */
    public static final class Refused extends Exception {
        Refused(String why) {
            super(why);
        }
    }

    private SafeYaml() {
    }

    /**
     * The file's single document (null when empty), built by {@code constructor} (SafeConstructor::new, or
     * a subclass of it that adds tags).
     *
     * @throws IOException when the file cannot be read at all
     */
    public static Object load(Path file, int maxBytes, int maxAliases, Function<LoaderOptions, BaseConstructor> constructor)
            throws Refused, IOException {
        return parse(text(file, maxBytes), maxBytes, maxAliases, constructor);
    }

    /** The file as UTF-8 text, refused when larger than maxBytes or not UTF-8. */
    public static String text(Path file, int maxBytes) throws Refused, IOException {
        try {
            return BoundedFiles.readUtf8(file, maxBytes);
        } catch (BoundedFiles.TooLarge e) {
            throw new Refused("larger than " + size(maxBytes) + "; refusing to read it as YAML");
        } catch (BoundedFiles.NotText e) {
            throw new Refused("not UTF-8 text");
        }
    }

    public static Object parse(String text, int maxBytes, int maxAliases, Function<LoaderOptions, BaseConstructor> constructor) throws Refused {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(maxAliases);
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(maxBytes);
        options.setAllowRecursiveKeys(false);
        try {
            return new Yaml(constructor.apply(options)).load(text);
        } catch (YAMLException e) {
            throw new Refused(explain(e, maxBytes, maxAliases).replaceAll("\\s*\\R\\s*", " ").strip());
        } catch (StackOverflowError e) {
            throw new Refused("YAML nested too deeply");
        }
    }

    private static String explain(YAMLException e, int maxBytes, int maxAliases) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("aliases for non-scalar nodes")) {
            return "refused: more than " + maxAliases + " YAML aliases of collections (an alias bomb?)";
        }
        if (message.contains("exceeds the limit")) {
            return "refused: larger than " + size(maxBytes);
        }
        if (e instanceof MarkedYAMLException marked) {
            String problem = marked.getProblem() == null ? firstLine(message) : marked.getProblem();
            Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String context = marked.getContext() == null ? "" : " (" + marked.getContext() + ")";
            return "malformed YAML: " + problem + context + where;
        }
        return "malformed YAML: " + firstLine(message);
    }

    private static String size(int bytes) {
        return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }
}
