package ctguard.io;

import ctguard.core.ConntrackStats;
import ctguard.core.CtguardException;
import ctguard.core.EntrySize;
import ctguard.core.ExitCode;
import ctguard.core.NodeState;
import ctguard.core.TunableState;
import ctguard.core.Tunables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ProcfsKernel against the fixture trees in src/test/resources/fixtures (see the README there). */
class ProcfsKernelFixtureTest {
    private static final String SYSCTLS = "proc/sys/net/netfilter";

    @TempDir
    Path root;

    private NodeState read(String fixture) {
        return new ProcfsKernel(Fixtures.copy(fixture, root)).read();
    }

    private Path sysctl(String name) {
        return root.resolve(SYSCTLS).resolve(name);
    }

    private static void assertWritable(NodeState s, String name) {
        TunableState t = s.tunable(name);
        assertNotNull(t, name);
        assertTrue(t.writable(), name + ": " + t.reason());
        assertNull(t.reason(), name);
    }

    private static void assertInitialNetnsReason(TunableState t) {
        assertFalse(t.writable(), t.name());
        assertNotNull(t.reason(), t.name());
        assertTrue(t.reason().contains("initial network namespace"), t.name() + ": " + t.reason());
    }

    // --- linux-6.18: captured from a real 6.18 kernel --------------------------------------------

    @Test
    void linux618() {
        NodeState s = read(Fixtures.LINUX_6_18);
        assertEquals("vm", s.host());
        assertEquals("6.18.44-fc-v657", s.kernel());
        assertEquals(1000, s.count());
        assertEquals(262144, s.max());
        assertEquals(262144, s.buckets());
        assertEquals(262144L, s.hashsize());
        assertEquals(new ConntrackStats(41L, 3L, 3L, 271L, 5L, 5L), s.stats());
        assertNull(s.statsNote());
        assertEquals(24731708L * 1024, s.ramBytes());
        assertEquals(new EntrySize(256, 256, false, "slabinfo"), s.entrySize());
        assertEquals(Boolean.TRUE, s.initialNetns());
        assertEquals("net:[4026531833]", s.netns());
        assertTrue(s.bucketsBySysctl());
        assertWritable(s, Tunables.MAX);
        assertWritable(s, Tunables.BUCKETS);
        assertWritable(s, Tunables.TIME_WAIT);
        assertEquals(120, s.value(Tunables.TIME_WAIT));
    }

    @Test
    void linux618TunablesAreMaxBucketsThenSortedTcpAndUdpTimeouts() {
        NodeState s = read(Fixtures.LINUX_6_18);
        List<String> names = List.copyOf(s.tunables().keySet());
        assertEquals(List.of(Tunables.MAX, Tunables.BUCKETS), names.subList(0, 2));
        List<String> timeouts = names.subList(2, names.size());
        assertEquals(List.of(
                "nf_conntrack_tcp_timeout_close", "nf_conntrack_tcp_timeout_close_wait", "nf_conntrack_tcp_timeout_established",
                "nf_conntrack_tcp_timeout_fin_wait", "nf_conntrack_tcp_timeout_last_ack", "nf_conntrack_tcp_timeout_max_retrans",
                "nf_conntrack_tcp_timeout_syn_recv", "nf_conntrack_tcp_timeout_syn_sent", "nf_conntrack_tcp_timeout_time_wait",
                "nf_conntrack_tcp_timeout_unacknowledged", "nf_conntrack_udp_timeout", "nf_conntrack_udp_timeout_stream"), timeouts);
        assertEquals(432000, s.value("nf_conntrack_tcp_timeout_established"));
        assertEquals(120, s.value("nf_conntrack_udp_timeout_stream"));
        // sctp/gre/generic timeouts are not managed
        assertNull(s.tunable("nf_conntrack_sctp_timeout_established"));
    }

    @Test
    void linux618EntrySizeFallsBackToSysKernelSlab() throws IOException {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        Files.delete(root.resolve("proc/slabinfo"));
        Files.writeString(root.resolve("sys/kernel/slab/nf_conntrack/slab_size"), "264\n");
        assertEquals(new EntrySize(264, 264, false, "/sys/kernel/slab"), new ProcfsKernel(root).read().entrySize());
    }

    @Test
    void linux618TimestampTurnsExtensionsOn() throws IOException {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        Files.writeString(sysctl(Tunables.TIMESTAMP), "1\n");
        EntrySize e = new ProcfsKernel(root).read().entrySize();
        assertEquals(256 + EntrySize.EXTENSION_BYTES, e.bytes());
        assertTrue(e.extensions());
    }

    // --- linux-4.15: hand-made 4.x node ----------------------------------------------------------

