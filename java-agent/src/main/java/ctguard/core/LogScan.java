package ctguard.core;

/**
 * The kernel log searched for table-full messages.
 *
 * @param readable     false when no log source could be read; then note says why
 * @param source       journal, dmesg or a file path
 * @param matches      lines within the window (the kernel rate-limits them, so this understates drops)
 * @param lastAt       ISO-8601 time of the latest match, or null
 * @param sinceSeconds the window searched
 * @param byNetns      matches per namespace inode, for kernels that name it ("table full in netns N")
 */
public record LogScan(boolean readable, String source, int matches, String lastAt, long sinceSeconds, String note,
                      java.util.Map<Long, Integer> byNetns) {
    public LogScan {
        byNetns = java.util.Map.copyOf(byNetns);
    }

    public static final String TABLE_FULL = "table full, dropping packet";

    public static LogScan unreadable(String source, long sinceSeconds, String note) {
        return new LogScan(false, source, 0, null, sinceSeconds, note, java.util.Map.of());
    }
}
