package ctguard.cli;

/**
 * The first line check prints, as a Nagios/Icinga plugin: {@code CONNTRACK STATUS - summary | perfdata}.
 * Never coloured (a monitoring system stores it verbatim) and free of ';', which Nagios turns into ':' in
 * the summary (its own field separator): a message's "what happened; what to do" reads "what happened -
 * what to do" there.
 */
final class StatusLine {
    private StatusLine() {
    }

    static String of(String status, String summary, String perfdata) {
        String plain = summary.replace('\n', ' ').replace("; ", " - ").replace(';', ',');
        return "CONNTRACK " + status + " - " + plain + (perfdata.isEmpty() ? "" : " | " + perfdata);
    }
}
