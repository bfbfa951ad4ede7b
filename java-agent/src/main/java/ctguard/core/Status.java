package ctguard.core;

/** Nagios check states, ordered from best to worst. */
public enum Status {
    OK, WARNING, CRITICAL, UNKNOWN;

    public Status worse(Status other) {
        return severity(other) > severity(this) ? other : this;
    }

    /** UNKNOWN ranks between WARNING and CRITICAL when combining, as Nagios aggregators do. */
    private static int severity(Status s) {
        return switch (s) {
            case OK -> 0;
            case WARNING -> 1;
            case UNKNOWN -> 2;
            case CRITICAL -> 3;
        };
    }

    public ExitCode exitCode() {
        return ExitCode.valueOf(name());
    }
}
