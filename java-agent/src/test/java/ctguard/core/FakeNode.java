package ctguard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** In-memory ports for the pure actions: a kernel, a snapshot store, a lock and a clock. */
final class FakeNode implements Kernel, SnapshotStore, NodeLock, Waiter {
    final Map<String, Long> values = new LinkedHashMap<>();
    final Set<String> readOnly = new HashSet<>();
    final List<String> writeLog = new ArrayList<>();
    String failOnWrite;
    long count;
    long ramBytes = 64L << 30;
    long entryBytes = 256;
    ConntrackStats stats = new ConntrackStats(0L, 0L, 0L, 0L, 0L, 0L);
    /** Why the other namespaces may be incomplete, or null. */
    String namespacesNote;
    /** The nf_conntrack slab could not be read (as a non-root user), so the entry size is assumed. */
    boolean slabUnreadable;
    String bootId = "2f0e7a8c-5f43-4b59-9d3a-1c2b3d4e5f60";
    Snapshot stored;
    /** A live snapshot of this node in another state dir, or null. */
    String elsewhere;
    boolean corruptSnapshot;
    boolean lockBusy;
    boolean lockHeld;
    Instant now = Instant.parse("2026-11-26T10:00:00Z");
    /** Count after each sleep, to model a draining table. */
    final List<Long> countAfterSleep = new ArrayList<>();
    /** Other namespaces with entries, fullest first. */
    final List<NetnsUsage> others = new ArrayList<>();

    FakeNode() {
        values.put(Tunables.MAX, 262144L);
        values.put(Tunables.BUCKETS, 65536L);
        values.put(Tunables.TIME_WAIT, 120L);
        values.put("nf_conntrack_tcp_timeout_established", 432000L);
    }

    @Override
    public NodeState read() {
        Map<String, TunableState> tunables = new LinkedHashMap<>();
        values.forEach((name, v) -> tunables.put(name, new TunableState(name, v, !readOnly.contains(name),
                readOnly.contains(name) ? "global limit: read-only outside the initial network namespace" : null)));
        return new NodeState("node1", "6.18.0", count, tunables, values.get(Tunables.BUCKETS),
                stats, stats == null ? "statistics not readable" : null, ramBytes,
                EntrySize.of(slabUnreadable ? null : entryBytes, "test", false), true,
                "net:[4026531833]", true, List.copyOf(others), namespacesNote, NetnsDirectory.UNKNOWN, bootId);
    }

    @Override
    public void write(String tunable, long value) {
        if (tunable.equals(failOnWrite)) {
            throw new KernelWriteException(tunable, ExitCode.NO_PERMISSION, tunable + ": Operation not supported", null);
        }
        writeLog.add(tunable + "=" + value);
        values.put(tunable, Tunables.BUCKETS.equals(tunable) ? Sizing.roundUpBuckets(value) : value);
    }

    @Override
    public Optional<Snapshot> load() {
        if (corruptSnapshot) {
            throw CtguardException.data("snapshot is corrupt");
        }
        return Optional.ofNullable(stored);
    }

    @Override
    public Snapshot create(Snapshot snapshot) {
        if (stored != null) {
            throw new IllegalStateException("snapshot overwritten");
        }
        stored = snapshot;
        return snapshot;
    }

    @Override
    public void update(Snapshot snapshot) {
        if (stored == null || !stored.values().equals(snapshot.values())) {
            throw new IllegalStateException("originals changed");
        }
        stored = snapshot;
    }

    @Override
    public boolean exists() {
        return stored != null || corruptSnapshot;
    }

    /** Set to make removing the snapshot fail, as an immutable state dir does. */
    boolean deleteFails;

    @Override
    public void delete() {
        if (deleteFails) {
            throw new CtguardException(ExitCode.CANT_CREATE, "cannot write /state/snapshot.json: Operation not permitted");
        }
        stored = null;
    }

    @Override
    public String archive(String reason) {
        stored = null;
        return "/state/snapshot." + reason + ".json";
    }

    @Override
    public String location() {
        return "/state/snapshot.json";
    }

    @Override
    public Optional<String> liveElsewhere() {
        return Optional.ofNullable(elsewhere);
    }

    @Override
    public Lease acquire(Duration timeout) {
        if (lockBusy) {
            throw new CtguardException(ExitCode.TEMP_FAIL, "lock busy");
        }
        lockHeld = true;
        return () -> lockHeld = false;
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public void sleep(Duration duration) {
        now = now.plus(duration);
        if (!countAfterSleep.isEmpty()) {
            count = countAfterSleep.remove(0);
        }
    }

    Prepare prepare() {
        return new Prepare(this, this, this, this);
    }

    Restore restore() {
        return new Restore(this, this, this, this);
    }
}
