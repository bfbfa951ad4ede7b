package ctguard.core;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The choices an operator makes, in core's own terms. A message from core that tells the operator what to do
 * refers to one as a placeholder ({@code "pass " + Option.FORCE} reads {@code "pass {force}"}); each front end
 * renders the placeholders with its own names: the command line as flags, the Ansible module as its parameters
 * (docs/architecture.md, "Messages").
 */
public enum Option {
    FORCE, DISCARD, WAIT, MAX, BUCKETS, MEMORY_BUDGET, ALLOW_PARTIAL, MARGIN, MAX_CHAIN, WARN_FILL, CRIT_FILL, LIMIT, ENTRY_BYTES, TIMEOUT;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z_]+)}");
    private static final Map<String, Option> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Option::key, o -> o));

    /** The stable name of this option in JSON and placeholders: {@code memory_budget}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "{" + key() + "}";
    }

    /** The template with each placeholder replaced by {@code spelling}'s name for it; unknown braces stay as they are. */
    public static String render(String template, Function<Option, String> spelling) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Option option = BY_KEY.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(option == null ? m.group() : spelling.apply(option)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The options a template refers to, in order of first mention. */
    public static List<Option> mentionedIn(String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        LinkedHashSet<Option> found = new LinkedHashSet<>();
        while (m.find()) {
            Option option = BY_KEY.get(m.group(1));
            if (option != null) {
                found.add(option);
            }
        }
        return List.copyOf(found);
    }
}
