package ctguard.core.fleet;

import ctguard.core.CtguardException;
import ctguard.core.Option;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Ansible's {@code --limit} host patterns (ansible/inventory/manager.py), over an {@link Inventory}:
 * <ul>
 *   <li>Terms are separated by commas; without a comma, by colons, unless the whole limit is one host identifier
 *       such as {@code web1:2222}, {@code ::1} or {@code cmp[001:040]} (Ansible's {@code split_host_pattern}).
 *       Whitespace around terms is ignored.</li>
 *   <li>A term is a host or group name, a glob ({@code *}, {@code ?}, {@code [...]}, {@code [!...]}, case-sensitive,
 *       whole name), or a regex after {@code ~} (Java syntax, anchored at the start only, as Python's
 *       {@code re.match}). A term matching a group selects the group's hosts, children included; host names are
 *       also tried when no group matched or the term is a glob, a regex, or holds a dot. {@code all} and
 *       {@code ungrouped} are groups like any other. A term equal to a host name selects that host only.</li>
 *   <li>{@code !term} excludes, {@code &term} intersects. As in Ansible, the plain terms are applied first (their
 *       union; {@code all} when there is none), then every {@code &} term, then every {@code !} term, whatever the
 *       order they were written in.</li>
 *   <li>A subscript selects by position within what a non-regex term matched: {@code web[0]}, {@code web[-1]},
 *       {@code web[1:3]} (inclusive), {@code web[2:]}. Like Ansible, this means a term ending in a bracket such as
 *       {@code cmp0[1-3]} is a subscript, not a glob set; {@code cmp0[1-3]*} is a glob.</li>
 * </ul>
 * Differences from Ansible: the result is always in inventory order (Ansible returns the order of evaluation);
 * a term that matches no host and no group is an error (Ansible only warns), as is a selection that ends up
 * empty; {@code @file} limits are not read here (this class does no I/O); no implicit localhost.
 */
public final class HostPattern {
    private static final Pattern SUBSCRIPT = Pattern.compile("(.+)\\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\\]");
    private static final Pattern COLON_TERM = Pattern.compile("(?:[^\\s:\\[\\]]|\\[[^\\]]*\\])+");

    private HostPattern() {
    }

    /**
     * The names of the hosts {@code limit} selects, in inventory order; every host for a null or blank limit.
     *
     * @throws CtguardException (usage) when a term matches no host or group, the selection is empty, a regex is
     *                          invalid or a subscript is out of range
     */
    public static List<String> select(Inventory inventory, String limit) {
        if (limit == null || limit.isBlank()) {
            return List.copyOf(inventory.hosts().keySet());
        }
        List<String> terms = split(limit);
        if (terms.isEmpty()) {
            return List.copyOf(inventory.hosts().keySet());
        }
        List<String> regular = new ArrayList<>();
        List<String> intersections = new ArrayList<>();
        List<String> exclusions = new ArrayList<>();
        for (String term : terms) {
            if (term.startsWith("@")) {
                throw CtguardException.usage(Option.LIMIT + " '" + limit + "': limit files (" + term + ") are not supported; list the hosts or groups instead");
            }
            (term.startsWith("!") ? exclusions : term.startsWith("&") ? intersections : regular).add(term);
        }
        if (regular.isEmpty()) {
            regular.add(Inventory.ALL);
        }
        Set<String> selected = new LinkedHashSet<>();
        for (String term : regular) {
            if (inventory.hosts().containsKey(term)) {
                selected.add(term);
            } else {
                selected.addAll(matchOne(inventory, limit, term));
            }
        }
        for (String term : intersections) {
            selected.retainAll(matchOne(inventory, limit, term.substring(1)));
        }
        for (String term : exclusions) {
            selected.removeAll(matchOne(inventory, limit, term.substring(1)));
        }
        if (selected.isEmpty()) {
            throw CtguardException.usage(Option.LIMIT + " '" + limit + "' matches no host in the inventory");
        }
        return inventory.hosts().keySet().stream().filter(selected::contains).toList();
    }

    /** {@link #select} as hosts. */
    public static List<InventoryHost> selectHosts(Inventory inventory, String limit) {
        return select(inventory, limit).stream().map(inventory.hosts()::get).toList();
    }

    /** Ansible's {@code split_host_pattern}: the terms of a limit, trimmed, empty ones dropped. */
    public static List<String> split(String limit) {
        List<String> raw = new ArrayList<>();
        if (limit.indexOf(',') >= 0) {
            raw.addAll(List.of(limit.split(",", -1)));
        } else if (HostAddress.parse(limit.strip(), true).isPresent()) {
            raw.add(limit);
        } else {
            Matcher m = COLON_TERM.matcher(limit);
            while (m.find()) {
                raw.add(m.group());
            }
        }
        return raw.stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
    }

    /** The hosts one term (without its ! or &amp;) matches, in inventory order, subscript applied. */
    private static List<String> matchOne(Inventory inventory, String limit, String term) {
        String expr = term;
        Integer start = null;
        Integer end = null;
        boolean hasSubscript = false;
        if (!term.startsWith("~")) {
            Matcher m = SUBSCRIPT.matcher(term);
            if (m.matches()) {
                hasSubscript = true;
                expr = m.group(1);
                if (m.group(2) != null) {
                    start = parseIndex(limit, m.group(2));
                } else {
                    start = parseIndex(limit, m.group(3));
                    end = m.group(5).isEmpty() ? -1 : parseIndex(limit, m.group(5));
                }
            }
        }
        Predicate<String> matcher = matcher(limit, expr);
        Set<String> result = new LinkedHashSet<>();
        boolean groupMatched = false;
        for (var group : inventory.groups().entrySet()) {
            if (matcher.test(group.getKey())) {
                groupMatched = true;
                result.addAll(group.getValue());
            }
        }
        if (!groupMatched || expr.startsWith("~") || expr.contains(".") || Glob.isGlob(expr)) {
            for (String host : inventory.hosts().keySet()) {
                if (matcher.test(host)) {
                    result.add(host);
                }
            }
        }
        if (result.isEmpty() && !groupMatched) {
            throw CtguardException.usage(limit.strip().equals(term) ? Option.LIMIT + " '" + limit + "' matches no host in the inventory"
                    : Option.LIMIT + " '" + limit + "': '" + term + "' matches no host or group in the inventory");
        }
        List<String> ordered = inventory.hosts().keySet().stream().filter(result::contains).toList();
        if (!hasSubscript || ordered.isEmpty()) {
            return ordered;
        }
        if (end != null && end != 0) { // Ansible treats [x:0] as [x]
            int last = end == -1 ? ordered.size() - 1 : end;
            int from = Math.min(start, ordered.size());
            int to = Math.min(last + 1, ordered.size());
            return from < to ? ordered.subList(from, to) : List.of();
        }
        int index = start < 0 ? ordered.size() + start : start;
        if (index < 0 || index >= ordered.size()) {
            throw CtguardException.usage(Option.LIMIT + " '" + limit + "': '" + term + "' has no host at position " + start
                    + " ('" + expr + "' matches " + ordered.size() + ", counted from 0)");
        }
        return List.of(ordered.get(index));
    }

    private static Predicate<String> matcher(String limit, String expr) {
        if (expr.startsWith("~")) {
            try {
                Pattern regex = Pattern.compile(expr.substring(1));
                return name -> regex.matcher(name).lookingAt();
            } catch (PatternSyntaxException e) {
                throw CtguardException.usage(Option.LIMIT + " '" + limit + "': '" + expr + "' is not a valid regular expression: "
                        + e.getDescription());
            }
        }
        if (Glob.isGlob(expr)) {
            Pattern glob = Glob.compile(expr);
            return name -> glob.matcher(name).matches();
        }
        return expr::equals;
    }

    private static int parseIndex(String limit, String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw CtguardException.usage(Option.LIMIT + " '" + limit + "': position " + digits + " is too large");
        }
    }
}
