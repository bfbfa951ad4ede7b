package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.Snapshot;
import ctguard.core.Tunables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileSnapshotStoreTest {
    @TempDir
    Path state;

    private FileSnapshotStore store() {
        return new FileSnapshotStore(state.resolve("ctguard"), "/var/lib/conntrack-guard", new NodeDir(state));
    }

    private static Snapshot snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        values.put(Tunables.BUCKETS, 65536L);
        values.put(Tunables.MAX, 262144L);
        values.put(Tunables.TIME_WAIT, 120L);
        return new Snapshot(null, "2026-11-26T10:00:00Z", "node1", "6.18.0", "b0a7e1d2-0000-4000-8000-000000000001", values, null);
    }

    @Test
    void roundTripsWithPrivateMode() throws IOException {
        store().create(snapshot());
        Path file = state.resolve("ctguard/snapshot.json");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Snapshot loaded = store().load().orElseThrow();
        assertEquals(snapshot().values(), loaded.values());
        assertEquals("/var/lib/conntrack-guard/snapshot.json", loaded.path());
        assertEquals("node1", loaded.host());
        try (var leftovers = Files.list(file.getParent())) {
            assertEquals(1, leftovers.count(), "no temp files left behind");
        }
    }

    @Test
    void neverOverwritesAnExistingSnapshot() throws IOException {
        store().create(snapshot());
        String first = Files.readString(state.resolve("ctguard/snapshot.json"));
        CtguardException e = assertThrows(CtguardException.class, () -> store().create(snapshot()));
        assertEquals(ExitCode.CANT_CREATE, e.exitCode());
        assertEquals(first, Files.readString(state.resolve("ctguard/snapshot.json")));
    }

    /** max 0 is the kernel's "no limit": a snapshot of such a node must load, so restore can put 0 back. */
    @Test
    void aSnapshotOfAnUnlimitedMaxLoads() throws IOException {
        Path file = state.resolve("ctguard/snapshot.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "{\"schema\":\"ctguard-snapshot/v1\",\"taken_at\":\"x\",\"host\":\"h\",\"kernel\":\"k\","
                + "\"values\":{\"nf_conntrack_max\":0,\"nf_conntrack_buckets\":1024,\"nf_conntrack_tcp_timeout_time_wait\":1}}");
        assertEquals(0L, store().load().orElseThrow().values().get("nf_conntrack_max"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "{\"schema\":\"ctguard-snapshot/v1\",\"taken_at\":\"x\",\"host\":\"h\",\"kernel\":\"k\",\"values\":{\"nf_conntrack_max\":1",
            "[1,2]", "{\"schema\":\"other/v9\"}",
            "{\"schema\":\"ctguard-snapshot/v1\",\"taken_at\":\"x\",\"host\":\"h\",\"kernel\":\"k\",\"values\":{\"nf_conntrack_max\":262144}}",
            "{\"schema\":\"ctguard-snapshot/v1\",\"taken_at\":\"x\",\"host\":\"h\",\"kernel\":\"k\",\"values\":{\"nf_conntrack_max\":\"lots\",\"nf_conntrack_buckets\":1024,\"nf_conntrack_tcp_timeout_time_wait\":1}}",
            "{\"schema\":\"ctguard-snapshot/v1\",\"taken_at\":\"x\",\"host\":\"h\",\"kernel\":\"k\",\"values\":{\"nf_conntrack_max\":-1,\"nf_conntrack_buckets\":1024,\"nf_conntrack_tcp_timeout_time_wait\":1}}"})
    void aCorruptSnapshotIsDataErrorAndStaysInPlace(String content) throws IOException {
        Path file = state.resolve("ctguard/snapshot.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        CtguardException e = assertThrows(CtguardException.class, () -> store().load());
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertTrue(e.getMessage().contains("kept"), e.getMessage());
        assertEquals(content, Files.readString(file));
    }

    @Test
    void refusesASymlinkedSnapshot() throws IOException {
        Path dir = Files.createDirectories(state.resolve("ctguard"));
        Path elsewhere = Files.writeString(state.resolve("elsewhere.json"), "{}");
        Files.createSymbolicLink(dir.resolve("snapshot.json"), elsewhere);
        assertEquals(ExitCode.DATA_ERROR, assertThrows(CtguardException.class, () -> store().load()).exitCode());
    }

    @Test
    void archiveMovesItAsideAndDeleteRemovesIt() {
        store().create(snapshot());
        String archived = store().archive("persisted-20261126T100000Z");
        assertEquals("/var/lib/conntrack-guard/snapshot.persisted-20261126T100000Z.json", archived);
        assertTrue(Files.exists(state.resolve("ctguard/snapshot.persisted-20261126T100000Z.json")));
        assertFalse(store().load().isPresent());
        store().create(snapshot());
        store().delete();
        assertFalse(store().load().isPresent());
    }
}
