package ctguard.core.fleet;

import ctguard.core.Printable;

/**
 * Why a host of a fleet run has no result, classified so that reports can count the kinds apart.
 *
 * @param endpoint address:port tried, or null when not resolved
 * @param message  what happened and what to do, made printable (it may quote the host)
 */
public record HostFailure(Kind kind, String endpoint, String message) {
    public enum Kind {
        /** No TCP connection or SSH handshake at all. */
        UNREACHABLE,
        /** The host key is unknown, changed or revoked. */
        HOST_KEY,
        /** No offered key was accepted. */
        AUTH,
        /** Connected, but the read did not finish in time. */
        TIMEOUT,
        /** The host answered something that is not a node's figures. */
        BAD_OUTPUT,
        /** Our side: an identity file, ssh_config, the inventory's values for this host. */
        CONFIG,
        /** The remote command failed, or anything else. */
        FAILED
    }

    public HostFailure {
        message = Printable.of(message);
        endpoint = Printable.of(endpoint);
    }
}
