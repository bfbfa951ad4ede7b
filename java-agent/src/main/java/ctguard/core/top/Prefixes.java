package ctguard.core.top;

/** The /24 and /64 prefixes top counts by, written as people read them. */
final class Prefixes {
    private Prefixes() {
    }

    /** @param key the top 24 bits of an IPv4 address */
    static String ipv4(long key) {
        return "%d.%d.%d.0/24".formatted((key >>> 16) & 0xFF, (key >>> 8) & 0xFF, key & 0xFF);
    }

    /** @param hi the top 64 bits of an IPv6 address; compressed as RFC 5952 writes it */
    static String ipv6(long hi) {
        int[] g = {(int) (hi >>> 48) & 0xFFFF, (int) (hi >>> 32) & 0xFFFF, (int) (hi >>> 16) & 0xFFFF, (int) hi & 0xFFFF, 0, 0, 0, 0};
        // the longest run of two or more zero groups becomes "::"
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLength - 1;
                continue;
            }
            if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s + "/64";
    }
}
