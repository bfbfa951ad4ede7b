package ctguard.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Put the snapshot's values back once the table has drained enough (rule 6), then drop the snapshot. */
public final class Restore {
    public record Options(boolean force, Duration maxWait, Duration interval, double margin, boolean dryRun,
                          boolean allowPartial, Duration lockTimeout) {
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
        return lock.guard(options.dryRun(), options.lockTimeout(), () -> restore(options));
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
        if (!snapshot.host().equals(node.host())) {
            result.warnings.add("the snapshot was taken on host '%s', this is '%s'".formatted(snapshot.host(), node.host()));
        }
        long originalMax = snapshot.values().get(Tunables.MAX);
        if (!options.force()) {
            node = awaitDrained(node, originalMax, options, result);
        }
        List<Writes.Write> writes = new ArrayList<>();
        for (String name : ORDER) {
            long original = snapshot.values().get(name);
            long current = node.value(name);
            if (original != current) {
                writes.add(new Writes.Write(name, current, original));
            }
        }
        writes = Writes.writable(node, writes, options.allowPartial(), result);
        result.changed = true;
        if (options.dryRun()) {
            writes.forEach(w -> result.recordWrite(w.name(), w.after()));
            return result.build();
        }
        Writes.apply(kernel, writes, result, () -> { });
        store.delete();
        result.refresh(kernel.read(), MemoryBudget.DEFAULT);
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
        throw new CtguardException(ExitCode.TEMP_FAIL, waited + notDrained(node, originalMax, allowed, options)
                + "; nothing was changed. Retry later, wait with --wait 10m, or pass --force to restore anyway (new flows would be dropped)",
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
