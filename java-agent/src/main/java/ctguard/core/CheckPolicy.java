package ctguard.core;

/** Thresholds of the check verdict. */
public record CheckPolicy(double warnFill, double critFill, double maxChain, Status onDrops) {
    public static final CheckPolicy DEFAULT = new CheckPolicy(0.75, 0.90, 8, Status.WARNING);

    public CheckPolicy {
        if (warnFill > critFill) {
            throw CtguardException.usage("--warn-fill (%.0f%%) must not be above --crit-fill (%.0f%%)".formatted(warnFill * 100, critFill * 100));
        }
        if (!(maxChain > 0)) {
            throw CtguardException.usage("--max-chain must be greater than 0");
        }
    }
}
