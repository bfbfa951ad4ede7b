package ctguard.core;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Snapshot the originals, then raise the limits and lower TIME_WAIT (DESIGN §5, §6). */
public final class Prepare {
    public record Options(PlanRequest request, boolean force, boolean dryRun, boolean allowPartial, Duration lockTimeout) {
    }

    private final Kernel kernel;
    private final SnapshotStore store;
    private final NodeLock lock;
    private final Waiter clock;

    public Prepare(Kernel kernel, SnapshotStore store, NodeLock lock, Waiter clock) {
        this.kernel = kernel;
        this.store = store;
        this.lock = lock;
        this.clock = clock;
    }

    public Result run(Options options) {
        return lock.guard(options.dryRun(), options.lockTimeout(), () -> prepare(options));
    }

    private Result prepare(Options options) {
        NodeState node = kernel.read();
        Optional<Snapshot> existing = store.load();
        Plan plan = Planner.plan(node, options.request());
        Result.Builder result = Result.builder("prepare", node, options.request().budget());
        result.plan = plan;
        result.dryRun = options.dryRun();
        if (plan.overBudget() && !options.force()) {
            throw new CtguardException(ExitCode.DATA_ERROR, ("max %d with %d buckets needs %s of kernel memory, above the budget of %s (%s); "
                    + "lower --max/--buckets, raise --memory-budget, or pass --force").formatted(
                    plan.item(Tunables.MAX).target(), plan.item(Tunables.BUCKETS).target(), Units.formatBytes(plan.bytesAtTarget()),
                    Units.formatBytes(plan.budgetBytes()), options.request().budget().describe()), null, result.build());
        }
        if (plan.overBudget()) {
            result.warnings.add("above the memory budget of %s: forced".formatted(Units.formatBytes(plan.budgetBytes())));
        }
        List<Writes.Write> writes = plan.changes().stream()
                .map(i -> new Writes.Write(i.name(), i.current(), i.target())).toList();
        writes = Writes.writable(node, writes, options.allowPartial(), result);

        boolean snapshotCreated = false;
        if (existing.isPresent()) {
            result.snapshot = existing.get();
        } else if (!writes.isEmpty()) {
            Snapshot originals = originals(node);
            if (options.dryRun()) {
                result.snapshot = new Snapshot(originals.path(), null, originals.host(), originals.kernel(), originals.values());
            } else {
                result.snapshot = store.create(originals);
                snapshotCreated = true;
            }
        }
        result.changed = !writes.isEmpty();
        if (options.dryRun()) {
            writes.forEach(w -> result.recordWrite(w.name(), w.after()));
            return result.build();
        }
        boolean removeSnapshotOnRollback = snapshotCreated;
        Writes.apply(kernel, writes, result, () -> {
            if (removeSnapshotOnRollback) {
                store.delete();
                result.snapshot = null;
            }
        });
        recordActualValues(result, writes, options.request().budget());
        return result.build();
    }

    private Snapshot originals(NodeState node) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String name : Tunables.MANAGED) {
            values.put(name, node.value(name));
        }
        return new Snapshot(store.location(), clock.now().toString(), node.host(), node.kernel(), values);
    }

    /** The kernel may round what it was given (buckets); report what it now holds. */
    private void recordActualValues(Result.Builder result, List<Writes.Write> writes, MemoryBudget budget) {
        if (writes.isEmpty()) {
            return;
        }
        NodeState after = kernel.read();
        writes.forEach(w -> result.recordWrite(w.name(), after.value(w.name())));
        result.refresh(after, budget);
    }
}
