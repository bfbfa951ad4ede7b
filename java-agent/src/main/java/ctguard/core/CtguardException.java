package ctguard.core;

/**
 * A failure the user can act on. The message says what happened and what to do; the exit code follows
 * sysexits. An action that had already produced a (partial) result, such as a rolled-back prepare,
 * carries it so that --json can still report what was done.
 */
public class CtguardException extends RuntimeException {
    private final ExitCode exitCode;
    private final transient Result partialResult;

    public CtguardException(ExitCode exitCode, String message) {
        this(exitCode, message, null, null);
    }

    public CtguardException(ExitCode exitCode, String message, Throwable cause) {
        this(exitCode, message, cause, null);
    }

    public CtguardException(ExitCode exitCode, String message, Throwable cause, Result partialResult) {
        super(message, cause);
        this.exitCode = exitCode;
        this.partialResult = partialResult;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public Result partialResult() {
        return partialResult;
    }

    public static CtguardException usage(String message) {
        return new CtguardException(ExitCode.USAGE, message);
    }

    public static CtguardException data(String message) {
        return new CtguardException(ExitCode.DATA_ERROR, message);
    }
}
