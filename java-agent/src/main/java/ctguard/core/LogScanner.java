package ctguard.core;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts table-full lines within a window. Lines must start with an ISO-8601 time, as printed by
 * `journalctl -o short-iso-precise` and `dmesg --time-format iso`; lines without one cannot be placed in
 * the window and are counted separately.
 */
public final class LogScanner {
    /** Kernels from 6.18 name the namespace: "table full in netns 4026532177, dropping packet". */
    private static final Pattern TABLE_FULL = Pattern.compile("table full(?: in netns (\\d{1,18}))?, dropping packet");
    private static final Pattern TIME = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2})(?:[.,](\\d{1,9}))?(Z|[+-]\\d{2}:?\\d{2})");

    private LogScanner() {
    }

    public static LogScan scan(String log, String source, Instant now, Duration since) {
        Instant cutoff = now.minus(since);
        int matches = 0;
        int untimed = 0;
        Instant last = null;
        java.util.Map<Long, Integer> byNetns = new java.util.TreeMap<>();
        for (String line : log.split("\n")) {
            Matcher full = TABLE_FULL.matcher(line);
            if (!full.find()) {
                continue;
            }
            Instant at = time(line);
            if (at == null) {
                untimed++;
            } else if (!at.isBefore(cutoff)) {
                matches++;
                if (full.group(1) != null) {
                    byNetns.merge(Long.parseLong(full.group(1)), 1, Integer::sum);
                }
                last = last == null || at.isAfter(last) ? at : last;
            }
        }
        String note = untimed == 0 ? null : untimed + " matching line(s) without a time were not counted";
        return new LogScan(true, source, matches, last == null ? null : last.toString(), since.toSeconds(), note, byNetns);
    }

    static Instant time(String line) {
        Matcher m = TIME.matcher(line.trim());
        if (!m.find()) {
            return null;
        }
        String zone = m.group(3);
        if (!zone.equals("Z") && zone.length() == 5) {
            zone = zone.substring(0, 3) + ":" + zone.substring(3);
        }
        String fraction = m.group(2) == null ? "" : "." + m.group(2);
        try {
            return OffsetDateTime.parse(m.group(1) + fraction + zone).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
