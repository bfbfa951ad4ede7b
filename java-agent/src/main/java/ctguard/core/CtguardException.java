package ctguard.core;

/**
 * A failure the user can act on. The message says what happened and what to do; the exit code follows
 * sysexits. A message may name the operator's options as {@link Option} placeholders, which each front end
 * spells in its own terms. A failure that carries a partial result is an {@link ActionFailedException}.
 */
public class CtguardException extends RuntimeException {
    private final ExitCode exitCode;

    public CtguardException(ExitCode exitCode, String message) {
        this(exitCode, message, null);
    }

    public CtguardException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }

    public static CtguardException usage(String message) {
        return new CtguardException(ExitCode.USAGE, message);
    }

    public static CtguardException data(String message) {
        return new CtguardException(ExitCode.DATA_ERROR, message);
    }
}
