package ctguard.cli;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The jar against this machine's real kernel, as root. Every tunable it touches is saved before each
 * test and written back afterwards, whatever the outcome. Only TIME_WAIT is changed inside network
 * namespaces this test creates; no traffic is generated.
 */
class RealKernelIT {
    private static final Path NETFILTER = Path.of("/proc/sys/net/netfilter");
    private static final List<String> TOUCHED = List.of("nf_conntrack_buckets", "nf_conntrack_max", "nf_conntrack_tcp_timeout_time_wait");
    private static final String JAR = System.getProperty("ctguard.jar", "target/ctguard.jar");

    private final Map<String, String> originals = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();

    @TempDir
    Path temp;

    @BeforeEach
    void saveOriginals() throws IOException {
        assumeTrue(Files.isWritable(NETFILTER.resolve("nf_conntrack_max")), "needs root in the initial network namespace with nf_conntrack");
        for (String name : TOUCHED) {
            originals.put(name, read(NETFILTER.resolve(name)));
        }
    }

    @AfterEach
    void restoreOriginals() throws IOException, InterruptedException {
        for (String ns : namespaces) {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
        }
        for (Map.Entry<String, String> e : originals.entrySet()) {
            Path p = NETFILTER.resolve(e.getKey());
            if (!read(p).equals(e.getValue())) {
                Files.writeString(p, e.getValue());
            }
        }
    }

