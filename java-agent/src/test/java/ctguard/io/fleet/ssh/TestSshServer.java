package ctguard.io.fleet.ssh;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;

/**
 * An in-process Apache MINA SSHD server for the client tests: fixed host key(s) for its lifetime,
 * public-key authentication against one authorized key, and an exec that really runs the command with
 * sh on this machine. For {@code sh -s} (the reader's script on stdin) the script's {@code R=/} line is
 * rewritten to a fixture root, so the real script reads a fixture tree; other commands run with
 * {@code sh -c}, with {@code extraPath} first on PATH (a fake {@code java}, say).
 */
final class TestSshServer implements AutoCloseable {
    /** RUN the command on a fixture tree; HANG forever; FORGE: answer every command with {@link #FORGED}, as a hostile host may. */
    enum Mode { RUN, HANG, FORGE }

    /** What a FORGE server prints: the agent marker and a made-up "all is well". */
    static final String FORGED = RemoteRead.MARK + "agent\n{\"schema\":\"ctguard/v1\",\"verdict\":{\"status\":\"OK\"}}\n";

    private final SshServer sshd;
    private final AtomicInteger execs = new AtomicInteger();

    TestSshServer(List<KeyPair> hostKeys, PublicKey authorized, Mode mode, Path root, Path extraPath) throws IOException {
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKeys));
        sshd.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, authorized));
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setCommandFactory((channel, command) -> {
            execs.incrementAndGet();
            return switch (mode) {
                case HANG -> new Hanging();
                case FORGE -> new Forged();
                case RUN -> new Shell(command, root, extraPath);
            };
        });
        sshd.start();
    }

    int port() {
        return sshd.getPort();
    }

    int execs() {
        return execs.get();
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }

    // --- keys and known_hosts lines ---------------------------------------------------------------

    static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static KeyPair rsaKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A user key as ssh-keygen writes it today (openssh-key-v1), made by JSch; and its public half for the server. */
    record ClientKey(com.jcraft.jsch.KeyPair pair, PublicKey publicKey) {
        static ClientKey generate() {
            try {
                com.jcraft.jsch.KeyPair pair = com.jcraft.jsch.KeyPair.genKeyPair(new com.jcraft.jsch.JSch(), com.jcraft.jsch.KeyPair.ECDSA, 256);
                return new ClientKey(pair, new ByteArrayBuffer(pair.getPublicKeyBlob()).getRawPublicKey());
            } catch (com.jcraft.jsch.JSchException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The private key file, unencrypted (or with a passphrase), mode 0600 (what ssh-add insists on). */
        Path write(Path file, String passphrase) throws IOException {
            try (OutputStream out = Files.newOutputStream(file)) {
                pair.writeOpenSSHv1PrivateKey(out, passphrase == null ? null : passphrase.getBytes(StandardCharsets.UTF_8));
            } catch (com.jcraft.jsch.JSchException e) {
                throw new IOException(e);
            }
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            return file;
        }

        Path write(Path file) throws IOException {
            return write(file, null);
        }
    }

    /** "ecdsa-sha2-nistp256 AAAA..." */
    static String publicKeyEntry(PublicKey key) {
        return PublicKeyEntry.toString(key);
    }

    /** The known_hosts host field for this server: [127.0.0.1]:port. */
    String knownHostsName() {
        return "[127.0.0.1]:" + port();
    }

    static String plainLine(String host, PublicKey key) {
        return host + " " + publicKeyEntry(key);
    }

    /** Hashed like ssh-keygen -H, computed here independently of the code under test. */
    static String hashedLine(String host, PublicKey key) {
        try {
            byte[] salt = new byte[20];
            new SecureRandom().nextBytes(salt);
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            byte[] hash = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
            return "|1|" + Base64.getEncoder().encodeToString(salt) + "|" + Base64.getEncoder().encodeToString(hash) + " " + publicKeyEntry(key);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- commands -----------------------------------------------------------------------------------

    private abstract static class Base implements Command {
        InputStream in;
        OutputStream out;
        OutputStream err;
        ExitCallback exit;

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void destroy(ChannelSession channel) {
        }
    }

    /** Never writes, never exits: a node whose /proc read hangs. */
    private static final class Hanging extends Base {
        @Override
        public void start(ChannelSession channel, Environment env) {
        }
    }

    /** Prints the forged agent answer whatever it was asked, and exits 0. */
    private static final class Forged extends Base {
        @Override
        public void start(ChannelSession channel, Environment env) {
            try {
                out.write(FORGED.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException ignored) {
                // the client went away
            }
            exit.onExit(0);
        }
    }

    private static final class Shell extends Base {
        private final String command;
        private final Path root;
        private final Path extraPath;

        Shell(String command, Path root, Path extraPath) {
            this.command = command;
            this.root = root;
            this.extraPath = extraPath;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(this::run, "test-sshd-exec");
            t.setDaemon(true);
            t.start();
        }

        private void run() {
            int status = 255;
            try {
                byte[] stdin = in.readAllBytes();
                ProcessBuilder pb;
                if (command.equals(SshNodeReader.SHELL_COMMAND)) {
                    String script = new String(stdin, StandardCharsets.UTF_8);
                    if (root != null) {
                        script = script.replaceFirst("(?m)^" + RemoteRead.ROOT_LINE + "$", Matcher.quoteReplacement("R=" + RemoteRead.shellQuote(root.toString())));
                    }
                    stdin = script.getBytes(StandardCharsets.UTF_8);
                    pb = new ProcessBuilder("sh", "-s");
                } else {
                    pb = new ProcessBuilder("sh", "-c", command);
                }
                if (extraPath != null) {
                    Map<String, String> environment = pb.environment();
                    environment.put("PATH", extraPath + ":" + environment.getOrDefault("PATH", "/usr/bin:/bin"));
                }
                Process p = pb.start();
                try (OutputStream toProcess = p.getOutputStream()) {
                    toProcess.write(stdin);
                }
                Thread errPump = new Thread(() -> pump(p.getErrorStream(), err));
                errPump.start();
                pump(p.getInputStream(), out);
                errPump.join();
                status = p.waitFor();
            } catch (IOException | RuntimeException e) {
                status = 255;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                exit.onExit(status);
            }
        }

        private static void pump(InputStream from, OutputStream to) {
            // flushed as it comes, as sshd forwards a command's output: Mina's channel stream would hold it to the end
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = from.read(buffer)) >= 0; ) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
