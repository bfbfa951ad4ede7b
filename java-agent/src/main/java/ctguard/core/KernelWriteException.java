package ctguard.core;

/** The kernel refused a write; the exit code says whether it was permission, the value or I/O. */
public class KernelWriteException extends CtguardException {
    private final String tunable;

    public KernelWriteException(String tunable, ExitCode code, String message, Throwable cause) {
        super(code, message, cause);
        this.tunable = tunable;
    }

    public String tunable() {
        return tunable;
    }
}
