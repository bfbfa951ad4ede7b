package ctguard.io.fleet.ssh;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;

/**
 * A per-host failure of the SSH side of a fleet run. The message names the host and says what to do;
 * {@link #kind()} lets the caller sort hosts (unreachable ones are UNKNOWN in the fleet verdict).
 */
public final class SshException extends CtguardException {
    /** What went wrong, in the order a connection meets it. */
    public enum Kind {
        /** A problem on our side: a named identity file missing or unreadable, an unsupported ssh_config option. */
        CONFIG(ExitCode.DATA_ERROR),
        /** The TCP connection or the SSH handshake could not be established (refused, timed out, no route, closed). */
        CONNECT(ExitCode.UNAVAILABLE),
        /** The host's key is not in known_hosts (and --accept-new-host-keys was not given). */
        HOST_KEY_UNKNOWN(ExitCode.NO_PERMISSION),
        /** The host's key differs from the one in known_hosts: always refused. */
        HOST_KEY_CHANGED(ExitCode.NO_PERMISSION),
        /** The host's key is marked @revoked in known_hosts: always refused, never recorded. */
        HOST_KEY_REVOKED(ExitCode.NO_PERMISSION),
        /** No offered key was accepted. */
        AUTH(ExitCode.NO_PERMISSION),
        /** The remote command did not exit within the command timeout. */
        COMMAND_TIMEOUT(ExitCode.TEMP_FAIL),
        /** The remote command failed without producing the output expected of it. */
        COMMAND_FAILED(ExitCode.UNAVAILABLE),
        /** The remote output could not be understood (truncated, too large, unexpected paths). */
        BAD_OUTPUT(ExitCode.DATA_ERROR),
        /** Any other SSH protocol error. */
        SSH(ExitCode.UNAVAILABLE);

        private final ExitCode exitCode;

        Kind(ExitCode exitCode) {
            this.exitCode = exitCode;
        }
    }

    private final Kind kind;
    private final String host;

    public SshException(Kind kind, String host, String message) {
        this(kind, host, message, null);
    }

    public SshException(Kind kind, String host, String message, Throwable cause) {
        super(kind.exitCode, message, cause);
        this.kind = kind;
        this.host = host;
    }

    public Kind kind() {
        return kind;
    }

    /** The inventory name of the host. */
    public String host() {
        return host;
    }

    /** The kind of host failure a fleet report counts this as. */
    public ctguard.core.fleet.HostFailure.Kind failureKind() {
        return switch (kind) {
            case CONNECT -> ctguard.core.fleet.HostFailure.Kind.UNREACHABLE;
            case HOST_KEY_UNKNOWN, HOST_KEY_CHANGED, HOST_KEY_REVOKED -> ctguard.core.fleet.HostFailure.Kind.HOST_KEY;
            case AUTH -> ctguard.core.fleet.HostFailure.Kind.AUTH;
            case COMMAND_TIMEOUT -> ctguard.core.fleet.HostFailure.Kind.TIMEOUT;
            case BAD_OUTPUT -> ctguard.core.fleet.HostFailure.Kind.BAD_OUTPUT;
            case CONFIG -> ctguard.core.fleet.HostFailure.Kind.CONFIG;
            case COMMAND_FAILED, SSH -> ctguard.core.fleet.HostFailure.Kind.FAILED;
        };
    }

    /** The node could not be reached at all (as opposed to reached and refused or failed). */
    public boolean unreachable() {
        return kind == Kind.CONNECT;
    }
}
