package ctguard.core;

/**
 * What the operator asked for; null fields take the sizing model's defaults.
 *
 * @param margin share above the live count that max must keep (rule 6), e.g. 0.10
 */
public record PlanRequest(Long max, Long buckets, Long timeWait, MemoryBudget budget, double margin) {
    public static final long DEFAULT_TIME_WAIT = 60;
    public static final double DEFAULT_MARGIN = 0.10;

    public PlanRequest {
        if (max != null) {
            Tunables.validate(Tunables.MAX, max);
        }
        if (buckets != null) {
            Tunables.validate(Tunables.BUCKETS, buckets);
        }
        if (timeWait != null) {
            Tunables.validate(Tunables.TIME_WAIT, timeWait);
        }
        if (margin < 0 || margin > 1) {
            throw CtguardException.usage(Option.MARGIN + " must be between 0% and 100%");
        }
    }

    public static PlanRequest defaults() {
        return new PlanRequest(null, null, null, MemoryBudget.DEFAULT, DEFAULT_MARGIN);
    }
}