    @Test
    void linux415() {
        NodeState s = read(Fixtures.LINUX_4_15);
        assertEquals("node-bionic-07", s.host());
        assertEquals("4.15.0-213-generic", s.kernel());
        assertEquals(48213, s.count());
        assertEquals(262144, s.max());
        assertEquals(65536, s.buckets());
        assertEquals(4 * s.buckets(), s.max());
        assertEquals(65536L, s.hashsize());
        assertEquals(new ConntrackStats(297L, 2L, 20L, 65L, null, null), s.stats());
        assertNull(s.statsNote());
        assertEquals(16390424L * 1024, s.ramBytes());
        assertEquals(new EntrySize(448, 320, true, "slabinfo + 128 B extensions"), s.entrySize());
        assertEquals(Boolean.TRUE, s.initialNetns());
        assertEquals("net:[4026531833]", s.netns());
        assertWritable(s, Tunables.MAX);
        assertWritable(s, Tunables.TIME_WAIT);
        assertEquals(180, s.value("nf_conntrack_udp_timeout_stream"));
        assertFalse(s.tunables().containsKey("nf_conntrack_tcp_ignore_invalid_rst"));
    }

    @Test
    void linux415BucketsAreResizedThroughTheModuleParameter() throws IOException {
        NodeState s = read(Fixtures.LINUX_4_15);
        assertFalse(s.bucketsBySysctl(), "nf_conntrack_buckets is 0444 on 4.x");
        assertWritable(s, Tunables.BUCKETS);

        new ProcfsKernel(root).write(Tunables.BUCKETS, 131072);
        assertEquals("131072\n", Files.readString(root.resolve("sys/module/nf_conntrack/parameters/hashsize")));
        assertEquals("65536\n", Files.readString(sysctl(Tunables.BUCKETS)));
        assertEquals(131072L, new ProcfsKernel(root).read().hashsize());
    }

    @Test
    void linux415WithoutExtensionsUsesTheBareObject() throws IOException {
        Fixtures.copy(Fixtures.LINUX_4_15, root);
        Files.writeString(sysctl(Tunables.ACCT), "0\n");
        Files.writeString(sysctl(Tunables.EVENTS), "2\n");
        assertEquals(new EntrySize(320, 320, false, "slabinfo"), new ProcfsKernel(root).read().entrySize());
        // events forced on (1) alone is enough
        Files.writeString(sysctl(Tunables.EVENTS), "1\n");
        assertEquals(448, new ProcfsKernel(root).read().entrySize().bytes());
    }

    // --- linux-noprocfs: 6.x without CONFIG_NF_CONNTRACK_PROCFS, in a child network namespace -----

    @Test
    void noprocfs() {
        NodeState s = read(Fixtures.LINUX_NOPROCFS);
        assertEquals("pod-web-7f9c4", s.host());
        assertEquals("6.18.44-fc-v657", s.kernel());
        assertEquals(37, s.count());
        assertEquals(262144, s.max());
        assertEquals(262144, s.buckets());
        assertEquals(262144L, s.hashsize());
        assertNull(s.stats());
        assertNotNull(s.statsNote());
        assertTrue(s.statsNote().contains("CONFIG_NF_CONNTRACK_PROCFS"), s.statsNote());
        assertEquals(24731708L * 1024, s.ramBytes());
        assertEquals(EntrySize.UNKNOWN_BYTES, s.entrySize().bytes());
        assertEquals(320, s.entrySize().bytes());
        assertTrue(s.entrySize().source().startsWith("unknown"), s.entrySize().source());
        assertEquals(Boolean.FALSE, s.initialNetns());
        assertEquals("net:[4026532177]", s.netns());
        assertFalse(s.bucketsBySysctl());
        assertInitialNetnsReason(s.tunable(Tunables.MAX));
        assertWritable(s, Tunables.TIME_WAIT);
        assertWritable(s, "nf_conntrack_udp_timeout");
    }

    @Test
    void noprocfsWithoutSysModuleReportsBucketsReadOnly() throws IOException {
        // the usual container: /sys/module is not visible, so only the 0444 sysctl is left
        Fixtures.copy(Fixtures.LINUX_NOPROCFS, root);
        Files.delete(root.resolve("sys/module/nf_conntrack/parameters/hashsize"));
        NodeState s = new ProcfsKernel(root).read();
        assertNull(s.hashsize());
        assertInitialNetnsReason(s.tunable(Tunables.BUCKETS));
        assertInitialNetnsReason(s.tunable(Tunables.MAX));
    }

    /**
     * With /sys/module visible and rw (ip netns exec remounts sysfs), the hashsize parameter has mode 0600,
     * yet the kernel refuses it outside init_net (nf_conntrack_set_hashsize returns -EOPNOTSUPP).
     * ProcfsKernel.read() currently flips buckets to writable because hashsize is owner-writable.
     */
    @Test
    void noprocfsBucketsAreNotWritableThroughHashsizeOutsideTheInitialNetns() {
        NodeState s = read(Fixtures.LINUX_NOPROCFS);
        assertEquals(262144L, s.hashsize());
        assertInitialNetnsReason(s.tunable(Tunables.BUCKETS));
    }

