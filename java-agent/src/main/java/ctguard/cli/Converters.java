package ctguard.cli;

import ctguard.core.CtguardException;
import ctguard.core.MemoryBudget;
import ctguard.core.Status;
import ctguard.core.Tunables;
import ctguard.core.Units;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.util.Locale;

/**
 * Every value an option takes is parsed here, once, into its type: commands receive durations, ratios, sizes
 * and bounded counts, never text. picocli names the option in the error ("Invalid value for option '--since':
 * ..."), which the central handler in {@link Cli} turns into exit 64. The same converters read the config file's
 * values, which picocli passes in as defaults.
 */
final class Converters {
    private Converters() {
    }

    /** Core's parse failure, as picocli's: the option's name is added by picocli. */
    private interface Parser<T> extends ITypeConverter<T> {
        T parse(String text);

        @Override
        default T convert(String text) {
            try {
                return parse(text);
            } catch (CtguardException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** 0s and up: a wait that may be skipped. */
    static final class AnyDuration implements Parser<Duration> {
        @Override
        public Duration parse(String text) {
            return Units.parseDuration(text);
        }
    }

    /** Above zero: a timeout, an interval, a window. */
    static final class PositiveDuration implements Parser<Duration> {
        @Override
        public Duration parse(String text) {
            return Units.parsePositiveDuration(text);
        }
    }

    /** A share in (0, 1]: 75%, 75 or 0.75. */
    static final class Ratio implements Parser<Double> {
        @Override
        public Double parse(String text) {
            return Units.parseRatio(text);
        }
    }

    /** A share in [0, 1]: a margin may be 0. */
    static final class Margin implements Parser<Double> {
        @Override
        public Double parse(String text) {
            String t = text.trim();
            return t.equals("0") || t.equals("0%") ? 0.0 : Units.parseRatio(t);
        }
    }

    static final class Size implements Parser<Long> {
        @Override
        public Long parse(String text) {
            return Units.parseSize(text);
        }
    }

    static final class Budget implements Parser<MemoryBudget> {
        @Override
        public MemoryBudget parse(String text) {
            return MemoryBudget.parse(text);
        }
    }

    /** A whole number within bounds the option's description states. */
    private abstract static class Bounded implements Parser<Long> {
        private final long min;
        private final long max;

        Bounded(long min, long max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Long parse(String text) {
            long value = Units.parseInteger(text);
            if (value < min || value > max) {
                throw CtguardException.usage("%d is out of range: it must be between %d and %d".formatted(value, min, max));
            }
            return value;
        }
    }

    static final class Forks extends Bounded {
        Forks() {
            super(1, 500);
        }
    }

    static final class EntryBytes extends Bounded {
        EntryBytes() {
            super(1, 65536);
        }
    }

    /** A target for one tunable, within the range core accepts for it. */
    private abstract static class TunableTarget implements Parser<Long> {
        private final String tunable;

        TunableTarget(String tunable) {
            this.tunable = tunable;
        }

        @Override
        public Long parse(String text) {
            return Tunables.validate(tunable, Units.parseInteger(text));
        }
    }

    static final class MaxTarget extends TunableTarget {
        MaxTarget() {
            super(Tunables.MAX);
        }
    }

    static final class BucketsTarget extends TunableTarget {
        BucketsTarget() {
            super(Tunables.BUCKETS);
        }
    }

    static final class TimeWaitTarget extends TunableTarget {
        TimeWaitTarget() {
            super(Tunables.TIME_WAIT);
        }
    }

    /** Entries per bucket: a positive number, fractions allowed. */
    static final class ChainLength implements Parser<Double> {
        @Override
        public Double parse(String text) {
            try {
                double v = Double.parseDouble(text.trim());
                if (v > 0 && v < 1e9) {
                    return v;
                }
            } catch (NumberFormatException e) {
                // reported below with the bound
            }
            throw CtguardException.usage("'" + text + "' must be a number above 0");
        }
    }

    /** The status rising drop counters give: ok, warning or critical. */
    static final class DropStatus implements Parser<Status> {
        @Override
        public Status parse(String text) {
            return switch (text.trim().toLowerCase(Locale.ROOT)) {
                case "ok" -> Status.OK;
                case "warning" -> Status.WARNING;
                case "critical" -> Status.CRITICAL;
                default -> throw CtguardException.usage("'" + text + "' must be ok, warning or critical");
            };
        }
    }
}
