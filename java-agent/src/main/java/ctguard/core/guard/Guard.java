package ctguard.core.guard;

import ctguard.core.ChangeRequest;
import ctguard.core.CtguardException;
import ctguard.core.Kernel;
import ctguard.core.MemoryBudget;
import ctguard.core.NodeState;
import ctguard.core.PlanRequest;
import ctguard.core.Prepare;
import ctguard.core.Result;
import ctguard.core.Sizing;
import ctguard.core.Tunables;
import ctguard.core.Waiter;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Keeps headroom during the upgrade window (docs/architecture.md, "ctguard guard"): samples the fullest
 * namespace every interval and, when {@link GuardPlanner} says so, raises through {@link Prepare} — the same
 * lock, the same snapshot (taken if none exists), the same all-or-nothing writes — so that restore afterwards
 * puts the originals back whatever guard raised. It never lowers anything. A stop request is honoured between
 * samples, never inside a write.
 */
public final class Guard {
    /** How often to look, for how long, and the memory budget the ceiling comes from. */
    public record Options(GuardPolicy policy, MemoryBudget budget, Duration duration, Duration interval, Duration lockTimeout) {
    }

    /** What guard tells its front end as it goes. */
    public interface Events {
        /** The run's first sample, before anything is decided on it. */
        void started(GuardSample first);

        /** Every sample, with the decision taken on it. */
        void sampled(GuardSample sample, GuardDecision decision);

        /** A raise written (result: prepare's), or the ceiling reached (result null). */
        void acted(GuardDecision decision, Result result);

        /** A raise that failed; guard keeps watching. */
        void failed(GuardDecision decision, CtguardException error);
    }

    /**
     * @param lastMax    max as guard left it: the last sample's, or the last raise's when that came after it
     * @param firstDrops the drop counter at the first sample, lastDrops at the last (null when unreadable)
     */
    public record Summary(int samples, int raises, boolean atCeiling, long lastMax, Long firstDrops, Long lastDrops, boolean stopped) {
    }

    private static final Duration SLICE = Duration.ofMillis(100);

    private final Kernel kernel;
    private final Prepare prepare;
    private final Waiter clock;

    public Guard(Kernel kernel, Prepare prepare, Waiter clock) {
        this.kernel = kernel;
        this.prepare = prepare;
        this.clock = clock;
    }

    public Summary run(Options options, Events events, BooleanSupplier stopRequested) {
        Instant end = clock.now().plus(options.duration());
        List<GuardSample> samples = new ArrayList<>();
        Instant lastRaise = null;
        boolean ceilingSaid = false;
        int raises = 0;
        int taken = 0;
        Long firstDrops = null;
        GuardSample last = null;
        long maxNow = 0;
        while (!stopRequested.getAsBoolean() && clock.now().isBefore(end)) {
            NodeState node = kernel.read();
            last = new GuardSample(clock.now(), node.fullestCount(), node.max(), node.buckets(), node.dropsInEveryNamespace());
            maxNow = last.max();
            if (taken++ == 0) {
                firstDrops = last.drops();
                events.started(last);
            }
            samples.add(last);
            Instant from = last.at().minus(options.policy().rateWindow());
            while (samples.size() > 2 && samples.get(0).at().isBefore(from)) {
                samples.remove(0);
            }
            long ceiling = Sizing.ceiling(options.budget().bytesFor(node.ramBytes()), node.buckets(), node.entrySize().bytes());
            GuardDecision decision = GuardPlanner.decide(samples, options.policy(), ceiling, lastRaise, ceilingSaid);
            events.sampled(last, decision);
            if (decision.kind() == GuardDecision.Kind.AT_CEILING) {
                ceilingSaid = true;
                events.acted(decision, null);
            } else if (decision.kind() == GuardDecision.Kind.RAISE) {
                try {
                    events.acted(decision, raise(node, decision, options));
                    raises++;
                    maxNow = decision.newMax();
                    lastRaise = clock.now();
                } catch (CtguardException e) {
                    events.failed(decision, e);
                    // a failed raise waits out the cooldown too: retrying every sample would hammer the lock
                    lastRaise = clock.now();
                }
            }
            pause(options.interval(), end, stopRequested);
        }
        return new Summary(taken, raises, ceilingSaid, maxNow,
                firstDrops, last == null ? null : last.drops(), stopRequested.getAsBoolean());
    }

    private Result raise(NodeState node, GuardDecision decision, Options options) {
        long buckets = decision.newBuckets() > 0 ? decision.newBuckets() : node.buckets();
        // TIME_WAIT as it is: guard raises limits, the timeout is prepare's business
        PlanRequest request = new PlanRequest(decision.newMax(), buckets, node.value(Tunables.TIME_WAIT), options.budget(), 0);
        return prepare.run(new ChangeRequest(request, false, false, false, options.lockTimeout()));
    }

    /** Sleeps the interval in slices, so that a stop request ends the wait at once. */
    private void pause(Duration interval, Instant end, BooleanSupplier stopRequested) {
        Instant until = clock.now().plus(interval);
        try {
            while (!stopRequested.getAsBoolean() && clock.now().isBefore(end)) {
                // the clock moves between the test and the sleep: what is left may already be gone
                Duration left = Duration.between(clock.now(), until);
                if (left.isNegative() || left.isZero()) {
                    break;
                }
                clock.sleep(left.compareTo(SLICE) < 0 ? left : SLICE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
