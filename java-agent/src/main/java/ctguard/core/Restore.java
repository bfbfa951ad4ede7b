package ctguard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Put the snapshot's values back once the table has drained enough (rule 6), then drop the snapshot.
 * A value someone else changed since prepare (drift) and a snapshot of another boot (stale) are refused,
 * not overwritten (rule 7b).
 */
public final class Restore {
    /**
     * @param force   restore while the table is fuller than the original max allows, and over drift
     * @param discard set the snapshot aside without touching the kernel (for a stale one)
     */
    public record Options(boolean force, Duration maxWait, Duration interval, double margin, boolean dryRun,
                          boolean allowPartial, Duration lockTimeout, boolean discard) {
        public Options(boolean force, Duration maxWait, Duration interval, double margin, boolean dryRun, boolean allowPartial,
                       Duration lockTimeout) {
            this(force, maxWait, interval, margin, dryRun, allowPartial, lockTimeout, false);
        }
    }

    /** Restore order: the reverse of prepare's, so the limits come down last. */
    private static final List<String> ORDER = List.of(Tunables.TIME_WAIT, Tunables.MAX, Tunables.BUCKETS);

    private final Kernel kernel;
    private final SnapshotStore store;
    private final NodeLock lock;
    private final Waiter clock;

    public Restore(Kernel kernel, SnapshotStore store, NodeLock lock, Waiter clock) {
        this.kernel = kernel;
        this.store = store;
        this.lock = lock;
        this.clock = clock;
    }

    public Result run(Options options) {
        return lock.guard(options.dryRun(), options.lockTimeout(), () -> options.discard() ? discard(options) : restore(options));
    }

    private Result restore(Options options) {
        Optional<Snapshot> found = store.load();
        NodeState node = kernel.read();
        Result.Builder result = Result.builder("restore", node, MemoryBudget.DEFAULT);
        result.dryRun = options.dryRun();
        if (found.isEmpty()) {
            result.warnings.add("no snapshot at %s: nothing to restore".formatted(store.location())
                    + store.liveElsewhere().map(other -> "; this node's live snapshot is %s: restore from that state dir".formatted(other)).orElse(""));
            return result.build();
        }
        Snapshot snapshot = found.get();
        result.snapshot = snapshot;
        snapshot.requireCurrent(node);
        Optional.ofNullable(snapshot.ageWarning(clock.now())).ifPresent(result.warnings::add);
        if (!snapshot.host().equals(node.host())) {
            result.warnings.add("the snapshot was taken on host '%s', this is '%s'".formatted(snapshot.host(), node.host()));
        }
        if (snapshot.written() == null) {
            result.warnings.add("the snapshot does not record what ctguard set (an older version took it): changes made by hand since are not detected");
        }
        refuseImpossible(snapshot, node, options, result);
        refuseDrift(snapshot, node, options, result);
        long originalMax = snapshot.values().get(Tunables.MAX);
        if (!options.force()) {
            node = awaitDrained(node, originalMax, options, result);
        } else if (originalMax != 0 && node.fullestCount() > Sizing.countAllowedBy(originalMax, options.margin())) {
            result.warnings.add("forced: " + notDrained(node, originalMax, Sizing.countAllowedBy(originalMax, options.margin()), options)
                    + "; new flows will be dropped until the table drains");
        }
        List<TunableWrite> writes = new ArrayList<>();
        for (String name : ORDER) {
            long original = snapshot.values().get(name);
            long current = node.value(name);
            if (original != current) {
                writes.add(new TunableWrite(name, current, original));
            }
        }
        writes = Writes.writable(node, writes, options.allowPartial(), result);
        result.changed = true;
        if (options.dryRun()) {
            writes.forEach(w -> result.recordWrite(w.name(), w.after()));
            return result.build();
        }
        Writes.apply(kernel, writes, result, () -> { });
        result.refresh(kernel.read(), MemoryBudget.DEFAULT);
        try {
            store.delete();
        } catch (CtguardException e) {
            throw new ActionFailedException(ExitCode.CANT_CREATE, ("the originals are back, but the snapshot %s could not be removed: %s. "
                    + "Remove it by hand, or restore with %s").formatted(store.location(), e.getMessage(), Option.DISCARD), e, result.build());
        }
        return result.build();
    }

