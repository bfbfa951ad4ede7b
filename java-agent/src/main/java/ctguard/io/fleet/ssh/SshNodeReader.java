package ctguard.io.fleet.ssh;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.OpenSSHConfig;
import com.jcraft.jsch.Session;
import ctguard.core.LogScan;
import ctguard.core.NodeState;

import javax.crypto.KeyAgreement;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Reads a node over SSH without the agent installed there: one connection and one exec per host, host
 * keys verified against known_hosts, public-key authentication only (key files and ssh-agent; nothing
 * ever prompts). Thread-safe: a fleet run calls it from many threads at once.
 *
 * <p>Every failure is an {@link SshException} naming the host (its {@link SshException#kind()} sorts
 * unreachable from refused from failed), except what the node's kernel files themselves say (e.g.
 * nf_conntrack not loaded), which is ProcfsKernel's {@link ctguard.core.CtguardException} as on a local run.
 */
public final class SshNodeReader {
    /** The remote command; the script comes on its standard input (works whatever the login shell). */
    static final String SHELL_COMMAND = "sh -s";
    /**
     * What one host may send: the script's answer is about 12 KiB, an agent's a few tens; a host that sends
     * more is cut off at once. Output is parsed as it arrives, so a host costs what is kept of its answer (at
     * most this) plus one line, and a run's memory is bounded by forks × this (README, "Fleet": measured).
     */
    static final int MAX_STDOUT = 1 << 20;
    static final int MAX_STDERR = 64 << 10;
    private static final int CONNECT_ATTEMPTS = 3;
    /** Cuts handshakes that outlive the connect timeout; one daemon thread for every host of a run. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ctguard-ssh-deadline");
        t.setDaemon(true);
        return t;
    });
    /**
     * JSch probes each candidate key exchange on every connection before offering it, generating a key
     * pair for each curve one (~3 ms a connection, and the JIT of X448 code no connection uses). X25519 and
     * X448 are part of the JDK (JEP 324) unless a restricted provider set (FIPS mode) leaves them out, so
     * they are looked up once per run instead; the rest (ML-KEM, sntrup761: optional providers) are probed
     * as before.
     */
    static final String KEXES_TO_PROBE = kexesToProbe(JSch.getConfig("CheckKexes"), SshNodeReader::jdkHasCurve);

    /** Parsed ssh_config files by path, size and modification time: parsed once per fleet run. */
    private static final ConcurrentHashMap<String, ConfigRepository> CONFIGS = new ConcurrentHashMap<>();

    /** What the remote script left besides its parsed output: its exit status (-1 when none was sent) and standard error. */
    private record Exit(int status, String stderr) {
    }

    /** Either the node's state and kernel log read by the script, or the remote agent's {@code check --json} output. */
    public record RemoteResult(NodeState state, LogScan log, String agentJson, int agentExitStatus, String agentStderr) {
        public boolean fromAgent() {
            return agentJson != null;
        }
    }

    /**
     * One exec: when {@code remoteAgentPath} is given, is a file on the node and java is on its PATH, runs
     * {@code java -jar PATH check --json} there; otherwise reads the node's files with the script. {@code address}
     * (ansible_host), {@code port} (0: unset), {@code user} and {@code identityFile} (ansible_ssh_private_key_file)
     * may be null: ~/.ssh/config and the options fill them in.
     */
    public RemoteResult readOrRunAgent(String hostName, String address, int port, String user, String identityFile,
                                       String remoteAgentPath, SshOptions options, Duration since) {
        SshTarget target = target(hostName, address, port, user, identityFile, options);
        boolean agentAsked = remoteAgentPath != null && !remoteAgentPath.isBlank();
        String script = agentAsked ? RemoteRead.scriptWithAgent(remoteAgentPath, since) : RemoteRead.script(since);
        // an agent's answer is looked for only when one was asked for: otherwise the marker is just output
        RemoteRead.Parser parser = new RemoteRead.Parser(target.hostName(), agentAsked);
        Exit exit = run(target, options, script.getBytes(StandardCharsets.UTF_8), parser);
        String agent = parser.agentJson();
        if (agent != null) {
            if (agent.isBlank()) {
                throw new SshException(SshException.Kind.COMMAND_FAILED, target.hostName(), "the ctguard agent %s on %s printed nothing (exit status %d)%s"
                        .formatted(remoteAgentPath, target.hostName(), exit.status(), RemoteRead.excerpt(exit.stderr(), "")));
            }
            return new RemoteResult(null, null, agent, exit.status(), exit.stderr());
        }
        RemoteRead read = parser.finish(exit.stderr(), exit.status());
        return new RemoteResult(read.toNodeState(), read.kernelLog(java.time.Instant.now(), since), null, -1, null);
    }

