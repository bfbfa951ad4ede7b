package ctguard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Applies a list of tunable writes all-or-nothing (rule 3). */
public final class Writes {
    /** One tunable going from before to after. */
    private Writes() {
    }

    /**
     * Splits off the writes this process cannot make. Without allowPartial any such write stops the
     * action before anything is written (77); with it they are skipped and reported as warnings.
     */
    public static List<TunableWrite> writable(NodeState node, List<TunableWrite> writes, boolean allowPartial, Result.Builder result) {
        List<TunableWrite> blocked = writes.stream().filter(w -> !node.tunable(w.name()).writable()).toList();
        if (blocked.isEmpty()) {
            return writes;
        }
        String why = blocked.stream().map(w -> w.name() + " (" + node.tunable(w.name()).reason() + ")").collect(Collectors.joining(", "));
        if (!allowPartial) {
            throw new ActionFailedException(ExitCode.NO_PERMISSION, "cannot change " + why
                    + "; nothing was changed. Run as root in the initial network namespace, or pass " + Option.ALLOW_PARTIAL + " to apply only what is writable",
                    null, result.build());
        }
        blocked.forEach(w -> result.warnings.add("skipped %s %d -> %d: %s".formatted(w.name(), w.before(), w.after(), node.tunable(w.name()).reason())));
        return writes.stream().filter(w -> node.tunable(w.name()).writable()).toList();
    }

    /**
     * Puts back, in reverse order, writes that were made; records them in the result's rollback and returns
     * the ones that could not be undone (the result then still counts as changed).
     */
    public static List<String> undo(Kernel kernel, List<TunableWrite> done, Result.Builder result) {
        List<String> undone = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (int i = done.size() - 1; i >= 0; i--) {
            TunableWrite d = done.get(i);
            try {
                kernel.write(d.name(), d.before());
                undone.add(d.name());
                result.recordWrite(d.name(), d.before());
            } catch (CtguardException e) {
                failed.add(d.name() + ": " + e.getMessage());
            }
        }
        result.rollback = new Result.Rollback(List.copyOf(undone), List.copyOf(failed));
        result.changed = !failed.isEmpty();
        return failed;
    }

    /**
     * Writes in order. When one fails, the writes already made are undone in reverse order, the result
     * records what was undone, and the failure is rethrown carrying that result.
     */
    public static void apply(Kernel kernel, List<TunableWrite> writes, Result.Builder result, Runnable onRollback) {
        List<TunableWrite> done = new ArrayList<>();
        for (TunableWrite w : writes) {
            try {
                kernel.write(w.name(), w.after());
                done.add(w);
                result.recordWrite(w.name(), w.after());
            } catch (CtguardException failure) {
                List<String> failed = undo(kernel, done, result);
                if (failed.isEmpty()) {
                    onRollback.run();
                }
                List<String> undone = result.rollback.undone();
                String message = "writing %s=%d failed: %s; %s".formatted(w.name(), w.after(), failure.getMessage(),
                        done.isEmpty() ? "nothing had been written"
                                : failed.isEmpty() ? "rolled back " + String.join(", ", undone) + " to their previous values"
                                : "could NOT roll back " + String.join("; ", failed) + " — check these values by hand");
                throw new ActionFailedException(failure.exitCode(), message, failure, result.build());
            }
        }
    }
}
