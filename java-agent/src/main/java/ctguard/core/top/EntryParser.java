package ctguard.core.top;

import java.nio.charset.StandardCharsets;

/**
 * Parses conntrack's entry lines from bytes, as they stream in: the /proc/net/nf_conntrack form and the
 * one of {@code conntrack -L [-o extended]} (with or without the leading l3 columns), IPv4 and IPv6 in full
 * or compressed form, the flags, mark, zone, secctx, use, accounting and labels (docs/architecture.md,
 * "ctguard top"). A line that does not parse is counted with its number, never thrown at the caller.
 *
 * <p>No String per line: lines are parsed where they lie in the caller's buffer; only a line split across
 * two buffers is copied, into one bounded array.
 */
public final class EntryParser implements ByteSink {
    /** Longest line accepted: a real entry with accounting, secctx and labels is under 600 bytes. */
    static final int MAX_LINE = 4096;
    private static final byte[][] STATE_BYTES = Entry.STATES.stream().map(s -> s.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    private final TopCounts counts;
    private final Entry entry = new Entry();
    /** The first '=' of the token tokenEnd last scanned, or -1. */
    private int equals;
    /** An IPv6 address's groups while it is parsed. */
    private final int[] groups = new int[8];
    private final byte[] carry = new byte[MAX_LINE];
    private int carried;
    /** The carried line is over MAX_LINE: drop bytes until its end. */
    private boolean overlong;
    private long lineNumber;

    public EntryParser(TopCounts counts) {
        this.counts = counts;
    }

    /** Parses every complete line of buf[off, off+len), keeping a trailing partial line for the next call. */
    @Override
    public void accept(byte[] buf, int off, int len) {
        int end = off + len;
        int start = off;
        for (int i = off; i < end; i++) {
            if (buf[i] != '\n') {
                continue;
            }
            if (carried > 0 || overlong) {
                append(buf, start, i);
                finishCarried();
            } else {
                line(buf, start, i);
            }
            start = i + 1;
        }
        if (start < end) {
            append(buf, start, end);
        }
    }

    /** The end of the input: a last line without a newline is a line too. */
    public void end() {
        if (carried > 0 || overlong) {
            finishCarried();
        }
    }

    private void append(byte[] buf, int from, int to) {
        int n = to - from;
        if (overlong || carried + n > MAX_LINE) {
            overlong = true;
            return;
        }
        System.arraycopy(buf, from, carry, carried, n);
        carried += n;
    }

    private void finishCarried() {
        if (overlong) {
            lineNumber++;
            counts.malformed(lineNumber);
        } else {
            line(carry, 0, carried);
        }
        carried = 0;
        overlong = false;
    }

    private void line(byte[] b, int s, int e) {
        lineNumber++;
        if (e > s && b[e - 1] == '\r') {
            e--;
        }
        if (e - s > MAX_LINE) {
            counts.malformed(lineNumber);
            return;
        }
        int first = skipSpaces(b, s, e);
        if (first == e) {
            return;
        }
        entry.clear();
        if (parse(b, first, e)) {
            counts.add(entry);
        } else {
            counts.malformed(lineNumber);
        }
    }

    private static int skipSpaces(byte[] b, int i, int e) {
        while (i < e && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** Where the token starting at i ends; the token's first '=' goes to {@link #equals} (-1 for none), in the same pass. */
    private int tokenEnd(byte[] b, int i, int e) {
        int eq = -1;
        while (i < e) {
            byte c = b[i];
            if (c == ' ' || c == '\t') {
                break;
            }
            if (c == '=' && eq < 0) {
                eq = i;
            }
            i++;
        }
        equals = eq;
        return i;
    }

    private boolean parse(byte[] b, int s, int e) {
        int t = s;
        int te = tokenEnd(b, t, e);
        if (is(b, t, te, "ipv4") || is(b, t, te, "ipv6")) {
            entry.l3 = b[t + 3] == '4' ? 4 : 6;
            t = skipSpaces(b, te, e);
            te = tokenEnd(b, t, e);
            if (number(b, t, te) < 0) {
                return false;
            }
            t = skipSpaces(b, te, e);
            te = tokenEnd(b, t, e);
        }
        // l4 name, then its number (which is what top counts by)
        if (te == t || !isLetters(b, t, te)) {
            return false;
        }
        t = skipSpaces(b, te, e);
        te = tokenEnd(b, t, e);
        long l4 = number(b, t, te);
        if (l4 < 0 || l4 > 255) {
            return false;
        }
        entry.l4 = (int) l4;
        t = skipSpaces(b, te, e);
        te = tokenEnd(b, t, e);
        // the timeout; an offloaded entry has none
        if (te > t && number(b, t, te) >= 0) {
            t = skipSpaces(b, te, e);
            te = tokenEnd(b, t, e);
        }
        if (te > t && b[t] != '[' && equals < 0) {
            entry.state = state(b, t, te);
            t = skipSpaces(b, te, e);
        }
        int srcSeen = 0;
        int dstSeen = 0;
        boolean dportSeen = false;
        while (t < e) {
            te = tokenEnd(b, t, e);
            if (b[t] == '[') {
                if (!flag(b, t, te)) {
                    return false;
                }
            } else {
                int eq = equals;
                if (eq < 0) {
                    return false;
                }
                int v = eq + 1;
                if (is(b, t, eq, "src")) {
                    if (srcSeen++ == 0 && !address(b, v, te, true)) {
                        return false;
                    }
                } else if (is(b, t, eq, "dst")) {
                    if (dstSeen++ == 0 && !address(b, v, te, false)) {
                        return false;
                    }
                } else if (is(b, t, eq, "dport")) {
                    long port = number(b, v, te);
                    if (port < 0 || port > 65535) {
                        return false;
                    }
                    if (!dportSeen) {
                        entry.dport = (int) port;
                        dportSeen = true;
                    }
                } else if (is(b, t, eq, "zone") || is(b, t, eq, "zone-orig")) {
                    long zone = number(b, v, te);
                    if (zone < 0 || zone > 65535) {
                        return false;
                    }
                    entry.zone = (int) zone;
                } else if (is(b, t, eq, "mark")) {
                    long mark = number(b, v, te);
                    if (mark < 0 || mark > 0xFFFFFFFFL) {
                        return false;
                    }
                    entry.mark = mark;
                }
                // sport=, use=, packets=, bytes=, type=, code=, id=, secctx=, labels=, zone-reply=, delta-time= and keys of
                // later versions: not counted, so not parsed either
            }
            t = skipSpaces(b, te, e);
        }
        if (srcSeen == 0 || dstSeen == 0) {
            return false;
        }
        return true;
    }

    private boolean flag(byte[] b, int t, int te) {
        if (is(b, t, te, "[ASSURED]")) {
            entry.flags |= Entry.ASSURED;
        } else if (is(b, t, te, "[UNREPLIED]")) {
            entry.flags |= Entry.UNREPLIED;
        } else if (is(b, t, te, "[OFFLOAD]")) {
            entry.flags |= Entry.OFFLOAD;
        } else if (is(b, t, te, "[HW_OFFLOAD]")) {
            entry.flags |= Entry.OFFLOAD | Entry.HW_OFFLOAD;
        } else {
            // other bracketed words ([SEEN_REPLY] of older tools) carry nothing top counts
            return te - t >= 3 && b[te - 1] == ']';
        }
        return true;
    }

    private static int state(byte[] b, int t, int te) {
        for (int i = 0; i < STATE_BYTES.length - 1; i++) {
            if (is(b, t, te, STATE_BYTES[i])) {
                return i;
            }
        }
        return Entry.STATES.size() - 1;
    }

    /** Parses the original direction's address into the entry; the first address fixes the family when unknown. */
    private boolean address(byte[] b, int v, int te, boolean source) {
        boolean v6 = indexOf(b, v, te, (byte) ':') >= 0;
        if (entry.l3 == 0) {
            entry.l3 = v6 ? 6 : 4;
        } else if ((entry.l3 == 6) != v6) {
            return false;
        }
        if (!v6) {
            long ip = ipv4(b, v, te);
            if (ip < 0) {
                return false;
            }
            if (source) {
                entry.srcHi = ip;
            } else {
                entry.dstHi = ip;
            }
            return true;
        }
        return ipv6(b, v, te, source);
    }

    /** Dotted quad to its 32-bit value, or -1. */
    static long ipv4(byte[] b, int s, int e) {
        long ip = 0;
        int parts = 0;
        int i = s;
        while (i < e) {
            int start = i;
            int octet = 0;
            while (i < e && b[i] >= '0' && b[i] <= '9' && i - start < 3) {
                octet = octet * 10 + (b[i] - '0');
                i++;
            }
            if (i == start || octet > 255) {
                return -1;
            }
            ip = (ip << 8) | octet;
            parts++;
            if (i < e) {
                if (b[i] != '.' || parts == 4) {
                    return -1;
                }
                i++;
                if (i == e) {
                    return -1;
                }
            }
        }
        return parts == 4 ? ip : -1;
    }

    /** Full or '::'-compressed IPv6 (an IPv4 tail too) into the entry's two halves; false when malformed. */
    private boolean ipv6(byte[] b, int s, int e, boolean source) {
        int[] groups = this.groups;
        int n = 0;
        int gap = -1;
        int i = s;
        if (e - s >= 2 && b[s] == ':' && b[s + 1] == ':') {
            gap = 0;
            i = s + 2;
        } else if (e > s && b[s] == ':') {
            return false;
        }
        while (i < e) {
            int start = i;
            int value = 0;
            while (i < e && hex(b[i]) >= 0 && i - start < 4) {
                value = (value << 4) | hex(b[i]);
                i++;
            }
            if (i < e && b[i] == '.') {
                // an IPv4 tail (::ffff:192.0.2.1): two more groups
                long ip = ipv4(b, start, e);
                if (ip < 0 || n > 6) {
                    return false;
                }
                groups[n++] = (int) (ip >>> 16);
                groups[n++] = (int) (ip & 0xFFFF);
                i = e;
                break;
            }
            if (i == start || n == 8) {
                return false;
            }
            groups[n++] = value;
            if (i < e) {
                if (b[i] != ':') {
                    return false;
                }
                i++;
                if (i < e && b[i] == ':') {
                    if (gap >= 0) {
                        return false;
                    }
                    gap = n;
                    i++;
                } else if (i == e) {
                    return false;
                }
            }
        }
        if (gap < 0 ? n != 8 : n > 7) {
            return false;
        }
        long hi = 0;
        long lo = 0;
        int zeros = 8 - n;
        int g = 0;
        for (int k = 0; k < 8; k++) {
            int value;
            if (gap >= 0 && k >= gap && k < gap + zeros) {
                value = 0;
            } else {
                value = groups[g++];
            }
            if (k < 4) {
                hi = (hi << 16) | value;
            } else {
                lo = (lo << 16) | value;
            }
        }
        if (source) {
            entry.srcHi = hi;
            entry.srcLo = lo;
        } else {
            entry.dstHi = hi;
            entry.dstLo = lo;
        }
        return true;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** A decimal (or 0x hexadecimal, as conntrack prints marks with -o extended on some versions) number, or -1. */
    private static long number(byte[] b, int s, int e) {
        if (e <= s || e - s > 18) {
            return -1;
        }
        long v = 0;
        if (e - s > 2 && b[s] == '0' && (b[s + 1] == 'x' || b[s + 1] == 'X')) {
            for (int i = s + 2; i < e; i++) {
                int h = hex(b[i]);
                if (h < 0) {
                    return -1;
                }
                v = (v << 4) | h;
            }
            return v;
        }
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static boolean isLetters(byte[] b, int s, int e) {
        for (int i = s; i < e; i++) {
            byte c = b[i];
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
                return false;
            }
        }
        return b[s] >= 'a' && b[s] <= 'z';
    }

    private static int indexOf(byte[] b, int s, int e, byte c) {
        for (int i = s; i < e; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean is(byte[] b, int s, int e, String word) {
        int n = word.length();
        if (e - s != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b[s + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean is(byte[] b, int s, int e, byte[] word) {
        if (e - s != word.length) {
            return false;
        }
        for (int i = 0; i < word.length; i++) {
            if (b[s + i] != word[i]) {
                return false;
            }
        }
        return true;
    }
}