    /** Drift is refused (65) with each tunable's three values, unless forced. */
    private static void refuseDrift(Snapshot snapshot, NodeState node, Options options, Result.Builder result) {
        List<Snapshot.Drift> drift = snapshot.drift(node);
        if (drift.isEmpty()) {
            return;
        }
        result.drift = drift;
        String each = drift.stream().map(Snapshot.Drift::describe).collect(Collectors.joining("; "));
        if (!options.force()) {
            throw new ActionFailedException(ExitCode.DATA_ERROR, ("changed since by someone else: %s. Nothing was changed; "
                    + "check why, then restore with %s to put the originals back anyway").formatted(each, Option.FORCE), null, result.build());
        }
        result.warnings.add("forced over values changed by someone else: " + each);
    }

    /** A hash table larger than the node's RAM cannot be an original of this node: a tampered or foreign snapshot. */
    private static void refuseImpossible(Snapshot snapshot, NodeState node, Options options, Result.Builder result) {
        long hash = Sizing.hashBytes(snapshot.values().get(Tunables.BUCKETS));
        if (hash <= node.ramBytes()) {
            return;
        }
        String what = "the snapshot's buckets %d need a %s hash table, more than this node's RAM (%s)".formatted(
                snapshot.values().get(Tunables.BUCKETS), Units.formatBytes(hash), Units.formatBytes(node.ramBytes()));
        if (!options.force()) {
            throw new ActionFailedException(ExitCode.DATA_ERROR, what + "; nothing was changed. Check the snapshot; " + Option.FORCE + " restores it anyway",
                    null, result.build());
        }
        result.warnings.add("forced: " + what);
    }

    /** Sets the snapshot aside, kernel untouched: for a stale snapshot, or one that is no longer wanted. */
    private Result discard(Options options) {
        Result.Builder result = Result.builder("restore", kernel.read(), MemoryBudget.DEFAULT);
        result.dryRun = options.dryRun();
        Optional<Snapshot> found;
        try {
            found = store.load();
        } catch (CtguardException corrupt) {
            found = Optional.empty();
            result.warnings.add(corrupt.getMessage());
        }
        found.ifPresent(s -> result.snapshot = s);
        result.changed = store.exists();
        if (!result.changed) {
            result.warnings.add("no snapshot at %s: nothing to discard".formatted(store.location()));
            return result.build();
        }
        if (!options.dryRun()) {
            String where = store.archive("discarded-" + clock.now().toString().replace(":", ""));
            result.warnings.add("snapshot set aside as %s; the kernel was not touched".formatted(where));
        }
        return result.build();
    }

    private NodeState awaitDrained(NodeState node, long originalMax, Options options, Result.Builder result) {
        long allowed = Sizing.countAllowedBy(originalMax, options.margin());
        boolean originalUnlimited = originalMax == 0;
        if (originalUnlimited || node.fullestCount() <= allowed || (!node.unlimited() && originalMax >= node.max())) {
            return node;
        }
        if (options.dryRun()) {
            result.warnings.add(notDrained(node, originalMax, allowed, options) + " (dry run: not waiting)");
            return node;
        }
        Instant deadline = clock.now().plus(options.maxWait());
        while (clock.now().isBefore(deadline)) {
            try {
                clock.sleep(min(options.interval(), Duration.between(clock.now(), deadline)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CtguardException(ExitCode.TEMP_FAIL, "interrupted while waiting for the table to drain; nothing was changed");
            }
            node = kernel.read();
            if (node.fullestCount() <= allowed) {
                return node;
            }
        }
        String waited = options.maxWait().isZero() ? "" : "after waiting " + Units.formatDuration(options.maxWait()) + ", ";
        result.refresh(node, MemoryBudget.DEFAULT);
        throw new ActionFailedException(ExitCode.TEMP_FAIL, waited + notDrained(node, originalMax, allowed, options)
                + "; nothing was changed. Retry later, wait with " + Option.WAIT + " (e.g. 10m), or pass " + Option.FORCE + " to restore anyway (new flows would be dropped)",
                null, result.build());
    }

    private static String notDrained(NodeState node, long originalMax, long allowed, Options options) {
        NetnsUsage other = node.fullestOther();
        return "the table holds %d entries%s; the original max %d allows at most %d with a %.0f%% margin".formatted(
                node.fullestCount(), other == null ? "" : " in network namespace " + other.label(), originalMax, allowed, options.margin() * 100);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