    @Test
    void prepareRaisesTheRealValuesASecondRunChangesNothingAndRestoreBringsBackEveryByte() throws Exception {
        String state = temp.resolve("state").toString();
        JsonObject plan = ctguard("plan", "--json", "--buckets", "524288").json();
        long targetMax = plan.getAsJsonObject("plan").getAsJsonObject("targets").get("nf_conntrack_max").getAsLong();
        long targetBuckets = plan.getAsJsonObject("plan").getAsJsonObject("targets").get("nf_conntrack_buckets").getAsLong();

        Run prepare = ctguard("prepare", "--json", "--state-dir", state, "--buckets", "524288");
        assertEquals(0, prepare.exit(), prepare.err());
        JsonObject result = prepare.json();
        assertTrue(result.get("changed").getAsBoolean());
        assertEquals(Long.parseLong(originals.get("nf_conntrack_max").trim()),
                result.getAsJsonObject("snapshot").getAsJsonObject("values").get("nf_conntrack_max").getAsLong());
        assertEquals(Math.max(targetMax, Long.parseLong(originals.get("nf_conntrack_max").trim())), value("nf_conntrack_max"));
        assertEquals(Math.max(targetBuckets, Long.parseLong(originals.get("nf_conntrack_buckets").trim())), value("nf_conntrack_buckets"));
        assertEquals(value("nf_conntrack_buckets"), Long.parseLong(read(Path.of("/sys/module/nf_conntrack/parameters/hashsize")).trim()));
        assertEquals(Math.min(60, Long.parseLong(originals.get("nf_conntrack_tcp_timeout_time_wait").trim())), value("nf_conntrack_tcp_timeout_time_wait"));
        assertTrue(Files.exists(Path.of(state, "snapshot.json")));

        Run again = ctguard("prepare", "--json", "--state-dir", state, "--buckets", "524288");
        assertEquals(0, again.exit(), again.err());
        assertFalse(again.json().get("changed").getAsBoolean());
        assertEquals(originals.get("nf_conntrack_max").trim(),
                again.json().getAsJsonObject("snapshot").getAsJsonObject("values").get("nf_conntrack_max").getAsString());

        Run restore = ctguard("restore", "--json", "--state-dir", state);
        assertEquals(0, restore.exit(), restore.err());
        assertTrue(restore.json().get("changed").getAsBoolean());
        for (String name : TOUCHED) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)), name + " restored byte for byte");
        }
        assertFalse(Files.exists(Path.of(state, "snapshot.json")));

        Run nothing = ctguard("restore", "--json", "--state-dir", state);
        assertEquals(0, nothing.exit());
        assertFalse(nothing.json().get("changed").getAsBoolean());
    }

    @Test
    void dryRunWritesNothingToTheKernelOrTheStateDir() throws Exception {
        Path state = temp.resolve("dry");
        Run dry = ctguard("prepare", "--json", "--dry-run", "--state-dir", state.toString(), "--max", "2097152", "--force");
        assertEquals(0, dry.exit(), dry.err());
        assertTrue(dry.json().get("dry_run").getAsBoolean());
        assertEquals(2097152, dry.json().getAsJsonObject("tunables").getAsJsonObject("nf_conntrack_max").get("after").getAsLong());
        for (String name : TOUCHED) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)));
        }
        assertFalse(Files.exists(state));
    }

    /** A temporary root whose proc and sys are the real ones, so persist's /etc writes land in the temp tree. */
    @Test
    void persistWritesIntoATempRootIdempotentlyAndRemoves() throws Exception {
        Path root = rootOverTheRealKernel("root");
        Files.createDirectories(root.resolve("usr/lib/sysctl.d"));
        Files.writeString(root.resolve("usr/lib/sysctl.d/99-late.conf"), "net.netfilter.nf_conntrack_max = 65536\n");

        Run first = ctguard("persist", "--json", "--root", root.toString());
        assertEquals(0, first.exit(), first.err());
        assertTrue(first.json().get("changed").getAsBoolean());
        String sysctl = Files.readString(root.resolve("etc/sysctl.d/90-conntrack-guard.conf"));
        assertTrue(sysctl.contains("net.netfilter.nf_conntrack_max = " + value("nf_conntrack_max") + "\n"), sysctl);
        assertTrue(sysctl.contains("net.netfilter.nf_conntrack_buckets = " + value("nf_conntrack_buckets") + "\n"), "this kernel takes buckets by sysctl");
        assertTrue(Files.readString(root.resolve("etc/modules-load.d/conntrack-guard.conf")).contains("\nnf_conntrack\n"));
        assertFalse(Files.exists(root.resolve("etc/modprobe.d/conntrack-guard.conf")));
        assertTrue(first.out().contains("/usr/lib/sysctl.d/99-late.conf:1 sets net.netfilter.nf_conntrack_max"), first.out());

        Run second = ctguard("persist", "--json", "--root", root.toString());
        assertFalse(second.json().get("changed").getAsBoolean());
        assertEquals(sysctl, Files.readString(root.resolve("etc/sysctl.d/90-conntrack-guard.conf")));

        Run remove = ctguard("persist", "--remove", "--json", "--root", root.toString());
        assertTrue(remove.json().get("changed").getAsBoolean());
        assertFalse(Files.exists(root.resolve("etc/sysctl.d/90-conntrack-guard.conf")));
        assertFalse(Files.exists(root.resolve("etc/modules-load.d/conntrack-guard.conf")));
    }

    @Test
    void inANetworkNamespaceLimitsAreNotWritableButTimeWaitIsWithAllowPartial() throws Exception {
        String ns = "ctguard-it-" + ProcessHandle.current().pid();
        assertEquals(0, exec(List.of("ip", "netns", "add", ns)).exit());
        namespaces.add(ns);
        String state = temp.resolve("ns-state").toString();

        Run status = inNamespace(ns, "status", "--json");
        assertEquals(0, status.exit(), status.err());
        JsonObject max = status.json().getAsJsonObject("tunables").getAsJsonObject("nf_conntrack_max");
        assertFalse(max.get("writable").getAsBoolean());
        assertTrue(max.get("reason").getAsString().contains("initial network namespace"), max.toString());
        assertFalse(status.json().getAsJsonObject("network_namespace").get("initial").getAsBoolean());

        Run refused = inNamespace(ns, "prepare", "--json", "--state-dir", state);
        assertEquals(77, refused.exit(), refused.err());
        assertTrue(refused.err().contains("--allow-partial"), refused.err());
        assertEquals("120", nsRead(ns, "nf_conntrack_tcp_timeout_time_wait"));

        Run partial = inNamespace(ns, "prepare", "--json", "--allow-partial", "--state-dir", state);
        assertEquals(0, partial.exit(), partial.err());
        assertEquals("60", nsRead(ns, "nf_conntrack_tcp_timeout_time_wait"));
        assertTrue(partial.out().contains("skipped nf_conntrack_max"), partial.out());
        for (String name : TOUCHED) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)), "initial namespace untouched: " + name);
        }

        Run restore = inNamespace(ns, "restore", "--json", "--allow-partial", "--state-dir", state);
        assertEquals(0, restore.exit(), restore.err());
        assertEquals("120", nsRead(ns, "nf_conntrack_tcp_timeout_time_wait"));
    }

    @Test
    void readOnlyProcSysIsPermissionWithTheReason() throws Exception {
        String script = "mount --bind /proc/sys /proc/sys && mount -o remount,bind,ro /proc/sys && exec java -jar " + JAR
                + " prepare --json --state-dir " + temp.resolve("ro");
        Run run = exec(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c", script));
        assertEquals(77, run.exit(), run.err());
        assertTrue(run.err().contains("read-only file system"), run.err());
        for (String name : TOUCHED) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)));
        }
    }

    @Test
    void notRootIsPermissionAndChangesNothing() throws Exception {
        Path state = Files.createDirectories(temp.resolve("nobody"));
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(state, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Path jar = Files.copy(Path.of(JAR), temp.resolve("ctguard.jar"));
        Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Run run = exec(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "java", "-jar", jar.toString(),
                "prepare", "--state-dir", state.toString()));
        assertEquals(77, run.exit(), run.err());
        assertTrue(run.err().contains("needs root"), run.err());
        for (String name : TOUCHED) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)));
        }
    }

    /**
     * Entries in two namespaces this test creates: a named one whose connections have closed (entries in
     * TIME_WAIT, no process left), and an unnamed one kept alive only by a process.
     */
    @Test
    void statusListsOtherNamespacesWithEntriesAndTheirCounts() throws Exception {
        String named = "ctguard-it-named-" + ProcessHandle.current().pid();
        String held = "ctguard-it-held-" + ProcessHandle.current().pid();
        for (String ns : List.of(named, held)) {
            assertEquals(0, exec(List.of("ip", "netns", "add", ns)).exit());
            namespaces.add(ns);
            trackLoopback(ns, 40);
        }
        Process holder = new ProcessBuilder("ip", "netns", "exec", held, "sleep", "60").start();
        try {
            Thread.sleep(300);
            exec(List.of("ip", "netns", "del", held));
            Run status = ctguard("status", "--json");
            assertEquals(0, status.exit(), status.err());
            var list = status.json().getAsJsonArray("namespaces");
            JsonObject namedEntry = null;
            JsonObject heldEntry = null;
            for (var e : list) {
                JsonObject o = e.getAsJsonObject();
                if (o.get("name").isJsonPrimitive() && o.get("name").getAsString().equals(named)) {
                    namedEntry = o;
                }
                if (o.get("pid").isJsonPrimitive() && o.get("pid").getAsLong() == holder.pid()) {
                    heldEntry = o;
                }
            }
            assertTrue(namedEntry != null && namedEntry.get("count").getAsLong() >= 40, list.toString());
            assertTrue(heldEntry != null && heldEntry.get("count").getAsLong() >= 40, list.toString());
            assertTrue(status.json().getAsJsonObject("memory").get("active_namespaces").getAsInt() >= 3);
            // in Prometheus, each by its inode and its name as separate labels, never by a PID
            String prom = ctguard("status", "--prometheus").out();
            String namedInode = namedEntry.get("id").getAsString().replaceAll("\\D", "");
            String heldInode = heldEntry.get("id").getAsString().replaceAll("\\D", "");
            assertTrue(prom.contains("ctguard_netns_entries{netns_inode=\"" + namedInode + "\",netns_name=\"" + named + "\"} "), prom);
            assertTrue(prom.contains("ctguard_netns_entries{netns_inode=\"" + heldInode + "\",netns_name=\"\"} "), prom);
            assertFalse(prom.contains("pid"), "no PID in a label");
        } finally {
            holder.destroyForcibly();
        }
    }

    /** A ct-state rule makes the namespace track; n loopback connections opened and closed leave n entries. */
    private void trackLoopback(String ns, int n) throws Exception {
        assertEquals(0, exec(List.of("ip", "-n", ns, "link", "set", "lo", "up")).exit());
        assertEquals(0, exec(List.of("ip", "netns", "exec", ns, "nft", "add table inet ctg; add chain inet ctg in "
                + "{ type filter hook input priority 0; }; add rule inet ctg in ct state new,established accept")).exit());
        String py = "import socket\ns=socket.socket();s.bind(('127.0.0.1',7777));s.listen(256)\n"
                + "c=[socket.create_connection(('127.0.0.1',7777),timeout=2) for _ in range(" + n + ")]\n";
        Run run = exec(List.of("ip", "netns", "exec", ns, "python3", "-c", py));
        assertEquals(0, run.exit(), run.err());
    }

    @Test
    void anUnreadableKernelLogIsSaidPlainlyAndDoesNotFailTheCheck() throws Exception {
        assumeTrue("1".equals(read(Path.of("/proc/sys/kernel/dmesg_restrict")).trim()), "needs kernel.dmesg_restrict=1");
        Path jar = Files.copy(Path.of(JAR), temp.resolve("ctguard-log.jar"));
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(jar, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Run run = exec(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "java", "-jar", jar.toString(),
                "check", "--json", "--kernel-log", "dmesg", "--on-drops", "ok"));
        assertTrue(run.exit() <= 1, run.err());
        JsonObject log = run.json().getAsJsonObject("kernel_log");
        assertFalse(log.get("readable").getAsBoolean());
        assertTrue(log.get("note").getAsString().contains("kernel.dmesg_restrict=1"), log.toString());
        assertTrue(run.json().getAsJsonArray("warnings").toString().contains("kernel log unreadable"));
    }

    @Test
    void aMissingJournalIsNotAnEmptyOne() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/journalctl")), "needs journalctl");
        Run run = ctguard("check", "--json", "--kernel-log", "journal", "--counter-cache", temp.resolve("counters.json").toString());
        JsonObject log = run.json().getAsJsonObject("kernel_log");
        boolean hasJournal = Files.isDirectory(Path.of("/run/log/journal"))
                || (Files.isDirectory(Path.of("/var/log/journal")) && Files.list(Path.of("/var/log/journal")).findAny().isPresent());
        assertEquals(hasJournal, log.get("readable").getAsBoolean(), log.toString());
    }

    @Test
    void theDmesgLogIsSearchedWithinTheWindow() throws Exception {
        Run run = ctguard("check", "--json", "--kernel-log", "dmesg", "--since", "1s", "--counter-cache", temp.resolve("counters.json").toString());
        JsonObject log = run.json().getAsJsonObject("kernel_log");
        assertTrue(log.get("readable").getAsBoolean(), log.toString());
        assertEquals(1, log.get("since_seconds").getAsLong());
    }

    @Test
    void checkOnTheRealNodeGivesAVerdictAndPrometheusMetrics() throws Exception {
        Run check = ctguard("check", "--json", "--counter-cache", temp.resolve("counters.json").toString());
        assertTrue(check.exit() <= 3, check.err());
        assertEquals(check.exit(), check.json().getAsJsonObject("verdict").get("exit_code").getAsInt());
        assertEquals(value("nf_conntrack_max"), check.json().getAsJsonObject("usage").get("max").getAsLong());
        Run prom = ctguard("check", "--prometheus", "--counter-cache", temp.resolve("counters.json").toString());
        assertTrue(prom.out().contains("\nctguard_conntrack_max " + value("nf_conntrack_max") + "\n"), prom.out());
        assertNotEquals("", prom.out());
    }

    /** One snapshot per node: a prepare from a second state dir is refused instead of recording raised values as original. */
    @Test
    void aSecondStateDirCannotTakeASecondSnapshotOfTheNode() throws Exception {
        String a = temp.resolve("state-a").toString();
        String b = temp.resolve("state-b").toString();
        assertEquals(0, ctguard("prepare", "--json", "--state-dir", a, "--max", String.valueOf(value("nf_conntrack_max") * 2), "--force").exit());
        Run second = ctguard("prepare", "--json", "--state-dir", b);
        assertEquals(65, second.exit(), second.err());
        assertTrue(second.err().contains(a + "/snapshot.json"), second.err());
        assertFalse(Files.exists(Path.of(b, "snapshot.json")));
        assertEquals(0, ctguard("restore", "--json", "--state-dir", a).exit());
        for (String name : TOUCHED) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)), name + " restored byte for byte");
        }
    }

    /** The node's lock is root's alone: another user cannot even open it, so cannot make root's runs wait. */
    @Test
    void aLocalUserCannotHoldTheNodesLock() throws Exception {
        String state = temp.resolve("lock-state").toString();
        assertEquals(0, ctguard("status", "--json").exit());
        assertEquals(0, ctguard("prepare", "--dry-run", "--json", "--state-dir", state).exit());
        ctguard("restore", "--state-dir", state);  // creates /run/conntrack-guard and its lock as a real run does
        Run nobody = exec(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                "import fcntl\nf=open('/run/conntrack-guard/lock','a')\nfcntl.lockf(f,fcntl.LOCK_SH)\n"));
        assertNotEquals(0, nobody.exit());
        assertTrue(nobody.err().contains("PermissionError"), nobody.err());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/run/conntrack-guard"))));
    }

    /** Drift: a value changed by hand since prepare is refused, named with its three values; --force restores anyway. */
    @Test
    void restoreRefusesAValueChangedByHandSincePrepare() throws Exception {
        String state = temp.resolve("drift").toString();
        assertEquals(0, ctguard("prepare", "--json", "--state-dir", state).exit());
        long set = value("nf_conntrack_max");
        long byHand = set * 2;
        Files.writeString(NETFILTER.resolve("nf_conntrack_max"), byHand + "\n");
        Run refused = ctguard("restore", "--json", "--state-dir", state);
        assertEquals(65, refused.exit(), refused.err());
        assertTrue(refused.err().contains("nf_conntrack_max: original " + originals.get("nf_conntrack_max").trim() + ", set by ctguard " + set + ", now " + byHand),
                refused.err());
        assertEquals(byHand, value("nf_conntrack_max"), "nothing changed");
        assertEquals(1, refused.json().getAsJsonArray("drift").size());
        assertEquals(0, ctguard("restore", "--json", "--force", "--state-dir", state).exit());
        for (String name : TOUCHED) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)), name + " restored byte for byte");
        }
    }

    /** A snapshot whose boot id is not this boot's is stale: refused by restore and prepare; --discard leaves the kernel alone. */
    @Test
    void aSnapshotOfAnotherBootIsRefusedAndDiscardedWithoutTouchingTheKernel() throws Exception {
        Path state = temp.resolve("stale");
        assertEquals(0, ctguard("prepare", "--json", "--state-dir", state.toString()).exit());
        Path snapshot = state.resolve("snapshot.json");
        String bootId = read(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        Files.writeString(snapshot, Files.readString(snapshot).replace(bootId, "00000000-0000-4000-8000-000000000000"));
        Map<String, String> raised = new LinkedHashMap<>();
        for (String name : TOUCHED) {
            raised.put(name, read(NETFILTER.resolve(name)));
        }
        for (String command : List.of("restore", "prepare")) {
            Run run = ctguard(command, "--state-dir", state.toString());
            assertEquals(65, run.exit(), command + ": " + run.err());
            assertTrue(run.err().contains("taken in another boot") && run.err().contains("restore with --discard"), run.err());
        }
        Run discard = ctguard("restore", "--discard", "--json", "--state-dir", state.toString());
        assertEquals(0, discard.exit(), discard.err());
        assertFalse(Files.exists(snapshot));
        try (var left = Files.list(state)) {
            assertTrue(left.anyMatch(p -> p.getFileName().toString().startsWith("snapshot.discarded-")));
        }
        for (String name : TOUCHED) {
            assertEquals(raised.get(name), read(NETFILTER.resolve(name)), "discard does not touch " + name);
        }
    }

    /** The originals are back even when the snapshot cannot be removed (an immutable state dir): changed, and 73. */
    @Test
    void aRestoreWhoseSnapshotCannotBeRemovedReportsWhatItChanged() throws Exception {
        Path state = temp.resolve("immutable");
        assertEquals(0, ctguard("prepare", "--json", "--state-dir", state.toString()).exit());
        assertEquals(0, exec(List.of("chattr", "+i", state.toString())).exit());
        try {
            Run restore = ctguard("restore", "--json", "--state-dir", state.toString());
            assertEquals(73, restore.exit(), restore.err());
            assertTrue(restore.json().get("changed").getAsBoolean());
            assertTrue(restore.err().contains("the originals are back"), restore.err());
            for (String name : TOUCHED) {
                assertEquals(originals.get(name), read(NETFILTER.resolve(name)), name + " restored byte for byte");
            }
        } finally {
            exec(List.of("chattr", "-i", state.toString()));
        }
        assertEquals(0, ctguard("restore", "--json", "--state-dir", state.toString()).exit(), "once writable, restore finishes the job");
        assertFalse(Files.exists(state.resolve("snapshot.json")));
    }

    /** A FIFO where the snapshot or the lock should be is refused at once, never opened and waited on. */
    @Test
    void aFifoAsSnapshotOrLockIsRefusedInsteadOfHanging() throws Exception {
        Path root = rootOverTheRealKernel("fifo-root");
        Path snapshot = Files.createDirectories(root.resolve("var/lib/conntrack-guard")).resolve("snapshot.json");
        assertEquals(0, exec(List.of("mkfifo", snapshot.toString())).exit());
        Run run = ctguard("prepare", "--root", root.toString(), "--lock-timeout", "1s");
        assertEquals(65, run.exit(), run.err());
        Files.delete(snapshot);
        Path lock = Files.createDirectories(root.resolve("run/conntrack-guard")).resolve("lock");
        Files.deleteIfExists(lock);
        assertEquals(0, exec(List.of("mkfifo", lock.toString())).exit());
        Run locked = ctguard("prepare", "--root", root.toString(), "--lock-timeout", "1s");
        assertEquals(73, locked.exit(), locked.err());
        for (String name : TOUCHED) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)));
        }
    }

    /** tune lowers a max set by hand to the balanced one, never below the live count plus the margin; restore puts it back. */
    @Test
    void tuneLowersAMaxRaisedByHandNeverBelowTheLiveCountAndRestoreBringsItBack() throws Exception {
        String state = temp.resolve("tune-state").toString();
        long balanced = ctguard("plan", "--json").json().getAsJsonObject("tune_plan").getAsJsonObject("targets").get("nf_conntrack_max").getAsLong();
        long byHand = balanced * 4;
        Files.writeString(NETFILTER.resolve("nf_conntrack_max"), byHand + "\n");

        Run tune = ctguard("tune", "--json", "--state-dir", state);
        assertEquals(0, tune.exit(), tune.err());
        assertEquals(balanced, value("nf_conntrack_max"));
        assertEquals(byHand, tune.json().getAsJsonObject("snapshot").getAsJsonObject("values").get("nf_conntrack_max").getAsLong());
        assertEquals(Math.min(60, Long.parseLong(originals.get("nf_conntrack_tcp_timeout_time_wait").trim())), value("nf_conntrack_tcp_timeout_time_wait"));
        assertEquals(0, ctguard("restore", "--json", "--state-dir", state).exit());
        assertEquals(byHand, value("nf_conntrack_max"));

        // 2000 entries in a namespace of this test: an explicit max of 1000 becomes 2000 + 10 %
        String ns = "ctguard-it-tune-" + ProcessHandle.current().pid();
        assertEquals(0, exec(List.of("ip", "netns", "add", ns)).exit());
        namespaces.add(ns);
        closedLoopbackConnections(ns, 2000);
        Run floor = ctguard("tune", "--json", "--state-dir", state, "--max", "1000");
        assertEquals(0, floor.exit(), floor.err());
        long fullest = floor.json().getAsJsonObject("usage").get("fullest_count").getAsLong();
        assertTrue(fullest >= 2000, floor.out());
        assertTrue(value("nf_conntrack_max") >= Math.ceil(fullest * 1.1) && value("nf_conntrack_max") > 1000, "max " + value("nf_conntrack_max"));
        assertEquals(0, ctguard("restore", "--json", "--state-dir", state).exit());
        assertEquals(byHand, value("nf_conntrack_max"));
    }

    /** max 0 is "no limit": prepare leaves it, the snapshot holds it, restore puts it back. */
    @Test
    void anUnlimitedMaxRoundTripsThroughPrepareAndRestore() throws Exception {
        String state = temp.resolve("unlimited").toString();
        Files.writeString(NETFILTER.resolve("nf_conntrack_max"), "0\n");
        Run check = ctguard("check", "--json", "--counter-cache", temp.resolve("counters.json").toString(), "--kernel-log", "none");
        assertTrue(check.out().contains("\"unlimited\""), check.out());
        Run prepare = ctguard("prepare", "--json", "--state-dir", state);
        assertEquals(0, prepare.exit(), prepare.err());
        assertEquals(0, value("nf_conntrack_max"));
        assertEquals(0, prepare.json().getAsJsonObject("snapshot").getAsJsonObject("values").get("nf_conntrack_max").getAsLong());
        Run restore = ctguard("restore", "--json", "--state-dir", state);
        assertEquals(0, restore.exit(), restore.err());
        assertEquals("0\n", read(NETFILTER.resolve("nf_conntrack_max")));
        for (String name : List.of("nf_conntrack_buckets", "nf_conntrack_tcp_timeout_time_wait")) {
            assertEquals(originals.get(name), read(NETFILTER.resolve(name)), name + " restored byte for byte");
        }
    }

    /** n loopback connections opened, accepted and closed in the namespace, each leaving a TIME_WAIT entry; bounded by n and 60 s. */
    private void closedLoopbackConnections(String ns, int n) throws Exception {
        assertEquals(0, exec(List.of("ip", "-n", ns, "link", "set", "lo", "up")).exit());
        assertEquals(0, exec(List.of("ip", "netns", "exec", ns, "nft", "add table inet ctg; add chain inet ctg in "
                + "{ type filter hook input priority 0; }; add rule inet ctg in ct state new,established accept")).exit());
        String py = "import socket,threading,time\ns=socket.socket();s.bind(('127.0.0.1',7778));s.listen(512)\n"
                + "def serve():\n while True:\n  c,_=s.accept();c.close()\n"
                + "threading.Thread(target=serve,daemon=True).start()\nend=time.time()+60\n"
                + "for _ in range(" + n + "):\n if time.time()>end: break\n c=socket.create_connection(('127.0.0.1',7778),timeout=2);c.close()\n";
        Run run = exec(List.of("ip", "netns", "exec", ns, "python3", "-c", py));
        assertEquals(0, run.exit(), run.err());
    }

    /** A temporary root whose proc and sys are the real ones: kernel reads and writes are real, files land in the tree. */
    private Path rootOverTheRealKernel(String name) throws IOException {
        Path root = Files.createDirectories(temp.resolve(name));
        Files.createSymbolicLink(root.resolve("proc"), Path.of("/proc"));
        Files.createSymbolicLink(root.resolve("sys"), Path.of("/sys"));
        return root;
    }

    private Run ctguard(String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("java", "-jar", JAR));
        argv.addAll(List.of(args));
        return exec(argv);
    }

    private Run inNamespace(String ns, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns, "java", "-jar", JAR));
        argv.addAll(List.of(args));
        return exec(argv);
    }

    private String nsRead(String ns, String name) throws Exception {
        return exec(List.of("ip", "netns", "exec", ns, "cat", NETFILTER.resolve(name).toString())).out().trim();
    }

    private static Run exec(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).start();
        p.getOutputStream().close();
        var err = new java.util.concurrent.CompletableFuture<String>();
        Thread t = new Thread(() -> {
            try {
                err.complete(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                err.complete(e.toString());
            }
        });
        t.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + argv);
        }
        return new Run(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    private static long value(String name) throws IOException {
        return Long.parseLong(read(NETFILTER.resolve(name)).trim());
    }

    /** Streams, because Files.readString trusts procfs's zero size. */
    private static String read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
