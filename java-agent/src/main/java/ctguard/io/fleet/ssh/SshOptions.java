package ctguard.io.fleet.ssh;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How ctguard connects to the nodes of a fleet. Everything a host does not say itself (through the
 * inventory or ~/.ssh/config) comes from here.
 *
 * @param knownHostsFile       the known_hosts file host keys are verified against (plain and hashed entries)
 * @param acceptNewHostKeys    OpenSSH's accept-new: record the key of a host that has none in the file yet;
 *                             a changed key is refused either way
 * @param connectTimeout       TCP connect and every read of the SSH handshake and authentication
 * @param commandTimeout       from opening the exec channel until the remote command has exited
 * @param defaultUser          the user when neither the inventory nor ~/.ssh/config names one
 * @param defaultIdentityFiles keys offered when no identity file is named for a host (OpenSSH's defaults
 *                             that exist: ~/.ssh/id_ed25519, id_ecdsa, id_rsa)
 * @param agentSocket          the ssh-agent socket (SSH_AUTH_SOCK), null for none
 * @param sshConfigFile        an OpenSSH client config (~/.ssh/config), null for none
 */
public record SshOptions(
        Path knownHostsFile,
        boolean acceptNewHostKeys,
        Duration connectTimeout,
        Duration commandTimeout,
        String defaultUser,
        List<Path> defaultIdentityFiles,
        Path agentSocket,
        Path sshConfigFile) {

    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** OpenSSH's default identities, in the order it offers them. */
    public static final List<String> DEFAULT_IDENTITY_NAMES = List.of("id_ed25519", "id_ecdsa", "id_rsa");

    public SshOptions {
        Objects.requireNonNull(knownHostsFile, "knownHostsFile");
        Objects.requireNonNull(defaultUser, "defaultUser");
        defaultIdentityFiles = List.copyOf(defaultIdentityFiles);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("commandTimeout", commandTimeout);
    }

    /** The defaults of the user running ctguard: its home, its name, SSH_AUTH_SOCK. */
    public static SshOptions defaults() {
        return defaults(System.getenv(), Path.of(System.getProperty("user.home")), System.getProperty("user.name"));
    }

    /** The defaults for a given environment, home directory and local user name. */
    public static SshOptions defaults(Map<String, String> env, Path home, String user) {
        Path ssh = home.resolve(".ssh");
        List<Path> identities = DEFAULT_IDENTITY_NAMES.stream().map(ssh::resolve).filter(Files::isRegularFile).toList();
        String sock = env.get("SSH_AUTH_SOCK");
        Path config = ssh.resolve("config");
        return new SshOptions(ssh.resolve("known_hosts"), false, DEFAULT_CONNECT_TIMEOUT, DEFAULT_COMMAND_TIMEOUT, user, identities,
                sock == null || sock.isBlank() ? null : Path.of(sock), Files.isRegularFile(config) ? config : null);
    }

    public SshOptions withKnownHostsFile(Path file) {
        return new SshOptions(file, acceptNewHostKeys, connectTimeout, commandTimeout, defaultUser, defaultIdentityFiles, agentSocket, sshConfigFile);
    }

    /** The known_hosts file; null keeps the current one (for an unset --known-hosts). */
    public SshOptions withKnownHosts(Path file) {
        return file == null ? this : withKnownHostsFile(file);
    }

    public SshOptions withAcceptNewHostKeys(boolean accept) {
        return new SshOptions(knownHostsFile, accept, connectTimeout, commandTimeout, defaultUser, defaultIdentityFiles, agentSocket, sshConfigFile);
    }

    public SshOptions withTimeouts(Duration connect, Duration command) {
        return new SshOptions(knownHostsFile, acceptNewHostKeys, connect, command, defaultUser, defaultIdentityFiles, agentSocket, sshConfigFile);
    }

    public SshOptions withDefaultIdentityFiles(List<Path> files) {
        return new SshOptions(knownHostsFile, acceptNewHostKeys, connectTimeout, commandTimeout, defaultUser, files, agentSocket, sshConfigFile);
    }

    /** Null: no ssh-agent. */
    public SshOptions withAgentSocket(Path socket) {
        return new SshOptions(knownHostsFile, acceptNewHostKeys, connectTimeout, commandTimeout, defaultUser, defaultIdentityFiles, socket, sshConfigFile);
    }

    /** Null: no ~/.ssh/config. */
    public SshOptions withSshConfigFile(Path file) {
        return new SshOptions(knownHostsFile, acceptNewHostKeys, connectTimeout, commandTimeout, defaultUser, defaultIdentityFiles, agentSocket, file);
    }

    private static void requirePositive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be positive and below 24 days: " + d);
        }
    }
}
