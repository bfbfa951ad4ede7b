package ctguard.core;

import java.time.Duration;

/** Make the live values survive reboot (rule 9), and retire the snapshot so restore leaves them alone. */
public final class Persist {

    public record Options(boolean remove, boolean dryRun, Duration lockTimeout) {
    }

    private final Kernel kernel;
    private final SnapshotStore store;
    private final NodeLock lock;
    private final PersistFiles files;

    public Persist(Kernel kernel, SnapshotStore store, NodeLock lock, ConfigFiles files, Waiter clock) {
        this.kernel = kernel;
        this.store = store;
        this.lock = lock;
        this.files = new PersistFiles(files, store, clock);
    }

    public Result run(Options options) {
        return lock.guard(options.dryRun(), options.lockTimeout(), () -> persist(options));
    }

    private Result persist(Options options) {
        NodeState node = kernel.read();
        Result.Builder result = Result.builder(options.remove() ? "persist-remove" : "persist", node, MemoryBudget.DEFAULT);
        result.dryRun = options.dryRun();
        if (!options.remove()) {
            store.load().ifPresent(s -> result.snapshot = s);
        }
        files.persist(node, options.remove(), result, options.dryRun());
        return result.build();
    }
}
