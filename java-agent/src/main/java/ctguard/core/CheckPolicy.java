package ctguard.core;

/** Thresholds of the check verdict. */
public record CheckPolicy(double warnFill, double critFill, double maxChain, Status onDrops) {
    public static final CheckPolicy DEFAULT = new CheckPolicy(0.75, 0.90, 8, Status.WARNING);

    public CheckPolicy {
        if (warnFill > critFill) {
            throw CtguardException.usage("%s (%.0f%%) must not be above %s (%.0f%%)".formatted(Option.WARN_FILL, warnFill * 100, Option.CRIT_FILL, critFill * 100));
        }
        if (!(maxChain > 0)) {
            throw CtguardException.usage(Option.MAX_CHAIN + " must be greater than 0");
        }
    }
}
