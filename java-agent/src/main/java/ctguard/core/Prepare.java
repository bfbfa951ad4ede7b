package ctguard.core;


/** Snapshot the originals, then raise the limits and lower TIME_WAIT (rules 1-3, 6, 7). */
public final class Prepare {
    /**
     * @param force lifts the memory budget for a raise that would cross it
     */
    private final NodeLock lock;
    private final SnapshotFirstChange change;

    public Prepare(Kernel kernel, SnapshotStore store, NodeLock lock, Waiter clock) {
        this.lock = lock;
        this.change = new SnapshotFirstChange(kernel, store, clock);
    }

    public Result run(ChangeRequest options) {
        return lock.guard(options.dryRun(), options.lockTimeout(),
                () -> change.run(Plan.PREPARE, node -> Planner.prepare(node, options.request()), options, null));
    }
}
