package ctguard.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The files that make the live values survive reboot (rule 9), shared by persist and tune --persist. */
public final class PersistFiles {
    public static final String SYSCTL_FILE = "/etc/sysctl.d/90-conntrack-guard.conf";
    public static final String MODULES_FILE = "/etc/modules-load.d/conntrack-guard.conf";
    public static final String MODPROBE_FILE = "/etc/modprobe.d/conntrack-guard.conf";
    static final String HEADER = "# Written by conntrack-guard (ctguard persist); undo with: ctguard persist --remove\n"; // names the command to type on the node

    private final ConfigFiles files;
    private final SnapshotStore store;
    private final Waiter clock;

    PersistFiles(ConfigFiles files, SnapshotStore store, Waiter clock) {
        this.files = files;
        this.store = store;
        this.clock = clock;
    }

    /**
     * The whole persist step, shared by persist and tune --persist: the files the node's values need (or,
     * with remove, that none remain) and the overrides that would beat them go into the result; unless dry,
     * they are written all or nothing and the result's snapshot, if any, is retired so restore leaves the
     * persisted values alone.
     */
    void persist(NodeState node, boolean remove, Result.Builder result, boolean dryRun) {
        List<FileChange> changes = changes(node, remove);
        result.files = changes;
        if (!remove) {
            result.warnings.addAll(overrides());
        }
        result.changed = result.changed || changes.stream().anyMatch(FileChange::changes) || result.snapshot != null;
        if (dryRun) {
            return;
        }
        write(changes, result);
        if (result.snapshot != null) {
            String archived = store.archive("persisted-" + clock.now().toString().replace(":", ""));
            result.warnings.add("snapshot retired to %s: restore will not undo the persisted values".formatted(archived));
        }
    }

    /** What each file would become to hold the node's values (or, with remove, that every file goes). */
    private List<FileChange> changes(NodeState node, boolean remove) {
        Map<String, String> desired = remove ? absent() : desired(node);
        List<FileChange> changes = new ArrayList<>();
        desired.forEach((path, content) -> {
            Optional<byte[]> current = files.read(path);
            changes.add(new FileChange(path, action(current, content), content, current.orElse(null)));
        });
        return changes;
    }

    /** Lines of later files that would override ours at boot. */
    private List<String> overrides() {
        Set<String> keys = new LinkedHashSet<>();
        Tunables.MANAGED.forEach(n -> keys.add(Tunables.sysctlKey(n)));
        return SysctlPrecedence.overrides(files, PersistFiles.SYSCTL_FILE, keys).stream().map(SysctlPrecedence.Override::describe).toList();
    }

    /**
     * Files too are all or nothing: a failed write puts back the files already replaced, records that in
     * the result's rollback and rethrows carrying the result.
     */
    private void write(List<FileChange> changes, Result.Builder result) {
        List<FileChange> done = new ArrayList<>();
        for (FileChange change : changes) {
            if (!change.changes()) {
                continue;
            }
            try {
                apply(change.path(), Optional.ofNullable(change.content()).map(c -> c.getBytes(StandardCharsets.UTF_8)));
                done.add(change);
            } catch (CtguardException failure) {
                List<String> undone = new ArrayList<>();
                List<String> failed = new ArrayList<>();
                for (int i = done.size() - 1; i >= 0; i--) {
                    FileChange d = done.get(i);
                    try {
                        apply(d.path(), Optional.ofNullable(d.previousBytes()));
                        undone.add(d.path());
                    } catch (CtguardException e) {
                        failed.add(d.path() + ": " + e.getMessage());
                    }
                }
                result.rollback = new Result.Rollback(undone, failed);
                result.changed = !failed.isEmpty();
                throw new ActionFailedException(failure.exitCode(), "%s: %s%s".formatted(change.path(), failure.getMessage(),
                        undone.isEmpty() ? "" : "; put back " + String.join(", ", undone)), failure, result.build());
            }
        }
    }

    private void apply(String path, Optional<byte[]> content) {
        if (content.isPresent()) {
            files.write(path, content.get());
        } else {
            files.delete(path);
        }
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
        desired.put(PersistFiles.MODULES_FILE, HEADER + "# nf_conntrack must be loaded before systemd-sysctl, or its settings fail silently at boot\nnf_conntrack\n");
        desired.put(PersistFiles.MODPROBE_FILE, bucketsBySysctl ? null
                : HEADER + "# this kernel does not take buckets through sysctl; set them when the module loads\n"
                + "options nf_conntrack hashsize=" + buckets.value() + "\n");
        desired.put(PersistFiles.SYSCTL_FILE, sysctl.toString());
        return desired;
    }

    private static Map<String, String> absent() {
        Map<String, String> none = new LinkedHashMap<>();
        none.put(PersistFiles.MODULES_FILE, null);
        none.put(PersistFiles.MODPROBE_FILE, null);
        none.put(PersistFiles.SYSCTL_FILE, null);
        return none;
    }

    private static String line(String name, long value) {
        return Tunables.sysctlKey(name) + " = " + value + "\n";
    }

    /** By bytes: a file that only looks the same as ours (another encoding, a stray byte) is an update. */
    private static String action(Optional<byte[]> current, String desired) {
        if (desired == null) {
            return current.isPresent() ? "remove" : "unchanged";
        }
        if (current.isEmpty()) {
            return "create";
        }
        return Arrays.equals(current.get(), desired.getBytes(StandardCharsets.UTF_8)) ? "unchanged" : "update";
    }
}
