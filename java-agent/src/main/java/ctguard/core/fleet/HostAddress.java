package ctguard.core.fleet;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host identifier with an optional port, parsed as Ansible's {@code parse_address} does
 * (ansible/parsing/utils/addresses.py): a host name, an IPv4 or an IPv6 address, optionally with {@code [x:y]}
 * ranges, followed by {@code :PORT} (IPv6 only in brackets: {@code [::1]:2222}).
 *
 * @param host the identifier without the port (ranges not yet expanded)
 * @param port the port, or null when none was given
 */
public record HostAddress(String host, Integer port) {
    private static final String NUMERIC_RANGE = "\\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\\]";
    private static final String HEX_RANGE = "\\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\\]";
    private static final String ALNUM_RANGE = "\\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\\]";
    private static final String IPV6_COMPONENT = "(?:[0-9a-f]{1,4}|" + HEX_RANGE + ")";
    private static final String IPV4_COMPONENT = "(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|" + NUMERIC_RANGE + ")";
    private static final String LABEL = "(?:[\\w]|" + ALNUM_RANGE + ")(?:[\\w_-]|" + ALNUM_RANGE + ")*(?<![_-])";

    private static final Pattern BRACKETED_HOSTPORT = Pattern.compile("\\[(.+)\\]:([0-9]+)");
    private static final Pattern HOSTPORT = Pattern.compile("((?:[^:\\[\\]]|\\[[^\\]]*\\])*):([0-9]+)");
    private static final Pattern IPV4 = Pattern.compile("(?:" + IPV4_COMPONENT + "\\.){3}" + IPV4_COMPONENT, Pattern.CASE_INSENSITIVE);
    private static final Pattern IPV6 = Pattern.compile(ipv6(IPV6_COMPONENT), Pattern.CASE_INSENSITIVE);
    private static final Pattern HOSTNAME = Pattern.compile(LABEL + "(?:\\." + LABEL + ")*",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

    private static String ipv6(String c) {
        String i4 = "(?:" + c + "\\.){3}" + c;
        return "(?:(?:" + c + ":){7}" + c
                + "|(?:" + c + ":){1,6}:"
                + "|(?:" + c + ":)(?::" + c + "){1,6}"
                + "|(?:" + c + ":){2}(?::" + c + "){1,5}"
                + "|(?:" + c + ":){3}(?::" + c + "){1,4}"
                + "|(?:" + c + ":){4}(?::" + c + "){1,3}"
                + "|(?:" + c + ":){5}(?::" + c + "){1,2}"
                + "|(?:" + c + ":){6}(?::" + c + ")"
                + "|:(?::" + c + "){1,6}"
                + "|" + c + "?::"
                + "|(?:0:){6}" + i4
                + "|::(?:ffff:)?" + i4
                + "|(?:0:){5}ffff:" + i4 + ")";
    }

    /**
     * Parses {@code text}; empty when it is not a host identifier (optionally with a port) at all, or when it holds
     * a range and {@code allowRanges} is false.
     */
    public static Optional<HostAddress> parse(String text, boolean allowRanges) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String address = text;
        Integer port = null;
        for (Pattern p : new Pattern[] {BRACKETED_HOSTPORT, HOSTPORT}) {
            Matcher m = p.matcher(address);
            if (m.matches()) {
                address = m.group(1);
                port = parsePort(m.group(2));
            }
        }
        if (!(IPV4.matcher(address).matches() || IPV6.matcher(address).matches() || HOSTNAME.matcher(address).matches())) {
            return Optional.empty();
        }
        if (!allowRanges && address.contains("[")) {
            return Optional.empty();
        }
        return Optional.of(new HostAddress(address, port));
    }

    /** Digits as an int; a number too large for one becomes -1 (never a valid port). */
    private static Integer parsePort(String digits) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
