package ctguard.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PersistTest {
    private final FakeNode node = new FakeNode();
    private final MemoryConfigFiles files = new MemoryConfigFiles();

    private Result persist(boolean remove, boolean dryRun) {
        return new Persist(node, node, node, files, node).run(new Persist.Options(remove, dryRun, Duration.ofSeconds(1)));
    }

    @Test
    void writesSysctlAndModuleLoadFilesWithTheLiveValues() {
        Result r = persist(false, false);
        assertTrue(r.changed());
        String sysctl = files.files.get(PersistFiles.SYSCTL_FILE);
        assertTrue(sysctl.contains("net.netfilter.nf_conntrack_max = 262144\n"), sysctl);
        assertTrue(sysctl.contains("net.netfilter.nf_conntrack_buckets = 65536\n"));
        assertTrue(sysctl.contains("net.netfilter.nf_conntrack_tcp_timeout_time_wait = 120\n"));
        assertTrue(sysctl.indexOf("buckets") < sysctl.indexOf("nf_conntrack_max"), "buckets before max");
        assertTrue(files.files.get(PersistFiles.MODULES_FILE).endsWith("\nnf_conntrack\n"));
        assertFalse(files.files.containsKey(PersistFiles.MODPROBE_FILE));
    }

    @Test
    void aSecondRunIsByteIdenticalAndUnchanged() {
        persist(false, false);
        String before = files.files.toString();
        Result again = persist(false, false);
        assertFalse(again.changed());
        assertEquals(before, files.files.toString());
        assertTrue(again.files().stream().allMatch(f -> f.action().equals("unchanged")));
    }

    @Test
    void retiresTheSnapshotSoRestoreLeavesThePersistedValues() {
        node.prepare().run(new ChangeRequest(PlanRequest.defaults(), false, false, false, Duration.ofSeconds(1)));
        Result r = persist(false, false);
        assertNull(node.stored);
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("snapshot retired to /state/snapshot.persisted-")));
        assertTrue(files.files.get(PersistFiles.SYSCTL_FILE).contains("nf_conntrack_max = 4194304"));
        Result restore = node.restore().run(new Restore.Options(false, Duration.ZERO, Duration.ofSeconds(1), 0.1, false, false, Duration.ofSeconds(1)));
        assertFalse(restore.changed());
        assertEquals(4194304L, node.values.get(Tunables.MAX));
    }

    @Test
    void bucketsGoToModprobeWhenTheKernelRefusesThemBySysctl() {
        Kernel oldKernel = new Kernel() {
            @Override
            public NodeState read() {
                NodeState s = node.read();
                return new NodeState(s.host(), "4.9.0", s.count(), s.tunables(), s.hashsize(), s.stats(), s.statsNote(), s.ramBytes(),
                        s.entrySize(), s.initialNetns(), s.netns(), false, s.namespaces(), s.namespacesNote(), s.netnsDirectory(), s.bootId());
            }

            @Override
            public void write(String tunable, long value) {
                node.write(tunable, value);
            }
        };
        new Persist(oldKernel, node, node, files, node).run(new Persist.Options(false, false, Duration.ofSeconds(1)));
        assertEquals("options nf_conntrack hashsize=65536\n", files.files.get(PersistFiles.MODPROBE_FILE).lines()
                .filter(l -> !l.startsWith("#")).reduce("", (a, b) -> a + b + "\n"));
        assertFalse(files.files.get(PersistFiles.SYSCTL_FILE).contains("buckets"));
    }

    @Test
    void reportsLaterFilesThatOverrideOurs() {
        files.files.put("/usr/lib/sysctl.d/99-openstack.conf", "net.netfilter.nf_conntrack_max=65536\n");
        files.files.put("/etc/sysctl.d/10-early.conf", "net.netfilter.nf_conntrack_max=1\n");
        files.files.put("/etc/sysctl.conf", "# comment\nnet/netfilter/nf_conntrack_tcp_timeout_time_wait = 240\n");
        Result r = persist(false, false);
        assertEquals(2, r.warnings().size(), r.warnings().toString());
        assertTrue(r.warnings().get(0).startsWith("/usr/lib/sysctl.d/99-openstack.conf:1 sets net.netfilter.nf_conntrack_max = 65536"));
        assertTrue(r.warnings().get(1).startsWith("/etc/sysctl.conf:2 sets net.netfilter.nf_conntrack_tcp_timeout_time_wait"));
    }

    @Test
    void aFileInEtcMasksTheSameNameInUsrLib() {
        files.files.put("/usr/lib/sysctl.d/99-x.conf", "net.netfilter.nf_conntrack_max=65536\n");
        files.files.put("/etc/sysctl.d/99-x.conf", "# masked by the admin\n");
        assertTrue(persist(false, false).warnings().isEmpty());
    }

    @Test
    void removeDeletesOnlyOurFiles() {
        persist(false, false);
        files.files.put("/etc/sysctl.d/10-other.conf", "x=1\n");
        Result r = persist(true, false);
        assertTrue(r.changed());
        assertEquals(1, files.files.size());
        assertFalse(persist(true, false).changed());
    }

    @Test
    void dryRunWritesNothing() {
        Result r = persist(false, true);
        assertTrue(r.changed());
        assertTrue(files.files.isEmpty());
        assertEquals("create", r.files().get(0).action());
    }

    @Test
    void aFailedWritePutsBackFilesAlreadyWritten() {
        files.files.put(PersistFiles.MODULES_FILE, "old\n");
        files.failOnWrite = PersistFiles.SYSCTL_FILE;
        CtguardException e = assertThrows(CtguardException.class, () -> persist(false, false));
        assertEquals(ExitCode.CANT_CREATE, e.exitCode());
        assertEquals("old\n", files.files.get(PersistFiles.MODULES_FILE));
        assertEquals(1, files.files.size());
    }
}
