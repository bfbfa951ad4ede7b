package ctguard.core;

import java.util.List;

/**
 * Apply the balanced sizing (max at the budget ceiling, which may lower it; buckets a quarter of it;
 * TIME_WAIT 60) with prepare's safety: the lock, the snapshot first so restore brings the originals
 * back, all or nothing. With persist the persist files are written in the same run, and a failure there
 * undoes the kernel writes too.
 */
public final class Tune {
    public record Options(Prepare.Options change, boolean persist) {
    }

    private final NodeLock lock;
    private final SnapshotFirstChange change;
    private final PersistFiles files;
    private final SnapshotStore store;
    private final Waiter clock;

    public Tune(Kernel kernel, SnapshotStore store, NodeLock lock, ConfigFiles files, Waiter clock) {
        this.lock = lock;
        this.change = new SnapshotFirstChange(kernel, store, clock);
        this.files = new PersistFiles(files);
        this.store = store;
        this.clock = clock;
    }

    public Result run(Options options) {
        Prepare.Options o = options.change();
        SnapshotFirstChange.Then persist = options.persist() ? this::persist : null;
        return lock.guard(o.dryRun(), o.lockTimeout(), () -> change.run(Plan.TUNE, node -> Planner.tune(node, o.request()), o, persist));
    }

    /** Writes the persist files for the values now live (or, in a dry run, those about to be). */
    private void persist(NodeState after, Result.Builder result, boolean dryRun) {
        List<FileChange> changes = files.changes(after, false);
        result.files = changes;
        result.warnings.addAll(files.overrides());
        boolean filesChange = changes.stream().anyMatch(FileChange::changes);
        result.changed = result.changed || filesChange || result.snapshot != null;
        if (dryRun) {
            return;
        }
        files.write(changes, result);
        if (result.snapshot != null) {
            result.warnings.add(Persist.retire(store, clock));
        }
    }
}
