package ctguard.core;

/**
 * Apply the balanced sizing (max at the budget ceiling, which may lower it; buckets a quarter of it;
 * TIME_WAIT 60) with prepare's safety: the lock, the snapshot first so restore brings the originals
 * back, all or nothing. With persist the persist files are written in the same run, and a failure there
 * undoes the kernel writes too.
 */
public final class Tune {
    public record Options(ChangeRequest change, boolean persist) {
    }

    private final NodeLock lock;
    private final SnapshotFirstChange change;
    private final PersistFiles files;

    public Tune(Kernel kernel, SnapshotStore store, NodeLock lock, ConfigFiles files, Waiter clock) {
        this.lock = lock;
        this.change = new SnapshotFirstChange(kernel, store, clock);
        this.files = new PersistFiles(files, store, clock);
    }

    public Result run(Options options) {
        ChangeRequest o = options.change();
        SnapshotFirstChange.Then persist = options.persist() ? (after, result, dryRun) -> files.persist(after, false, result, dryRun) : null;
        return lock.guard(o.dryRun(), o.lockTimeout(), () -> change.run(Plan.TUNE, node -> Planner.tune(node, o.request()), o, persist));
    }
}
