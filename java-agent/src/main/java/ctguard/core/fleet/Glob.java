package ctguard.core.fleet;

import java.util.regex.Pattern;

/**
 * Python's {@code fnmatch.translate} as a Java regex: {@code *} any run, {@code ?} one character, {@code [abc]},
 * {@code [a-z]} and {@code [!abc]} sets ({@code ]} first in a set is literal, an unclosed {@code [} is literal).
 * Case-sensitive, matched against the whole name, as Ansible's host patterns are.
 */
final class Glob {
    private Glob() {
    }

    static boolean isGlob(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0 || text.indexOf('[') >= 0;
    }

    static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder("(?s)");
        int[] cps = glob.codePoints().toArray();
        int n = cps.length;
        int i = 0;
        while (i < n) {
            int c = cps[i++];
            if (c == '*') {
                if (!re.toString().endsWith(".*")) {
                    re.append(".*");
                }
            } else if (c == '?') {
                re.append('.');
            } else if (c == '[') {
                int j = i;
                if (j < n && cps[j] == '!') {
                    j++;
                }
                if (j < n && cps[j] == ']') {
                    j++;
                }
                while (j < n && cps[j] != ']') {
                    j++;
                }
                if (j >= n) {
                    re.append("\\[");
                } else {
                    re.append(charClass(cps, i, j));
                    i = j + 1;
                }
            } else {
                re.append(literal(c));
            }
        }
        return Pattern.compile(re.toString());
    }

    /** The set between {@code [} (exclusive, at from) and {@code ]} (exclusive, at to). */
    private static String charClass(int[] cps, int from, int to) {
        boolean negate = from < to && cps[from] == '!';
        int p = negate ? from + 1 : from;
        StringBuilder items = new StringBuilder();
        while (p < to) {
            if (p + 2 < to && cps[p + 1] == '-') {
                int lo = cps[p];
                int hi = cps[p + 2];
                if (lo <= hi) { // Python drops empty ranges
                    items.append(literal(lo)).append('-').append(literal(hi));
                }
                p += 3;
            } else {
                items.append(literal(cps[p]));
                p++;
            }
        }
        if (items.length() == 0) {
            return negate ? "." : "(?!)";
        }
        return "[" + (negate ? "^" : "") + items + "]";
    }

    private static String literal(int codePoint) {
        return "\\x{" + Integer.toHexString(codePoint) + "}";
    }
}
