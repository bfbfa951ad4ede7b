package ctguard.cli;

import ctguard.core.CtguardException;
import ctguard.core.MemoryBudget;
import ctguard.core.Status;
import ctguard.core.Tunables;
import ctguard.core.Units;
import ctguard.core.top.ConntrackTables;
import ctguard.core.top.NotrackCandidate;
import ctguard.core.top.Protocols;
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

    /** How many rows each of top's lists shows. */
    static final class TopRows extends Bounded {
        TopRows() {
            super(1, 1000);
        }
    }

    /** Which namespaces top reads: a name under /run/netns, or all. */
    static final class NetnsChoice implements Parser<ConntrackTables.Selection> {
        @Override
        public ConntrackTables.Selection parse(String text) {
            if (text.equals("all")) {
                return new ConntrackTables.All();
            }
            if (text.isEmpty()) {
                throw CtguardException.usage("'' must be a namespace name or all");
            }
            return new ConntrackTables.Named(text);
        }
    }

    /** Traffic the operator points top's notrack advice at: PROTO/PORT, e.g. udp/5353. */
    static final class NotrackTraffic implements Parser<NotrackCandidate> {
        @Override
        public NotrackCandidate parse(String text) {
            int slash = text.indexOf('/');
            int proto = slash < 0 ? -1 : Protocols.withPorts(text.substring(0, slash).toLowerCase(Locale.ROOT));
            if (proto < 0) {
                throw CtguardException.usage("'" + ctguard.core.Printable.of(text) + "' must be PROTO/PORT with PROTO tcp, udp, sctp, dccp or udplite (e.g. udp/5353)");
            }
            long port;
            try {
                port = Long.parseLong(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw CtguardException.usage("'" + ctguard.core.Printable.of(text) + "': the port must be 1 to 65535");
            }
            return NotrackCandidate.port(proto, (int) port);
        }
    }

    /** One of top's lists, for --by. */
    static final class TopListName implements Parser<TopList> {
        @Override
        public TopList parse(String text) {
            for (TopList list : TopList.values()) {
                if (list.key.equals(text)) {
                    return list;
                }
            }
            throw CtguardException.usage("'" + ctguard.core.Printable.of(text) + "' must be one of "
                    + java.util.Arrays.stream(TopList.values()).map(l -> l.key).collect(java.util.stream.Collectors.joining(", ")));
        }
    }
}