    /** The resolved connection parameters of a host (inventory, then ~/.ssh/config, then the options). */
    public SshTarget target(String hostName, String address, int port, String user, String identityFile, SshOptions options) {
        return SshTarget.resolve(hostName, address, port, user, identityFile, options, config(options, hostName));
    }

    /** Connects, runs the shell with the script on its standard input, its output into the parser, and disconnects. */
    private Exit run(SshTarget target, SshOptions options, byte[] script, RemoteRead.Parser parser) {
        HostKeyVerifier verifier;
        try {
            verifier = HostKeyVerifier.load(options.knownHostsFile(), options.acceptNewHostKeys());
        } catch (IOException e) {
            throw new SshException(SshException.Kind.CONFIG, target.hostName(), "cannot read %s: %s".formatted(options.knownHostsFile(), e.getMessage()), e);
        }
        Identities identities = Identities.of(target, options);
        Session session = connect(target, options, verifier, identities);
        try {
            return exec(target, options, session, script, parser);
        } finally {
            session.disconnect();
        }
    }

    /** JSch's list of key exchanges to probe, without the XDH ones whose curve the JDK is known to have. */
    static String kexesToProbe(String probed, Predicate<String> jdkHasCurve) {
        boolean x25519 = jdkHasCurve.test("X25519");
        boolean x448 = jdkHasCurve.test("X448");
        return Arrays.stream(probed.split(","))
                .filter(kex -> !(kex.startsWith("curve25519-") && x25519 || kex.startsWith("curve448-") && x448))
                .collect(Collectors.joining(","));
    }

    private static boolean jdkHasCurve(String curve) {
        try {
            KeyPairGenerator.getInstance(curve);
            KeyAgreement.getInstance(curve);
            return true;
        } catch (NoSuchAlgorithmException e) {
            return false;
        }
    }

    private static ConfigRepository config(SshOptions options, String hostName) {
        Path file = options.sshConfigFile();
        if (file == null) {
            return null;
        }
        Path p = file.toAbsolutePath().normalize();
        try {
            String key = p + "\0" + Files.size(p) + "\0" + Files.getLastModifiedTime(p).toMillis();
            ConfigRepository cached = CONFIGS.get(key);
            if (cached == null) {
                cached = OpenSSHConfig.parseFile(p.toString());
                CONFIGS.put(key, cached);
            }
            return cached;
        } catch (IOException e) {
            throw new SshException(SshException.Kind.CONFIG, hostName, "cannot read %s: %s".formatted(p, e.getMessage()), e);
        }
    }

