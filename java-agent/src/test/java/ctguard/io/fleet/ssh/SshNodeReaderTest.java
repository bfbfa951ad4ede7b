package ctguard.io.fleet.ssh;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import ctguard.core.NodeState;
import ctguard.io.Fixtures;
import ctguard.io.ProcfsKernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The SSH client against an in-process MINA SSHD server that runs the real script on fixture trees. */
class SshNodeReaderTest {
    private static final String USER = "ops";
    private static final String HOST = "node-1";

    private static java.security.KeyPair hostKey;
    private static TestSshServer.ClientKey clientKey;

    @TempDir
    Path dir;

    private Path fixture;
    private Path knownHosts;
    private Path identity;
    private TestSshServer server;
    private final SshNodeReader reader = new SshNodeReader();

    @BeforeAll
    static void keys() {
        hostKey = TestSshServer.ecKey();
        clientKey = TestSshServer.ClientKey.generate();
    }

    @BeforeEach
    void setUp() throws IOException {
        fixture = Fixtures.copy(Fixtures.LINUX_6_18, Files.createDirectories(dir.resolve("fixture")));
        knownHosts = dir.resolve("ssh/known_hosts");
        identity = clientKey.write(dir.resolve("id_test"));
    }

    @AfterEach
    void tearDown() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private TestSshServer start() throws IOException {
        server = new TestSshServer(List.of(hostKey), clientKey.publicKey(), TestSshServer.Mode.RUN, fixture, null);
        return server;
    }

    private SshOptions options() {
        return new SshOptions(knownHosts, false, Duration.ofSeconds(5), Duration.ofSeconds(10), "nobody-local", List.of(), null, null);
    }

    private void trust(String... lines) throws IOException {
        Files.createDirectories(knownHosts.getParent());
        Files.writeString(knownHosts, String.join("\n", lines) + "\n");
    }

    private NodeState readState(String host, String address, int port, String user, String identityFile, SshOptions options) {
        return reader.readOrRunAgent(host, address, port, user, identityFile, null, options, java.time.Duration.ofHours(1)).state();
    }

    private NodeState read(SshOptions options) {
        return readState(HOST, "127.0.0.1", server.port(), USER, identity.toString(), options);
    }

    private SshException failure(SshOptions options) {
        return assertThrows(SshException.class, () -> read(options));
    }

