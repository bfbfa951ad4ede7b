package ctguard.core;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The shape prepare and tune share: read, plan, refuse what crosses the budget, snapshot the originals
 * before the first write (never replacing one), write all or nothing, report what the kernel now holds.
 */
final class SnapshotFirstChange {
    /** A further step in the same run; a CtguardException from it undoes the kernel writes and the new snapshot. */
    interface Then {
        void run(NodeState after, Result.Builder result, boolean dryRun);
    }

    private final Kernel kernel;
    private final SnapshotStore store;
    private final Waiter clock;

    SnapshotFirstChange(Kernel kernel, SnapshotStore store, Waiter clock) {
        this.kernel = kernel;
        this.store = store;
        this.clock = clock;
    }

    Result run(String action, Function<NodeState, Plan> planner, ChangeRequest options, Then then) {
        store.liveElsewhere().ifPresent(other -> {
            throw new CtguardException(ExitCode.DATA_ERROR, ("the originals of this node are already kept in %s, another state dir; "
                    + "a second snapshot here would record the values raised since as original. Nothing was changed: "
                    + "restore or persist from that state dir first").formatted(other));
        });
        NodeState node = kernel.read();
        Optional<Snapshot> existing = store.load();
        existing.ifPresent(snapshot -> snapshot.requireCurrent(node));
        Plan plan = planner.apply(node);
        MemoryBudget budget = options.request().budget();
        Result.Builder result = Result.builder(action, node, budget);
        existing.map(snapshot -> snapshot.ageWarning(clock.now())).ifPresent(result.warnings::add);
        result.plan = plan;
        result.dryRun = options.dryRun();
        if (plan.overBudget() && !options.force()) {
            throw new ActionFailedException(ExitCode.DATA_ERROR, ("%s of kernel memory, above the budget of %s (%s); "
                    + "lower %s/%s, raise %s, or pass %s").formatted(raise(plan),
                    Units.formatBytes(plan.budgetBytes()), budget.describe(), Option.MAX, Option.BUCKETS, Option.MEMORY_BUDGET, Option.FORCE), null, result.build());
        }
        if (plan.overBudget()) {
            result.warnings.add("above the memory budget of %s: forced".formatted(Units.formatBytes(plan.budgetBytes())));
        }
        if (plan.nodeOverBudget()) {
            result.warnings.add(keptOverBudget(plan, budget));
        }
        List<TunableWrite> writes = plan.changes().stream()
                .map(i -> new TunableWrite(i.name(), i.current(), i.target())).toList();
        writes = Writes.writable(node, writes, options.allowPartial(), result);

        Map<String, Long> targets = new LinkedHashMap<>();
        writes.forEach(w -> targets.put(w.name(), w.after()));
        boolean snapshotCreated = false;
        if (existing.isPresent()) {
            result.snapshot = existing.get();
            if (!options.dryRun() && !writes.isEmpty()) {
                // what is about to be written is recorded first: restore then tells our values from someone else's
                result.snapshot = existing.get().withWritten(targets);
                store.update(result.snapshot);
            }
        } else if (!writes.isEmpty()) {
            Snapshot originals = originals(node).withWritten(targets);
            if (options.dryRun()) {
                result.snapshot = new Snapshot(originals.path(), null, originals.host(), originals.kernel(), originals.bootId(),
                        originals.values(), originals.written());
            } else {
                result.snapshot = store.create(originals);
                snapshotCreated = true;
            }
        }
        result.changed = !writes.isEmpty();
        if (options.dryRun()) {
            writes.forEach(w -> result.recordWrite(w.name(), w.after()));
            if (then != null) {
                then.run(node.with(writes), result, true);
            }
            return result.build();
        }
        boolean removeSnapshotOnRollback = snapshotCreated;
        Runnable dropNewSnapshot = () -> {
            if (removeSnapshotOnRollback) {
                store.delete();
                result.snapshot = null;
            }
        };
        Writes.apply(kernel, writes, result, dropNewSnapshot);
        NodeState after = writes.isEmpty() ? node : kernel.read();
        // the kernel may round what it was given (buckets): report what it now holds
        writes.forEach(w -> result.recordWrite(w.name(), after.value(w.name())));
        result.refresh(after, budget);
        if (then != null) {
            try {
                then.run(after, result, false);
            } catch (CtguardException failure) {
                List<String> failed = Writes.undo(kernel, writes, result);
                if (failed.isEmpty()) {
                    dropNewSnapshot.run();
                }
                throw new ActionFailedException(failure.exitCode(), failure.getMessage() + (writes.isEmpty() ? "" : failed.isEmpty()
                        ? "; the kernel writes were rolled back too"
                        : "; could NOT roll back " + String.join("; ", failed) + " — check these values by hand"), failure, result.build());
            }
        }
        return result.build();
    }

    private static String raise(Plan plan) {
        long max = plan.item(Tunables.MAX).target();
        long buckets = plan.item(Tunables.BUCKETS).target();
        Long currentMax = plan.item(Tunables.MAX).current();
        return currentMax == null || max > currentMax
                ? "max %d with %d buckets needs %s".formatted(max, buckets, Units.formatBytes(plan.bytesAtTarget()))
                : "a hash table of %d buckets alone needs %s".formatted(buckets, Units.formatBytes(Sizing.hashBytes(buckets)));
    }

    private static String keptOverBudget(Plan plan, MemoryBudget budget) {
        long max = plan.item(Tunables.MAX).target();
        String memory = max == 0 ? "max 0 sets no limit, so a full table's memory has no bound"
                : "one full table at max %d needs %s, above the budget of %s (%s)".formatted(max, Units.formatBytes(plan.bytesAtTarget()),
                Units.formatBytes(plan.budgetBytes()), budget.describe());
        String fix = plan.kind().equals(Plan.TUNE) ? "the live count keeps max above the budget ceiling %d".formatted(plan.ceiling())
                : "prepare keeps it (it only raises limits); 'ctguard tune' sets the balanced max %d".formatted(plan.balancedMax());
        return memory + ": " + fix;
    }

    private Snapshot originals(NodeState node) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String name : Tunables.MANAGED) {
            values.put(name, node.value(name));
        }
        return new Snapshot(store.location(), clock.now().toString(), node.host(), node.kernel(), node.bootId(), values, null);
    }
}
