package ctguard.core;

/**
 * A change that failed after it had produced a result, such as a rolled-back prepare: it carries that result so
 * that a front end can still report what was done (JSON's tunables and rollback beside the error).
 */
public class ActionFailedException extends CtguardException {
    private final transient Result partialResult;

    public ActionFailedException(ExitCode exitCode, String message, Throwable cause, Result partialResult) {
        super(exitCode, message, cause);
        this.partialResult = partialResult;
    }

    public Result partialResult() {
        return partialResult;
    }
}