    // --- success: the same NodeState as a local read of the same tree ------------------------------

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.LINUX_6_18, Fixtures.LINUX_4_15, Fixtures.LINUX_NOPROCFS})
    void knownHostKeyReadsTheNodeLikeALocalRun(String name) throws IOException {
        fixture = Fixtures.copy(name, Files.createDirectories(dir.resolve(name)));
        start();
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));

        NodeState remote = read(options());

        NodeState local = new ProcfsKernel(fixture).read();
        assertEquals(local, remote);
        assertEquals(1, server.execs(), "one exec per host");
    }

    @Test
    void onlyTheKeyExchangesTheJdkMayLackAreProbedPerConnection() {
        String probed = "mlkem768x25519-sha256,sntrup761x25519-sha512,curve25519-sha256,curve25519-sha256@libssh.org,curve448-sha512";

        assertEquals("mlkem768x25519-sha256,sntrup761x25519-sha512", SshNodeReader.kexesToProbe(probed, curve -> true));
        assertEquals(probed, SshNodeReader.kexesToProbe(probed, curve -> false), "a FIPS-restricted JDK: probe them all");
        assertEquals("mlkem768x25519-sha256,sntrup761x25519-sha512,curve448-sha512",
                SshNodeReader.kexesToProbe(probed, "X25519"::equals));
        assertFalse(SshNodeReader.KEXES_TO_PROBE.contains("curve25519"), "this JDK has X25519: " + SshNodeReader.KEXES_TO_PROBE);
    }

    @Test
    void linux618ValuesArriveIntact() throws IOException {
        start();
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        NodeState s = read(options());
        assertEquals("vm", s.host());
        assertEquals("6.18.44-fc-v657", s.kernel());
        assertEquals(1000, s.count());
        assertEquals(262144, s.max());
        assertEquals(262144, s.buckets());
        assertEquals(120, s.value("nf_conntrack_tcp_timeout_time_wait"));
        assertEquals(24731708L * 1024, s.ramBytes());
        assertEquals("net:[4026531833]", s.netns());
        assertTrue(s.bucketsBySysctl());
        assertTrue(s.tunable("nf_conntrack_max").writable(), "the server runs the script as root");
    }

    @Test
    void hashedKnownHostsEntryIsAccepted() throws IOException {
        start();
        trust("# comment", TestSshServer.hashedLine("other.example", TestSshServer.ecKey().getPublic()),
                TestSshServer.hashedLine(server.knownHostsName(), hostKey.getPublic()));
        assertEquals(1000, read(options()).count());
    }

    @Test
    void theKnownKeyTypeIsNegotiatedWhenTheServerHasSeveral() throws IOException {
        java.security.KeyPair rsa = TestSshServer.rsaKey();
        server = new TestSshServer(List.of(hostKey, rsa), clientKey.publicKey(), TestSshServer.Mode.RUN, fixture, null);
        trust(TestSshServer.hashedLine(server.knownHostsName(), rsa.getPublic()));
        assertEquals(1000, read(options()).count());
    }

    // --- host keys -------------------------------------------------------------------------------------

    @Test
    void unknownHostKeyIsAPerHostErrorAndNothingIsWritten() throws IOException {
        start();
        SshException e = failure(options());
        assertEquals(SshException.Kind.HOST_KEY_UNKNOWN, e.kind());
        assertEquals(HOST, e.host());
        assertEquals("host key for node-1 (127.0.0.1:%d) is not in %s: add it (ssh-keyscan) or pass --accept-new-host-keys"
                .formatted(server.port(), knownHosts), e.getMessage());
        assertFalse(Files.exists(knownHosts));
        assertEquals(0, server.execs());
    }

    @Test
    void acceptNewRecordsAnUnknownKeyHashedAndTheNextConnectionVerifiesIt() throws IOException, InterruptedException {
        start();
        trust("other.example " + TestSshServer.publicKeyEntry(TestSshServer.ecKey().getPublic()));

        assertEquals(1000, read(options().withAcceptNewHostKeys(true)).count());

        List<String> lines = Files.readAllLines(knownHosts);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(1).startsWith("|1|"), lines.get(1));
        assertTrue(lines.get(1).endsWith(TestSshServer.publicKeyEntry(hostKey.getPublic())), lines.get(1));
        // verified against the recorded key, without accept-new
        assertEquals(1000, read(options()).count());
        assertEquals(2, Files.readAllLines(knownHosts).size());
        // OpenSSH finds the entry too
        if (Files.isExecutable(Path.of("/usr/bin/ssh-keygen"))) {
            Process p = new ProcessBuilder("ssh-keygen", "-F", server.knownHostsName(), "-f", knownHosts.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("found: line 2"), out);
        }
    }

    @Test
    void acceptNewCreatesAMissingKnownHostsFile() throws IOException {
        start();
        assertFalse(Files.exists(knownHosts.getParent()));
        assertEquals(1000, read(options().withAcceptNewHostKeys(true)).count());
        assertEquals(1, Files.readAllLines(knownHosts).size());
    }

    @Test
    void concurrentAcceptNewConnectionsRecordTheKeyOnce() throws Exception {
        start();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<NodeState>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> read(options().withAcceptNewHostKeys(true))));
            }
            for (Future<NodeState> f : results) {
                assertEquals(1000, f.get(30, TimeUnit.SECONDS).count());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, Files.readAllLines(knownHosts).size());
    }

    @Test
    void changedKeyIsRefusedEvenWithAcceptNew() throws IOException {
        start();
        String entry = TestSshServer.plainLine(server.knownHostsName(), TestSshServer.ecKey().getPublic());
        trust(entry);
        for (boolean acceptNew : new boolean[]{false, true}) {
            SshException e = failure(options().withAcceptNewHostKeys(acceptNew));
            assertEquals(SshException.Kind.HOST_KEY_CHANGED, e.kind());
            assertTrue(e.getMessage().startsWith("host key for node-1 CHANGED — possible man-in-the-middle; refusing"), e.getMessage());
            assertTrue(e.getMessage().contains("ecdsa-sha2-nistp256 SHA256:"), e.getMessage());
        }
        assertEquals(List.of(entry), Files.readAllLines(knownHosts));
        assertEquals(0, server.execs());
    }

    @Test
    void changedHashedKeyIsRefused() throws IOException {
        start();
        trust(TestSshServer.hashedLine(server.knownHostsName(), TestSshServer.ecKey().getPublic()));
        assertEquals(SshException.Kind.HOST_KEY_CHANGED, failure(options().withAcceptNewHostKeys(true)).kind());
    }

    @Test
    void aHostKnownWithAnotherKeyTypeIsNotRecordedByAcceptNew() throws IOException {
        start(); // offers only its EC key
        String entry = TestSshServer.plainLine(server.knownHostsName(), TestSshServer.rsaKey().getPublic());
        trust(entry);

        SshException strict = failure(options());
        assertEquals(SshException.Kind.HOST_KEY_UNKNOWN, strict.kind());
        assertTrue(strict.getMessage().contains("holds only ssh-rsa"), strict.getMessage());

        SshException acceptNew = failure(options().withAcceptNewHostKeys(true));
        assertEquals(SshException.Kind.HOST_KEY_CHANGED, acceptNew.kind());
        assertEquals(List.of(entry), Files.readAllLines(knownHosts));
    }

    // --- authentication and connection --------------------------------------------------------------

    @Test
    void wrongKeyIsAnAuthenticationFailure() throws IOException {
        start();
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        identity = TestSshServer.ClientKey.generate().write(dir.resolve("id_wrong"));
        SshException e = failure(options());
        assertEquals(SshException.Kind.AUTH, e.kind());
        assertTrue(e.getMessage().startsWith("authentication failed for ops@node-1 (offered: " + identity), e.getMessage());
    }

    @Test
    void noKeyAtAllIsAnAuthenticationFailureSayingSo() throws IOException {
        start();
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        SshException e = assertThrows(SshException.class, () -> readState(HOST, "127.0.0.1", server.port(), USER, null, options()));
        assertEquals(SshException.Kind.AUTH, e.kind());
        assertTrue(e.getMessage().contains("no key to offer"), e.getMessage());
    }

    @Test
    void defaultIdentityFilesAreOfferedWhenNoneIsNamed() throws IOException {
        start();
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        Path wrong = TestSshServer.ClientKey.generate().write(dir.resolve("id_ed25519"));
        SshOptions o = options().withDefaultIdentityFiles(List.of(wrong, identity));
        assertEquals(1000, readState(HOST, "127.0.0.1", server.port(), USER, null, o).count());
    }

    @Test
    void aPassphraseProtectedKeyIsSkippedAndTheFailureSaysWhy() throws IOException {
        start();
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        identity = clientKey.write(dir.resolve("id_locked"), "secret");
        SshException e = failure(options());
        assertEquals(SshException.Kind.AUTH, e.kind());
        assertTrue(e.getMessage().contains(identity + " (passphrase-protected: skipped; load it into ssh-agent)"), e.getMessage());
    }

    @Test
    void aMissingNamedIdentityFileIsAConfigurationError() throws IOException {
        start();
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        SshException e = assertThrows(SshException.class,
                () -> readState(HOST, "127.0.0.1", server.port(), USER, dir.resolve("nope").toString(), options()));
        assertEquals(SshException.Kind.CONFIG, e.kind());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void closedPortIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SshException e = assertThrows(SshException.class,
                () -> readState(HOST, "127.0.0.1", port, USER, identity.toString(), options()));
        assertEquals(SshException.Kind.CONNECT, e.kind());
        assertTrue(e.unreachable());
        assertEquals("cannot connect to 127.0.0.1:" + port + ": connection refused", e.getMessage());
    }

    @Test
    void aSilentServerTimesOutWithinTheConnectTimeout() throws IOException {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                List<Socket> held = new ArrayList<>();
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException e) {
                    held.forEach(s -> {
                        try {
                            s.close();
                        } catch (IOException ignored) {
                            // closing
                        }
                    });
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            SshOptions o = options().withTimeouts(Duration.ofMillis(800), Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            SshException e = assertThrows(SshException.class,
                    () -> readState(HOST, "127.0.0.1", silent.getLocalPort(), USER, identity.toString(), o));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(SshException.Kind.CONNECT, e.kind());
            assertTrue(e.getMessage().startsWith("cannot connect to 127.0.0.1:" + silent.getLocalPort() + ": timed out during the SSH handshake"), e.getMessage());
            assertTrue(ms < 3000, "took " + ms + " ms");
        }
    }

    /**
     * Tarpits: endless lines before the SSH banner (endlessh), and junk trickling at 32 bytes a second.
     * Each read returns in time, so only a deadline on the whole handshake ends them.
     */
    @ParameterizedTest
    @ValueSource(strings = {"pre-banner lines", "slow junk"})
    void aTarpitIsCutOffAtTheConnectTimeout(String kind) throws Exception {
        try (ServerSocket tarpit = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread feeder = new Thread(() -> {
                try (Socket s = tarpit.accept()) {
                    var out = s.getOutputStream();
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (System.nanoTime() < end) {
                        if (kind.equals("slow junk")) {
                            out.write("x".repeat(32).getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            Thread.sleep(1000);
                        } else {
                            out.write("tarpit line\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            Thread.sleep(50);
                        }
                    }
                } catch (Exception closed) {
                    // the client gave up: as it should
                }
            });
            feeder.setDaemon(true);
            feeder.start();
            SshOptions o = options().withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            SshException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                    () -> assertThrows(SshException.class, () -> readState(HOST, "127.0.0.1", tarpit.getLocalPort(), USER, identity.toString(), o)));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(SshException.Kind.CONNECT, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("timed out during the SSH handshake (not done within the connect timeout 2s"), e.getMessage());
            assertTrue(ms < 6000, kind + " took " + ms + " ms for a 2 s connect timeout");
        }
    }

    @Test
    void aCommandThatNeverAnswersHitsTheCommandTimeout() throws IOException {
        server = new TestSshServer(List.of(hostKey), clientKey.publicKey(), TestSshServer.Mode.HANG, fixture, null);
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        SshOptions o = options().withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(700));
        long t0 = System.nanoTime();
        SshException e = failure(o);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertEquals(SshException.Kind.COMMAND_TIMEOUT, e.kind());
        assertEquals("command on node-1 (127.0.0.1:%d) did not finish within 700ms (command timeout)".formatted(server.port()), e.getMessage());
        assertTrue(ms >= 700 && ms < 3000, "took " + ms + " ms");
    }

    // --- exec and the remote agent -------------------------------------------------------------------

    @Test
    void theAgentMarkerIsIgnoredUnlessTheAgentWasAskedFor() throws IOException {
        server = new TestSshServer(List.of(hostKey), clientKey.publicKey(), TestSshServer.Mode.FORGE, fixture, null);
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        SshException e = assertThrows(SshException.class,
                () -> reader.readOrRunAgent(HOST, "127.0.0.1", server.port(), USER, identity.toString(), null, options(), Duration.ofHours(1)));
        assertTrue(e.getMessage().startsWith("no ctguard output from node-1"), "read as the script's output, which it is not: " + e.getMessage());
    }

    /** A node whose {@code id} prints what the script is given instead of the uid. */
    private void startWithId(String idScript) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path id = bin.resolve("id");
        Files.writeString(id, "#!/bin/sh\n" + idScript + "\n");
        Files.setPosixFilePermissions(id, PosixFilePermissions.fromString("rwxr-xr-x"));
        server = new TestSshServer(List.of(hostKey), clientKey.publicKey(), TestSshServer.Mode.RUN, fixture, bin);
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
    }

    /** A host that floods its answer is cut off at the cap, at once, not read to the end or to the command timeout. */
    @Test
    void aFloodingHostIsCutOffAtTheOutputCap() throws IOException {
        startWithId("head -c 5000000 /dev/zero; sleep 20");
        long t0 = System.nanoTime();
        SshException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(SshException.class, () -> read(options())));
        assertEquals(SshException.Kind.BAD_OUTPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("exceeds 1 MiB"), e.getMessage());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 8000, "cut off before the 10 s command timeout");
    }

    /** The answer is parsed as it arrives: the first wrong line ends the read, without waiting for the rest. */
    @Test
    void theFirstWrongLineEndsTheReadAtOnce() throws IOException {
        startWithId("echo 0; echo 'not the script'; sleep 20");
        long t0 = System.nanoTime();
        SshException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(SshException.class, () -> read(options())));
        assertEquals(SshException.Kind.BAD_OUTPUT, e.kind(), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected line 'not the script'"), e.getMessage());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) < 8000, "not read to the 10 s command timeout");
    }

    @Test
    void readOrRunAgentRunsThePresentAgentElseReadsInTheSameExec() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\necho \"{\\\"schema\\\": \\\"ctguard/v1\\\", \\\"args\\\": \\\"$*\\\"}\"\nexit 1\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = Files.writeString(dir.resolve("ctguard.jar"), "not really");
        server = new TestSshServer(List.of(hostKey), clientKey.publicKey(), TestSshServer.Mode.RUN, fixture, bin);
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));

        SshNodeReader.RemoteResult agent = reader.readOrRunAgent(HOST, "127.0.0.1", server.port(), USER, identity.toString(), jar.toString(), options(), Duration.ofHours(1));
        assertTrue(agent.fromAgent());
        assertNull(agent.state());
        assertEquals(1, agent.agentExitStatus());
        assertEquals("{\"schema\": \"ctguard/v1\", \"args\": \"-jar " + jar + " check --json --since 3600s\"}\n", agent.agentJson());

        SshNodeReader.RemoteResult read = reader.readOrRunAgent(HOST, "127.0.0.1", server.port(), USER, identity.toString(),
                dir.resolve("absent.jar").toString(), options(), Duration.ofHours(1));
        assertFalse(read.fromAgent());
        assertEquals(1000, read.state().count());
        assertEquals(2, server.execs());
    }

    // --- ~/.ssh/config and ssh-agent -------------------------------------------------------------------

    @Test
    void sshConfigSuppliesHostNamePortUserAndIdentityFile() throws IOException {
        start();
        trust(TestSshServer.hashedLine(server.knownHostsName(), hostKey.getPublic()));
        Path config = Files.writeString(dir.resolve("config"), """
                Host web-*
                    HostName 127.0.0.1
                    Port %d
                    User %s
                    IdentityFile %s

                Host *
                    User someone-else
                    Port 2
                """.formatted(server.port(), USER, identity));
        SshOptions o = options().withSshConfigFile(config);

        SshTarget t = reader.target("web-1", null, 0, null, null, o);
        assertEquals(new SshTarget("web-1", "127.0.0.1", server.port(), USER, null, List.of(identity), false, null), t);
        assertEquals(1000, readState("web-1", null, 0, null, null, o).count());
        // the inventory wins over the config
        SshTarget explicit = reader.target("web-1", "web-2", 2222, "root", "~/k", o);
        assertEquals(2222, explicit.port());
        assertEquals("root", explicit.user());
        assertEquals(Path.of(System.getProperty("user.home"), "k"), explicit.identityFile());
    }

    @Test
    void proxyJumpIsRefusedClearly() throws IOException {
        Path config = Files.writeString(dir.resolve("config"), "Host behind\n  ProxyJump bastion\n");
        SshException e = assertThrows(SshException.class, () -> readState("behind", null, 0, null, null, options().withSshConfigFile(config)));
        assertEquals(SshException.Kind.CONFIG, e.kind());
        assertTrue(e.getMessage().contains("ProxyJump"), e.getMessage());
    }

    @Test
    void sshAgentKeysAreOffered() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/ssh-agent")) && Files.isExecutable(Path.of("/usr/bin/ssh-add")), "needs OpenSSH's ssh-agent");
        start();
        trust(TestSshServer.plainLine(server.knownHostsName(), hostKey.getPublic()));
        Path sock = dir.resolve("agent.sock");
        Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", sock.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            for (int i = 0; i < 100 && !Files.exists(sock); i++) {
                Thread.sleep(20);
            }
            ProcessBuilder add = new ProcessBuilder("ssh-add", identity.toString()).redirectErrorStream(true);
            add.environment().put("SSH_AUTH_SOCK", sock.toString());
            Process p = add.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), out);
            Files.delete(identity); // only the agent has it now

            SshOptions o = options().withAgentSocket(sock);
            assertEquals(1000, readState(HOST, "127.0.0.1", server.port(), USER, null, o).count());
            SshException noAgent = assertThrows(SshException.class, () -> readState(HOST, "127.0.0.1", server.port(), USER, null, options()));
            assertEquals(SshException.Kind.AUTH, noAgent.kind());
        } finally {
            agent.destroy();
            agent.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void defaultsComeFromTheEnvironmentAndHome() throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_rsa"), "x");
        Files.writeString(home.resolve(".ssh/id_ed25519"), "x");
        SshOptions o = SshOptions.defaults(Map.of("SSH_AUTH_SOCK", "/run/agent.sock"), home, "alice");
        assertEquals(home.resolve(".ssh/known_hosts"), o.knownHostsFile());
        assertEquals(List.of(home.resolve(".ssh/id_ed25519"), home.resolve(".ssh/id_rsa")), o.defaultIdentityFiles());
        assertEquals(Path.of("/run/agent.sock"), o.agentSocket());
        assertNull(o.sshConfigFile());
        assertEquals("alice", o.defaultUser());
        assertFalse(o.acceptNewHostKeys());
        Files.writeString(home.resolve(".ssh/config"), "");
        SshOptions withConfig = SshOptions.defaults(Map.of(), home, "alice");
        assertEquals(home.resolve(".ssh/config"), withConfig.sshConfigFile());
        assertNull(withConfig.agentSocket());
        assertNotNull(withConfig.withKnownHosts(null).knownHostsFile());
    }
}
