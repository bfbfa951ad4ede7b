package ctguard.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the text formats of /proc and /sys. Text in, values out; the caller does the reading. */
public final class ProcFormats {
    /** The inode of the initial network namespace, fixed by the kernel (PROC_NET_INIT_INO). */
    public static final long INITIAL_NETNS_INODE = 4026531833L;
    private static final Pattern NETNS = Pattern.compile("net:\\[(\\d{1,18})]");
    private static final List<String> STAT_COLUMNS = List.of("drop", "early_drop", "insert_failed", "search_restart", "chainlength", "clashres");

    private ProcFormats() {
    }

    /** A single-integer sysctl or module parameter. */
    public static long integer(String source, String text) {
        String t = text.trim();
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw new CtguardException(ExitCode.DATA_ERROR, "%s holds '%s', not an integer".formatted(source, abbreviate(t)));
        }
    }

    /**
     * Sums the per-CPU rows of /proc/net/stat/nf_conntrack. Columns are found by the header's names,
     * which differ across kernel versions; values are hexadecimal. "entries" repeats the global count on
     * every row and is not summed.
     */
    public static ConntrackStats stats(String text) {
        Map<String, Long> sums = new HashMap<>();
        for (Map<String, String> row : statRows(text)) {
            for (String column : STAT_COLUMNS) {
                String cell = row.get(column);
                if (cell != null) {
                    sums.merge(column, hex(cell), Long::sum);
                }
            }
        }
        return new ConntrackStats(sums.get("drop"), sums.get("early_drop"), sums.get("insert_failed"), sums.get("search_restart"),
                sums.get("chainlength"), sums.get("clashres"));
    }

    /**
     * The "entries" column of /proc/net/stat/nf_conntrack: the count of the namespace whose view it is
     * (the same on every row), or null when this kernel's header has no such column.
     */
    public static Long statEntries(String text) {
        String cell = statRows(text).get(0).get("entries");
        return cell == null ? null : hex(cell);
    }

    /** Each CPU row as column name to cell, by the header's names. */
    private static List<Map<String, String>> statRows(String text) {
        String[] lines = text.strip().split("\n");
        if (lines.length < 2) {
            throw new CtguardException(ExitCode.DATA_ERROR, "/proc/net/stat/nf_conntrack has no rows");
        }
        String[] header = lines[0].trim().split("\\s+");
        List<Map<String, String>> rows = new ArrayList<>();
        for (int row = 1; row < lines.length; row++) {
            String line = lines[row].trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] cells = line.split("\\s+");
            if (cells.length != header.length) {
                throw new CtguardException(ExitCode.DATA_ERROR,
                        "/proc/net/stat/nf_conntrack row %d has %d columns, its header %d".formatted(row, cells.length, header.length));
            }
            Map<String, String> named = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                named.put(header[i], cells[i]);
            }
            rows.add(named);
        }
        return rows;
    }

    /** MemTotal from /proc/meminfo, in bytes. */
    public static long memTotal(String meminfo) {
        for (String line : meminfo.split("\n")) {
            if (line.startsWith("MemTotal:")) {
                String[] parts = line.substring("MemTotal:".length()).trim().split("\\s+");
                long kib = integer("/proc/meminfo MemTotal", parts[0]);
                return kib * 1024;
            }
        }
        throw new CtguardException(ExitCode.DATA_ERROR, "/proc/meminfo has no MemTotal line");
    }

    /** The object size of the nf_conntrack slab from /proc/slabinfo, or null when it is not listed. */
    public static Long slabObjectSize(String slabinfo) {
        for (String line : slabinfo.split("\n")) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length > 3 && cells[0].equals("nf_conntrack")) {
                return integer("/proc/slabinfo nf_conntrack objsize", cells[3]);
            }
        }
        return null;
    }

    /** Namespace inode from a /proc/PID/ns/net link target such as net:[4026531833], or null. */
    public static Long netnsInode(String linkTarget) {
        Matcher m = NETNS.matcher(linkTarget == null ? "" : linkTarget.trim());
        return m.matches() ? Long.parseLong(m.group(1)) : null;
    }

    private static long hex(String cell) {
        try {
            return Long.parseUnsignedLong(cell, 16);
        } catch (NumberFormatException e) {
            throw new CtguardException(ExitCode.DATA_ERROR, "/proc/net/stat/nf_conntrack cell '%s' is not hexadecimal".formatted(abbreviate(cell)));
        }
    }

    static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
