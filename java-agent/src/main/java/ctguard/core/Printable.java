package ctguard.core;

/**
 * Text that came from a file or a remote host, made safe for a terminal: control characters (C0, DEL,
 * C1, and so escape sequences and carriage returns) become visible \xNN escapes, and the length is bounded.
 */
public final class Printable {
    private static final int MAX_CHARS = 4096;

    private Printable() {
    }

    public static String of(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_CHARS));
        for (int i = 0; i < s.length() && b.length() < MAX_CHARS; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (b.length() >= MAX_CHARS && s.length() > b.length()) {
            b.append('…');
        }
        return b.toString();
    }
}
