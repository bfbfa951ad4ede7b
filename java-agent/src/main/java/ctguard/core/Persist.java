package ctguard.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Make the live values survive reboot (rule 9), and retire the snapshot so restore leaves them alone. */
public final class Persist {
    public static final String SYSCTL_FILE = "/etc/sysctl.d/90-conntrack-guard.conf";
    public static final String MODULES_FILE = "/etc/modules-load.d/conntrack-guard.conf";
    public static final String MODPROBE_FILE = "/etc/modprobe.d/conntrack-guard.conf";
    private static final String HEADER = "# Written by conntrack-guard (ctguard persist); undo with: ctguard persist --remove\n";

    public record Options(boolean remove, boolean dryRun, Duration lockTimeout) {
    }

    private final Kernel kernel;
    private final SnapshotStore store;
    private final NodeLock lock;
    private final ConfigFiles files;
    private final Waiter clock;

    public Persist(Kernel kernel, SnapshotStore store, NodeLock lock, ConfigFiles files, Waiter clock) {
        this.kernel = kernel;
        this.store = store;
        this.lock = lock;
        this.files = files;
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

        Map<String, String> desired = options.remove() ? absent() : desired(node);
        List<FileChange> changes = new ArrayList<>();
        Map<String, Optional<String>> previous = new LinkedHashMap<>();
        desired.forEach((path, content) -> {
            Optional<String> current = files.read(path);
            previous.put(path, current);
            changes.add(new FileChange(path, action(current, content), content, current.orElse(null)));
        });
        result.files = changes;
        if (!options.remove()) {
            Set<String> keys = new LinkedHashSet<>();
            Tunables.MANAGED.forEach(n -> keys.add(Tunables.sysctlKey(n)));
            SysctlPrecedence.overrides(files, SYSCTL_FILE, keys).forEach(o -> result.warnings.add(o.describe()));
        }
        boolean filesChange = changes.stream().anyMatch(FileChange::changes);
        result.changed = filesChange || snapshot.isPresent();
        if (snapshot.isPresent()) {
            result.snapshot = snapshot.get();
        }
        if (options.dryRun()) {
            return result.build();
        }
        writeAllOrNothing(changes, previous, result);
        if (snapshot.isPresent()) {
            String archived = store.archive("persisted-" + clock.now().toString().replace(":", ""));
            result.warnings.add("snapshot retired to %s: restore will not undo the persisted values".formatted(archived));
        }
        return result.build();
    }

    private Map<String, String> desired(NodeState node) {
        TunableState buckets = node.tunable(Tunables.BUCKETS);
        boolean bucketsBySysctl = node.bucketsBySysctl();
        StringBuilder sysctl = new StringBuilder(HEADER);
        if (bucketsBySysctl) {
            sysctl.append(line(Tunables.BUCKETS, buckets.value()));
        }
        sysctl.append(line(Tunables.MAX, node.max()));
        sysctl.append(line(Tunables.TIME_WAIT, node.value(Tunables.TIME_WAIT)));
        Map<String, String> desired = new LinkedHashMap<>();
        desired.put(MODULES_FILE, HEADER + "# nf_conntrack must be loaded before systemd-sysctl, or its settings fail silently at boot\nnf_conntrack\n");
        desired.put(MODPROBE_FILE, bucketsBySysctl ? null
                : HEADER + "# this kernel does not take buckets through sysctl; set them when the module loads\n"
                + "options nf_conntrack hashsize=" + buckets.value() + "\n");
        desired.put(SYSCTL_FILE, sysctl.toString());
        return desired;
    }

    private static Map<String, String> absent() {
        Map<String, String> none = new LinkedHashMap<>();
        none.put(MODULES_FILE, null);
        none.put(MODPROBE_FILE, null);
        none.put(SYSCTL_FILE, null);
        return none;
    }

    private static String line(String name, long value) {
        return Tunables.sysctlKey(name) + " = " + value + "\n";
    }

    private static String action(Optional<String> current, String desired) {
        if (desired == null) {
            return current.isPresent() ? "remove" : "unchanged";
        }
        if (current.isEmpty()) {
            return "create";
        }
        return current.get().equals(desired) ? "unchanged" : "update";
    }

    /** Files too are all or nothing: a failed write puts back the files already replaced. */
    private void writeAllOrNothing(List<FileChange> changes, Map<String, Optional<String>> previous, Result.Builder result) {
        List<FileChange> done = new ArrayList<>();
        for (FileChange change : changes) {
            if (!change.changes()) {
                continue;
            }
            try {
                apply(change.path(), Optional.ofNullable(change.content()));
                done.add(change);
            } catch (CtguardException failure) {
                List<String> undone = new ArrayList<>();
                List<String> failed = new ArrayList<>();
                for (int i = done.size() - 1; i >= 0; i--) {
                    String path = done.get(i).path();
                    try {
                        apply(path, previous.get(path));
                        undone.add(path);
                    } catch (CtguardException e) {
                        failed.add(path + ": " + e.getMessage());
                    }
                }
                result.rollback = new Result.Rollback(undone, failed);
                result.changed = !failed.isEmpty();
                throw new CtguardException(failure.exitCode(), "%s: %s%s".formatted(change.path(), failure.getMessage(),
                        undone.isEmpty() ? "" : "; put back " + String.join(", ", undone)), failure, result.build());
            }
        }
    }

    private void apply(String path, Optional<String> content) {
        if (content.isPresent()) {
            files.write(path, content.get());
        } else {
            files.delete(path);
        }
    }
}
