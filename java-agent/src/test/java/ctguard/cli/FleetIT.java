package ctguard.cli;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ctguard fleet against real OpenSSH sshd hosts in network namespaces (scripts/sshd-hosts.sh), plus a
 * closed port and a listener that never speaks SSH, on loopback.
 */
class FleetIT {
    private static final Path DIR = Path.of("/tmp/ctguard-fleet-it-" + ProcessHandle.current().pid());
    private static final Path SCRIPT = Path.of(System.getProperty("basedir", "."), "..", "scripts", "sshd-hosts.sh").normalize();

    @BeforeAll
    static void hosts() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/sshd")) && "0".equals(uid()), "needs root and openssh-server");
        assertEquals(0, sh(SCRIPT.toString(), "up", DIR.toString(), "3"));
    }

    @AfterAll
    static void removeHosts() throws Exception {
        if (Files.isDirectory(DIR)) {
            sh(SCRIPT.toString(), "down", DIR.toString());
        }
    }

    private static Run fleet(String... args) {
        List<String> argv = new ArrayList<>(List.of("fleet"));
        argv.addAll(List.of(args));
        return Run.inProcess(argv.toArray(String[]::new));
    }

    @Test
    void readsEveryHostOverSshAndJudgesItLikeALocalCheck() {
        Run run = fleet("-i", DIR.resolve("inventory.yml").toString(), "--known-hosts", DIR.resolve("known_hosts").toString(), "--json");
        JsonObject summary = run.json().getAsJsonObject("summary");
        assertEquals(3, summary.get("hosts").getAsInt(), run.out() + run.err());
        assertEquals(0, summary.get("unreachable").getAsInt(), run.out());
        var first = run.json().getAsJsonArray("hosts").get(0).getAsJsonObject();
        assertTrue(first.get("host").getAsString().startsWith("ns"));
        assertEquals(120, first.getAsJsonObject("tunables").getAsJsonObject("nf_conntrack_tcp_timeout_time_wait").get("after").getAsLong());
        assertTrue(first.getAsJsonObject("network_namespace").get("initial").isJsonPrimitive());
        assertEquals(summary.get("exit_code").getAsInt(), run.exit());
    }

    @Test
    void limitSelectsHostsAndGroups() {
        Run run = fleet("-i", DIR.resolve("inventory.yml").toString(), "--known-hosts", DIR.resolve("known_hosts").toString(),
                "--json", "--limit", "all:!ns2");
        assertEquals(2, run.json().getAsJsonObject("summary").get("hosts").getAsInt());
        assertEquals(64, fleet("-i", DIR.resolve("inventory.yml").toString(), "--limit", "nope").exit());
    }

    @Test
    void unknownAndChangedHostKeysAreRefusedPerHost() throws Exception {
        Path empty = Files.writeString(DIR.resolve("empty_known_hosts"), "");
        Run unknown = fleet("-i", DIR.resolve("inventory.yml").toString(), "--known-hosts", empty.toString(), "--json", "--limit", "ns1");
        assertEquals(3, unknown.exit());
        assertTrue(error(unknown).contains("is not in"), unknown.out());

        Run accepted = fleet("-i", DIR.resolve("inventory.yml").toString(), "--known-hosts", empty.toString(), "--json", "--limit", "ns1",
                "--accept-new-host-keys");
        assertEquals(0, accepted.json().getAsJsonObject("summary").get("unreachable").getAsInt(), accepted.out());
        assertTrue(Files.readString(empty).startsWith("|1|"), "recorded hashed");

        String wrong = Files.readString(DIR.resolve("ns2/host_key.pub")).split(" ")[1];
        Path changed = Files.writeString(DIR.resolve("changed_known_hosts"), "10.214.1.2 ssh-ed25519 " + wrong + "\n");
        Run refused = fleet("-i", DIR.resolve("inventory.yml").toString(), "--known-hosts", changed.toString(), "--json", "--limit", "ns1",
                "--accept-new-host-keys");
        assertTrue(error(refused).contains("CHANGED"), refused.out());
    }

    /**
     * Parity with a local check: over SSH fleet reads the node's kernel log and its other network
     * namespaces (here: entries made in ns3), and gives the verdict ctguard check gives on that node.
     */
    @Test
    void aNodeIsJudgedOverSshAsALocalCheckJudgesIt() throws Exception {
        assertEquals(0, sh("ip", "-n", "ctg-fleet-3", "link", "set", "lo", "up"));
        assertEquals(0, sh("ip", "netns", "exec", "ctg-fleet-3", "nft", "add table inet ctgit; add chain inet ctgit in "
                + "{ type filter hook input priority 0; }; add rule inet ctgit in ct state new,established accept"));
        String py = "import socket\ns=socket.socket();s.bind(('127.0.0.1',7779));s.listen(128)\n"
                + "c=[socket.create_connection(('127.0.0.1',7779),timeout=2) for _ in range(30)]\n";
        assertEquals(0, sh("ip", "netns", "exec", "ctg-fleet-3", "python3", "-c", py));

        Run run = fleet("-i", DIR.resolve("inventory.yml").toString(), "--known-hosts", DIR.resolve("known_hosts").toString(),
                "--json", "--limit", "ns1", "--on-drops", "ok");
        var host = run.json().getAsJsonArray("hosts").get(0).getAsJsonObject();
        assertTrue(host.getAsJsonObject("kernel_log").get("readable").getAsBoolean(), host.toString());
        boolean seen = false;
        for (var n : host.getAsJsonArray("namespaces")) {
            seen |= n.getAsJsonObject().get("count").getAsLong() >= 30;
        }
        assertTrue(seen, "ns3's entries seen from ns1: " + host.getAsJsonArray("namespaces"));

        Path jar = Path.of(System.getProperty("ctguard.jar", "target/ctguard.jar")).toAbsolutePath();
        Process local = new ProcessBuilder("ip", "netns", "exec", "ctg-fleet-1", "java", "-jar", jar.toString(), "check", "--json",
                "--on-drops", "ok", "--counter-cache", DIR.resolve("parity-counters.json").toString()).start();
        local.getOutputStream().close();
        JsonObject check = com.google.gson.JsonParser.parseString(new String(local.getInputStream().readAllBytes())).getAsJsonObject();
        assertTrue(local.waitFor(60, TimeUnit.SECONDS));
        assertEquals(check.getAsJsonObject("verdict").get("status").getAsString(), host.getAsJsonObject("verdict").get("status").getAsString(),
                "fleet: " + host.getAsJsonObject("verdict") + "\nlocal: " + check.getAsJsonObject("verdict"));
        List<String> localCodes = new ArrayList<>();
        List<String> fleetCodes = new ArrayList<>();
        check.getAsJsonObject("verdict").getAsJsonArray("reasons").forEach(r -> localCodes.add(r.getAsJsonObject().get("code").getAsString()));
        host.getAsJsonObject("verdict").getAsJsonArray("reasons").forEach(r -> fleetCodes.add(r.getAsJsonObject().get("code").getAsString()));
        assertEquals(localCodes, fleetCodes);
    }

    /** The same known_hosts files given to the real OpenSSH client and to fleet: the same accept or refuse, pattern by pattern. */
    @Test
    void knownHostsPatternsAreJudgedExactlyAsOpenSshJudgesThem() throws Exception {
        String key = Files.readString(DIR.resolve("ns1/host_key.pub")).trim().split(" ", 3)[0] + " "
                + Files.readString(DIR.resolve("ns1/host_key.pub")).trim().split(" ", 3)[1];
        String other = Files.readString(DIR.resolve("ns2/host_key.pub")).trim().split(" ", 3)[0] + " "
                + Files.readString(DIR.resolve("ns2/host_key.pub")).trim().split(" ", 3)[1];
        byte[] blob = java.util.Base64.getDecoder().decode(key.split(" ")[1]);
        List<String> variants = List.of(
                "10.214.1.2 " + key, "* " + key, "10.214.1.* " + key, "10.214.1.? " + key, "10.214.*.2 " + key,
                "10.9.9.9,10.214.1.2 " + key, "*,!10.214.1.2 " + key, "!10.214.1.2,* " + key, "*,!10.9.9.9 " + key,
                "10.214.1.2 " + key + "\n@revoked * " + key, "@revoked 10.214.1.* " + key, "* " + other,
                ctguard.io.fleet.ssh.KnownHostsTestAccess.hashedLine("10.214.1.2", blob), "@cert-authority * " + key,
                "[10.214.1.2]:22 " + key, "[10.214.1.2]:* " + key, "10.214.1.20 " + key, "10.214.1.2 " + other + "\n10.214.1.2 " + key);
        int i = 0;
        for (String content : variants) {
            Path file = Files.writeString(DIR.resolve("variant_known_hosts_" + i++), content + "\n");
            Process ssh = new ProcessBuilder("ssh", "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=" + file,
                    "-o", "GlobalKnownHostsFile=/dev/null", "-o", "StrictHostKeyChecking=yes", "-o", "UpdateHostKeys=no",
                    "-o", "ConnectTimeout=10", "-i", DIR.resolve("client_key").toString(), "root@10.214.1.2", "true").start();
            ssh.getOutputStream().close();
            String err = new String(ssh.getErrorStream().readAllBytes());
            assertTrue(ssh.waitFor(30, TimeUnit.SECONDS));
            boolean sshAccepts = ssh.exitValue() == 0;
            assertTrue(sshAccepts || err.contains("Host key verification failed") || err.contains("REVOKED"), content + ": " + err);

            for (boolean acceptNew : new boolean[] {false, true}) {
                String before = Files.readString(file);
                List<String> args = new ArrayList<>(List.of("-i", DIR.resolve("inventory.yml").toString(), "--known-hosts", file.toString(),
                        "--json", "--limit", "ns1"));
                if (acceptNew && !sshAccepts) {
                    args.add("--accept-new-host-keys");
                }
                Run run = fleet(args.toArray(String[]::new));
                var host = run.json().getAsJsonArray("hosts").get(0).getAsJsonObject();
                boolean fleetAccepts = !host.has("error") || host.get("error").isJsonNull();
                if (!acceptNew || sshAccepts) {
                    assertEquals(sshAccepts, fleetAccepts, "known_hosts:\n" + content + "\nssh: " + err + "\nfleet: " + run.out());
                } else if (content.contains("@revoked") || content.contains(other)) {
                    assertTrue(!fleetAccepts, "a revoked or changed key is never recorded, not even with --accept-new-host-keys: " + content);
                    assertEquals(before, Files.readString(file), "nothing recorded");
                }
            }
        }
    }

    @Test
    void authFailureUnreachableAndSlowHostsAreListedNotHidden() throws Exception {
        Files.writeString(DIR.resolve("bad.yml"), """
                all:
                  hosts:
                    badkey:
                      ansible_host: 10.214.1.2
                      ansible_user: root
                      ansible_ssh_private_key_file: %s
                    closed:
                      ansible_host: 127.0.0.1
                      ansible_port: %d
                    silent:
                      ansible_host: 127.0.0.1
                      ansible_port: %d
                """.formatted(otherKey(), freePort(), silentPort()));
        Run run = fleet("-i", DIR.resolve("bad.yml").toString(), "--known-hosts", DIR.resolve("known_hosts").toString(), "--json",
                "--connect-timeout", "2s", "--command-timeout", "3s");
        assertEquals(3, run.exit(), run.out());
        String all = run.out();
        assertTrue(all.contains("authentication failed"), all);
        assertTrue(all.contains("connection refused"), all);
        assertTrue(all.contains("timed out"), all);
        assertEquals(3, run.json().getAsJsonObject("summary").get("unknown").getAsInt());
    }

    private static String error(Run run) {
        return run.json().getAsJsonArray("hosts").get(0).getAsJsonObject().get("error").getAsString();
    }

    private static String otherKey() throws Exception {
        Path key = DIR.resolve("other_key");
        if (!Files.exists(key)) {
            assertEquals(0, sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        }
        return key.toString();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Accepts TCP on loopback and never says a word; kept open for the test JVM's life. */
    private static int silentPort() throws Exception {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread t = new Thread(() -> {
            List<Socket> held = new ArrayList<>();
            try {
                while (held.size() < 50) {
                    held.add(server.accept());
                }
            } catch (Exception ignored) {
                // closed with the JVM
            }
        });
        t.setDaemon(true);
        t.start();
        return server.getLocalPort();
    }

    private static String uid() throws Exception {
        Process p = new ProcessBuilder("id", "-u").start();
        return new String(p.getInputStream().readAllBytes()).trim();
    }

    private static int sh(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        if (p.exitValue() != 0) {
            System.err.println(out);
        }
        return p.exitValue();
    }
}
