package ctguard.core;

/** Process exit codes: Nagios for check verdicts, sysexits(3) for every error. */
public enum ExitCode {
    OK(0), WARNING(1), CRITICAL(2), UNKNOWN(3),
    USAGE(64), DATA_ERROR(65), UNAVAILABLE(69), INTERNAL(70), CANT_CREATE(73), TEMP_FAIL(75), NO_PERMISSION(77);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
