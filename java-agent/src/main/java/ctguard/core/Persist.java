package ctguard.core;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Make the live values survive reboot (rule 9), and retire the snapshot so restore leaves them alone. */
public final class Persist {
    public static final String SYSCTL_FILE = "/etc/sysctl.d/90-conntrack-guard.conf";
    public static final String MODULES_FILE = "/etc/modules-load.d/conntrack-guard.conf";
    public static final String MODPROBE_FILE = "/etc/modprobe.d/conntrack-guard.conf";

    public record Options(boolean remove, boolean dryRun, Duration lockTimeout) {
    }

    private final Kernel kernel;
    private final SnapshotStore store;
    private final NodeLock lock;
    private final PersistFiles files;
    private final Waiter clock;

    public Persist(Kernel kernel, SnapshotStore store, NodeLock lock, ConfigFiles files, Waiter clock) {
        this.kernel = kernel;
        this.store = store;
        this.lock = lock;
        this.files = new PersistFiles(files);
        this.clock = clock;
    }

    public Result run(Options options) {
        return lock.guard(options.dryRun(), options.lockTimeout(), () -> persist(options));
    }

    private Result persist(Options options) {
        NodeState node = kernel.read();
        Result.Builder result = Result.builder(options.remove() ? "persist-remove" : "persist", node, MemoryBudget.DEFAULT);
        result.dryRun = options.dryRun();
        Optional<Snapshot> snapshot = options.remove() ? Optional.empty() : store.load();
        List<FileChange> changes = files.changes(node, options.remove());
        result.files = changes;
        if (!options.remove()) {
            result.warnings.addAll(files.overrides());
        }
        boolean filesChange = changes.stream().anyMatch(FileChange::changes);
        result.changed = filesChange || snapshot.isPresent();
        snapshot.ifPresent(s -> result.snapshot = s);
        if (options.dryRun()) {
            return result.build();
        }
        files.write(changes, result);
        if (snapshot.isPresent()) {
            result.warnings.add(retire(store, clock));
        }
        return result.build();
    }

    /** Moves the snapshot aside so restore no longer undoes persisted values; returns the warning that says so. */
    static String retire(SnapshotStore store, Waiter clock) {
        String archived = store.archive("persisted-" + clock.now().toString().replace(":", ""));
        return "snapshot retired to %s: restore will not undo the persisted values".formatted(archived);
    }
}
