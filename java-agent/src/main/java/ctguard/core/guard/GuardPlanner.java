package ctguard.core.guard;

import ctguard.core.Sizing;
import ctguard.core.Units;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * guard's decisions, pure (docs/architecture.md, "ctguard guard"): predict time-to-full from the recent insert
 * rate; past the trigger or under the lead, double max (Calico-style) up to the budget's ceiling, with the buckets
 * when chains at the new max would grow past maxChain and the rehash would not stall inserts past maxStall; no two
 * raises within the cooldown; never lower anything.
 */
public final class GuardPlanner {
    private GuardPlanner() {
    }

    /** Entries per second over the samples within the window before the last one; 0 when flat or falling. */
    static double insertRate(List<GuardSample> samples, Duration window) {
        if (samples.size() < 2) {
            return 0;
        }
        GuardSample last = samples.get(samples.size() - 1);
        Instant from = last.at().minus(window);
        GuardSample first = samples.stream().filter(s -> !s.at().isBefore(from)).findFirst().orElse(last);
        double seconds = Duration.between(first.at(), last.at()).toMillis() / 1000.0;
        if (seconds <= 0 || last.count() <= first.count()) {
            return 0;
        }
        return (last.count() - first.count()) / seconds;
    }

    /**
     * @param samples     the recent samples, oldest first, the current one last
     * @param ceiling     the largest max the budget allows with its buckets (Sizing.ceiling)
     * @param lastRaise   when guard last raised, or null
     * @param ceilingSaid whether guard has said it is at the ceiling already (it says so once)
     */
    public static GuardDecision decide(List<GuardSample> samples, GuardPolicy policy, long ceiling, Instant lastRaise, boolean ceilingSaid) {
        GuardSample now = samples.get(samples.size() - 1);
        double rate = insertRate(samples, policy.rateWindow());
        double secondsToFull = rate > 0 ? Math.max(0, now.max() - now.count()) / rate : -1;
        boolean filling = now.fill() >= policy.trigger();
        boolean soonFull = secondsToFull >= 0 && secondsToFull < policy.lead().toMillis() / 1000.0;
        if (!filling && !soonFull) {
            return GuardDecision.none(secondsToFull);
        }
        if (lastRaise != null && Duration.between(lastRaise, now.at()).compareTo(policy.cooldown()) < 0) {
            return GuardDecision.none(secondsToFull);
        }
        String why = filling ? "%s full, at or above the trigger %s".formatted(Units.formatPercent(now.fill()), Units.formatPercent(policy.trigger()))
                : "full in %.0f s at %.0f inserts/s, within the lead of %s".formatted(secondsToFull, rate, Units.formatDuration(policy.lead()));
        long newMax = Math.min(now.max() * 2, ceiling);
        if (newMax <= now.max()) {
            return ceilingSaid ? GuardDecision.none(secondsToFull)
                    : new GuardDecision(GuardDecision.Kind.AT_CEILING, 0, 0, why + "; max " + now.max()
                    + " is already at the memory budget's ceiling " + ceiling + ": nothing more is raised, the kernel will drop "
                    + "new connections once the table is full", secondsToFull);
        }
        long newBuckets = 0;
        String buckets = "";
        if ((double) newMax / now.buckets() > policy.maxChain()) {
            long wanted = Sizing.roundUpBuckets((long) Math.ceil(newMax / policy.maxChain()));
            Duration stall = policy.stall().expected(now.count(), wanted);
            if (stall.compareTo(policy.maxStall()) > 0) {
                buckets = "; buckets left at %d: rehashing %d entries would stall inserts about %d ms, above the %d ms allowed"
                        .formatted(now.buckets(), now.count(), stall.toMillis(), policy.maxStall().toMillis());
            } else {
                newBuckets = wanted;
                buckets = "; buckets %d -> %d (about %d ms of rehash)".formatted(now.buckets(), wanted, stall.toMillis());
            }
        }
        return new GuardDecision(GuardDecision.Kind.RAISE, newMax, newBuckets,
                why + "; max %d -> %d%s".formatted(now.max(), newMax, newMax == ceiling ? " (the budget's ceiling)" : "") + buckets, secondsToFull);
    }
}
