package ctguard.core.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * Ansible's host ranges ({@code expand_hostname_range} in ansible/plugins/inventory/__init__.py):
 * {@code cmp[001:040].example.org} is cmp001 ... cmp040 (a leading zero pads every number to the width of
 * the bounds, which must then be equally long), {@code node-[a:f]} is node-a ... node-f, an optional third
 * field is the step ({@code [1:9:2]}), an empty start means 0, and several ranges in one name multiply.
 */
public final class HostRanges {
    /** Expansions beyond this many names are refused: a typo must not exhaust memory. */
    public static final int DEFAULT_LIMIT = 100_000;

    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    private HostRanges() {
    }

    /** An inventory host key: the host names it stands for, and the port it gave ({@code name:PORT}), or null. */
    public record Entry(List<String> names, Integer port) {
        public Entry {
            names = List.copyOf(names);
        }
    }

    /**
     * Splits an inventory host key as Ansible's YAML plugin does ({@code _expand_hostpattern}): a trailing
     * {@code :PORT} when the rest is a valid host identifier, then ranges expanded.
     *
     * @throws IllegalArgumentException for a malformed range or one expanding to more than {@code limit} names
     */
    public static Entry expandEntry(String key, int limit) {
        String pattern = key;
        Integer port = null;
        var parsed = HostAddress.parse(key, true);
        if (parsed.isPresent()) {
            pattern = parsed.get().host();
            port = parsed.get().port();
        }
        return new Entry(expand(pattern, limit), port);
    }

    /**
     * Every name {@code pattern} stands for, in order; the pattern itself when it holds no {@code [}.
     *
     * @throws IllegalArgumentException for a malformed range or one expanding to more than {@code limit} names
     */
    public static List<String> expand(String pattern, int limit) {
        List<String> out = new ArrayList<>();
        expandInto(pattern, limit, out);
        return out;
    }

    private static void expandInto(String line, int limit, List<String> out) {
        if (!line.contains("[")) {
            add(out, line, limit);
            return;
        }
        // Ansible: line.replace('[', '|', 1).replace(']', '|', 1).split('|') must give exactly head, range, tail
        String replaced = replaceFirst(replaceFirst(line, '[', '|'), ']', '|');
        String[] parts = replaced.split("\\|", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("host range in '" + line + "' must be one [begin:end] or [begin:end:step] per bracket pair");
        }
        String head = parts[0];
        String tail = parts[2];
        String[] bounds = parts[1].split(":", -1);
        if (bounds.length != 2 && bounds.length != 3) {
            throw new IllegalArgumentException("host range [" + parts[1] + "] in '" + line + "' must be begin:end or begin:end:step");
        }
        String beg = bounds[0].isEmpty() ? "0" : bounds[0];
        String end = bounds[1];
        if (end.isEmpty()) {
            throw new IllegalArgumentException("host range [" + parts[1] + "] in '" + line + "' must specify an end value");
        }
        long step = bounds.length == 3 ? number(bounds[2], line) : 1;
        if (step <= 0) {
            throw new IllegalArgumentException("host range [" + parts[1] + "] in '" + line + "' needs a positive step");
        }
        int width = 0;
        if (beg.charAt(0) == '0' && beg.length() > 1) {
            if (beg.length() != end.length()) {
                throw new IllegalArgumentException("host range [" + parts[1] + "] in '" + line + "' must have equally long begin and end when zero-padded");
            }
            width = beg.length();
        }
        int iBeg = beg.length() == 1 ? LETTERS.indexOf(beg.charAt(0)) : -1;
        int iEnd = end.length() == 1 ? LETTERS.indexOf(end.charAt(0)) : -1;
        if (iBeg >= 0 && iEnd >= 0) {
            if (iBeg > iEnd) {
                throw new IllegalArgumentException("host range [" + parts[1] + "] in '" + line + "' must have begin <= end");
            }
            for (int i = iBeg; i <= iEnd; i += (int) Math.min(step, Integer.MAX_VALUE)) {
                expandInto(head + LETTERS.charAt(i) + tail, limit, out);
            }
            return;
        }
        long from = number(beg, line);
        long to = number(end, line);
        if (to >= from && (to - from) / step + 1 > limit) {
            throw new IllegalArgumentException("host range [" + parts[1] + "] in '" + line + "' expands to more than " + limit + " hosts");
        }
        for (long i = from; i <= to; i += step) {
            String n = Long.toString(Math.abs(i));
            if (n.length() < width) {
                n = "0".repeat(width - n.length()) + n;
            }
            expandInto(head + (i < 0 ? "-" : "") + n + tail, limit, out);
        }
    }

    private static void add(List<String> out, String name, int limit) {
        if (out.size() >= limit) {
            throw new IllegalArgumentException("host ranges expand to more than " + limit + " hosts");
        }
        out.add(name);
    }

    private static long number(String text, String line) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("host range in '" + line + "': '" + text + "' is neither a number nor a single letter");
        }
    }

    private static String replaceFirst(String s, char what, char with) {
        int i = s.indexOf(what);
        return i < 0 ? s : s.substring(0, i) + with + s.substring(i + 1);
    }
}