    private Session connect(SshTarget target, SshOptions options, HostKeyVerifier verifier, Identities identities) {
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            Session session;
            try {
                session = new JSch().getSession(target.user(), target.address(), target.port());
            } catch (JSchException e) {
                throw new SshException(SshException.Kind.CONFIG, target.hostName(), "%s: %s".formatted(target.hostName(), e.getMessage()), e);
            }
            session.setHostKeyRepository(verifier);
            session.setIdentityRepository(identities);
            session.setConfig("StrictHostKeyChecking", "yes");
            session.setConfig("PreferredAuthentications", "publickey");
            session.setConfig("CheckKexes", KEXES_TO_PROBE);
            session.setDaemonThread(true);
            if (target.hostKeyAlias() != null) {
                session.setHostKeyAlias(target.hostKeyAlias());
            }
            long remaining = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            DeadlineSockets sockets = new DeadlineSockets((int) remaining);
            session.setSocketFactory(sockets);
            // each read of the handshake may come in time while the whole never ends (a tarpit's endless
            // pre-banner lines, junk at a few bytes a second): the deadline cuts the socket itself
            ScheduledFuture<?> cut = WATCHDOG.schedule(sockets::expire, remaining, TimeUnit.MILLISECONDS);
            try {
                session.connect((int) remaining);
                cut.cancel(false);
                return session;
            } catch (JSchException e) {
                cut.cancel(false);
                session.disconnect();
                if (sockets.expired()) {
                    throw new SshException(SshException.Kind.CONNECT, target.hostName(), ("cannot connect to %s: timed out during the SSH handshake "
                            + "(not done within the connect timeout %s: a silent server, a tarpit, or an sshd too loaded to answer)")
                            .formatted(target.endpoint(), format(options.connectTimeout())), e);
                }
                SshException failure = classify(target, options, verifier, identities, e);
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                // sshd drops connections beyond MaxStartups (default 10:30:100) before the key exchange:
                // a fleet run with more forks than that meets it on a single node; try again shortly
                if (attempt < CONNECT_ATTEMPTS && droppedBeforeKex(verifier, e) && left > 500) {
                    sleep(ThreadLocalRandom.current().nextLong(100, 100 + 200L * attempt));
                    continue;
                }
                throw failure;
            }
        }
    }

    private static boolean droppedBeforeKex(HostKeyVerifier verifier, JSchException e) {
        if (verifier.outcome() != HostKeyVerifier.Outcome.NOT_CHECKED) {
            return false;
        }
        String msg = String.valueOf(e.getMessage());
        Throwable cause = rootCause(e);
        return msg.contains("closed by foreign host") || cause instanceof SocketException && String.valueOf(cause.getMessage()).contains("reset");
    }

    private SshException classify(SshTarget t, SshOptions options, HostKeyVerifier verifier, Identities identities, JSchException e) {
        String host = t.hostName();
        String checked = verifier.checkedHost();
        switch (verifier.outcome()) {
            case UNKNOWN -> {
                String extra = verifier.recordFailure() == null ? "" : " (recording it failed: " + verifier.recordFailure() + ")";
                return new SshException(SshException.Kind.HOST_KEY_UNKNOWN, host, "host key for %s (%s) is not in %s: add it (ssh-keyscan) or pass --accept-new-host-keys%s"
                        .formatted(host, t.endpoint(), options.knownHostsFile(), extra), e);
            }
            case CHANGED -> {
                return new SshException(SshException.Kind.HOST_KEY_CHANGED, host, "host key for %s CHANGED — possible man-in-the-middle; refusing (%s offered %s, which differs from its entry %s in %s)"
                        .formatted(host, t.endpoint(), verifier.offeredKeyDescription(), checked, options.knownHostsFile()), e);
            }
            case REVOKED -> {
                return new SshException(SshException.Kind.HOST_KEY_REVOKED, host, "host key for %s is REVOKED (@revoked at line %d of %s); refusing (%s offered %s)"
                        .formatted(host, verifier.line(), options.knownHostsFile(), t.endpoint(), verifier.offeredKeyDescription()), e);
            }
            case CERT_AUTHORITY_ONLY -> {
                return new SshException(SshException.Kind.HOST_KEY_UNKNOWN, host, ("host key for %s (%s) is known only through @cert-authority (line %d of %s): "
                        + "host certificates are not supported by ctguard fleet; add the host's own key (ssh-keyscan)")
                        .formatted(host, t.endpoint(), verifier.line(), options.knownHostsFile()), e);
            }
            case OTHER_TYPE_KNOWN -> {
                if (options.acceptNewHostKeys()) {
                    return new SshException(SshException.Kind.HOST_KEY_CHANGED, host, "host key for %s CHANGED — possible man-in-the-middle; refusing (%s offered %s, %s holds only %s for %s)"
                            .formatted(host, t.endpoint(), verifier.offeredKeyDescription(), options.knownHostsFile(), verifier.knownTypes(), checked), e);
                }
                return new SshException(SshException.Kind.HOST_KEY_UNKNOWN, host, "host key for %s (%s) is not in %s: add it (ssh-keyscan) or pass --accept-new-host-keys (the file holds only %s for %s; the host offered %s)"
                        .formatted(host, t.endpoint(), options.knownHostsFile(), verifier.knownTypes(), checked, verifier.offeredKeyDescription()), e);
            }
            default -> {
                // host key accepted (or never reached): authentication or the connection itself
            }
        }
        String msg = String.valueOf(e.getMessage());
        if (e.getClass().getSimpleName().equals("JSchAuthCancelException") || msg.startsWith("Auth fail") || msg.startsWith("Auth cancel") || msg.startsWith("USERAUTH fail")) {
            return new SshException(SshException.Kind.AUTH, host, "authentication failed for %s@%s (%s)".formatted(t.user(), host, identities.describeOffered()), e);
        }
        Throwable cause = rootCause(e);
        String reason;
        if (cause instanceof ConnectException) {
            reason = "connection refused";
        } else if (cause instanceof SocketTimeoutException || msg.startsWith("timeout")) {
            // "timeout: socket is not established" / "Connect timed out": no TCP connection; else a silent server
            boolean tcpConnected = !msg.contains("not established") && !String.valueOf(cause.getMessage()).toLowerCase().contains("connect timed out");
            reason = tcpConnected ? "timed out during the SSH handshake" : "timed out";
        } else if (cause instanceof UnknownHostException) {
            reason = "unknown host (DNS)";
        } else if (cause instanceof NoRouteToHostException) {
            reason = "no route to host";
        } else if (msg.contains("closed by foreign host") || cause instanceof SocketException) {
            reason = "connection closed by the server" + (verifier.outcome() == HostKeyVerifier.Outcome.NOT_CHECKED
                    ? " before the key exchange (sshd MaxStartups, a firewall, or not an SSH server)" : "") + ": " + cause.getMessage();
        } else {
            return new SshException(SshException.Kind.SSH, host, "ssh to %s (%s) failed: %s".formatted(host, t.endpoint(), msg), e);
        }
        return new SshException(SshException.Kind.CONNECT, host, "cannot connect to %s: %s".formatted(t.endpoint(), reason), e);
    }

    private Exit exec(SshTarget target, SshOptions options, Session session, byte[] script, RemoteRead.Parser parser) {
        long deadline = System.nanoTime() + options.commandTimeout().toNanos();
        ChannelExec channel = null;
        LineSink out = new LineSink(MAX_STDOUT, parser);
        LineSink err = new LineSink(MAX_STDERR, null);
        try {
            channel = (ChannelExec) session.openChannel("exec");
            channel.setCommand(SHELL_COMMAND);
            channel.setInputStream(new ByteArrayInputStream(script));
            channel.setOutputStream(out);
            channel.setErrStream(err);
            channel.connect((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            while (!channel.isClosed()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw timeout(target, options);
                }
                if (out.overflowed() || out.failure() != null) {
                    break;
                }
                if (!out.awaitClose(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)))) {
                    continue;
                }
                // stdout is at end of file: the exit status and the channel close follow at once
                sleep(1);
            }
            if (out.failure() != null) {
                throw out.failure();
            }
            if (out.overflowed()) {
                throw new SshException(SshException.Kind.BAD_OUTPUT, target.hostName(), "the output of the command on %s exceeds %d MiB"
                        .formatted(target.hostName(), MAX_STDOUT >> 20));
            }
            out.flushLine();
            if (out.failure() != null) {
                throw out.failure();
            }
            return new Exit(channel.getExitStatus(), err.text());
        } catch (JSchException e) {
            if (System.nanoTime() - deadline >= 0) {
                throw timeout(target, options);
            }
            throw new SshException(SshException.Kind.SSH, target.hostName(), "ssh to %s (%s): cannot run the command: %s"
                    .formatted(target.hostName(), target.endpoint(), e.getMessage()), e);
        } finally {
            if (channel != null) {
                channel.disconnect();
            }
        }
    }

    private static SshException timeout(SshTarget target, SshOptions options) {
        return new SshException(SshException.Kind.COMMAND_TIMEOUT, target.hostName(), "command on %s (%s) did not finish within %s (command timeout)"
                .formatted(target.hostName(), target.endpoint(), format(options.commandTimeout())));
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static Throwable rootCause(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SshException(SshException.Kind.SSH, "", "interrupted");
        }
    }

    /**
     * Receives a stream from JSch's session thread up to a limit, whole lines at a time: into the parser (stdout),
     * or kept as text (stderr, for error messages). A line is held only until its newline. The parser's
     * rejection of a line is kept for the reading thread to throw (throwing here would break JSch's session),
     * and ends the feed. JSch closes the stream at the remote end of file.
     */
    private static final class LineSink extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();
        private final RemoteRead.Parser parser;
        private final int limit;
        private final CountDownLatch closed = new CountDownLatch(1);
        private long received;
        private boolean overflow;
        private SshException failure;

        LineSink(int limit, RemoteRead.Parser parser) {
            this.limit = limit;
            this.parser = parser;
        }

        @Override
        public synchronized void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            if (overflow || failure != null) {
                return;
            }
            long room = limit - received;
            if (len > room) {
                overflow = true;
                len = (int) Math.max(0, room);
            }
            received += len;
            int from = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    line.write(b, from, i - from);
                    deliver();
                    from = i + 1;
                }
            }
            line.write(b, from, off + len - from);
        }

        /** The last line, when the output did not end with a newline. */
        synchronized void flushLine() {
            if (line.size() > 0 && failure == null) {
                deliver();
            }
        }

        private void deliver() {
            String s = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (parser == null) {
                text.append(s).append('\n');
                return;
            }
            try {
                parser.line(s);
            } catch (SshException e) {
                failure = e;
            }
        }

        @Override
        public void close() {
            closed.countDown();
        }

        boolean awaitClose(long nanos) {
            try {
                return closed.await(nanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return true;
            }
        }

        synchronized boolean overflowed() {
            return overflow;
        }

        synchronized SshException failure() {
            return failure;
        }

        synchronized String text() {
            return text.toString() + line.toString(StandardCharsets.UTF_8);
        }
    }
}