    @Test
    void readOnlyOutsideTheInitialNetnsNeedsTheNamespaceToBeKnown() throws IOException {
        // same 0444 max, but without a readable ns link the reason falls back to the mode
        Fixtures.copy(Fixtures.LINUX_NOPROCFS, root);
        Files.delete(root.resolve("proc/self/ns/net"));
        NodeState s = new ProcfsKernel(root).read();
        assertNull(s.initialNetns());
        assertNull(s.netns());
        TunableState max = s.tunable(Tunables.MAX);
        assertFalse(max.writable());
        assertEquals("read-only on this kernel (mode 0444)", max.reason());
    }

    @Test
    void aProcessThatVanishedOrIsAZombieDoesNotMakeTheNamespaceListIncomplete() throws IOException {
        // a zombie has no namespace links (ENOENT); only a refused read (a monitoring user: EACCES) is a gap,
        // which tests/monitoring checks as a real non-root user
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        Files.createDirectories(root.resolve("proc/4242/ns"));
        assertNull(new ProcfsKernel(root).read().namespacesNote());
    }

    /** Issue 15: guard must see another namespace's drops, not only its own: each namespace's stat file has its counters. */
    @Test
    void anotherNamespacesDropCounterIsReadWithItsCount() throws IOException {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        Files.createDirectories(root.resolve("proc/4242/ns"));
        Files.createSymbolicLink(root.resolve("proc/4242/ns/net"), Path.of("net:[4026532999]"));
        Files.createDirectories(root.resolve("proc/4242/net/stat"));
        Files.writeString(root.resolve("proc/4242/net/stat/nf_conntrack"),
                "entries  drop early_drop insert_failed\n00000064 00000005 00000000 00000001\n00000064 00000002 00000000 00000000\n");
        var other = new ProcfsKernel(root).read().namespaces().stream().filter(n -> n.id().equals("net:[4026532999]")).findFirst().orElseThrow();
        assertEquals(100, other.count());
        assertEquals(7L, other.drops());
    }

    // --- failures and writes ---------------------------------------------------------------------

    @Test
    void missingMaxMeansTheModuleIsNotLoaded() throws IOException {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        Files.delete(sysctl(Tunables.MAX));
        CtguardException e = assertThrows(CtguardException.class, () -> new ProcfsKernel(root).read());
        assertEquals(ExitCode.UNAVAILABLE, e.exitCode());
        assertTrue(e.getMessage().contains("modprobe nf_conntrack"), e.getMessage());
    }

    @Test
    void emptyRootIsUnavailable() {
        CtguardException e = assertThrows(CtguardException.class, () -> new ProcfsKernel(root).read());
        assertEquals(ExitCode.UNAVAILABLE, e.exitCode());
        assertTrue(e.getMessage().contains("modprobe"), e.getMessage());
    }

    @Test
    void malformedSysctlIsADataError() throws IOException {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        Files.writeString(sysctl(Tunables.COUNT), "many\n");
        CtguardException e = assertThrows(CtguardException.class, () -> new ProcfsKernel(root).read());
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertTrue(e.getMessage().contains("/proc/sys/net/netfilter/nf_conntrack_count"), e.getMessage());
    }

    @Test
    void writeReplacesTheWholeValue() throws IOException {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        assertEquals("262144\n", Files.readString(sysctl(Tunables.MAX)));
        ProcfsKernel kernel = new ProcfsKernel(root);
        kernel.write(Tunables.MAX, 65536);
        assertEquals("65536\n", Files.readString(sysctl(Tunables.MAX)), "no leftover digits");
        assertEquals(65536, kernel.read().max());

        kernel.write(Tunables.TIME_WAIT, 30);
        assertEquals(30, kernel.read().value(Tunables.TIME_WAIT));
    }

    @Test
    void writeOnLinux618BucketsGoesToTheSysctl() throws IOException {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        new ProcfsKernel(root).write(Tunables.BUCKETS, 524288);
        assertEquals("524288\n", Files.readString(sysctl(Tunables.BUCKETS)));
        assertEquals("262144\n", Files.readString(root.resolve("sys/module/nf_conntrack/parameters/hashsize")));
    }

    @Test
    void writeToAMissingTunableFails() {
        Fixtures.copy(Fixtures.LINUX_6_18, root);
        CtguardException e = assertThrows(CtguardException.class,
                () -> new ProcfsKernel(root).write("nf_conntrack_tcp_timeout_nonexistent", 10));
        assertTrue(e.getMessage().contains("/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_nonexistent"), e.getMessage());
    }
}
