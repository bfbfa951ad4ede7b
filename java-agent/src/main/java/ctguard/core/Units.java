package ctguard.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of operator input: integers, sizes with units, durations, percentages. */
public final class Units {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([A-Za-z]*)");
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private Units() {
    }

    public static long parseInteger(String text) {
        String t = text.trim();
        if (!t.matches("[+-]?\\d+")) {
            throw CtguardException.usage("'%s' is not a whole number".formatted(text));
        }
        try {
            return Long.parseLong(t);
        } catch (NumberFormatException e) {
            throw CtguardException.usage("'%s' is too large (at most %d)".formatted(text, Tunables.MAX_INT));
        }
    }

    /**
     * Sizes: a byte count, IEC units (KiB, MiB, GiB, TiB; powers of 1024) or SI units (kB, MB, GB, TB;
     * powers of 1000). Single letters are refused because they are ambiguous between the two.
     */
    public static long parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw CtguardException.usage("'%s' is not a size (examples: 4096, 512MiB, 64GiB, 2GB)".formatted(text));
        }
        long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1L;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            case "kb" -> 1000L;
            case "mb" -> 1000_000L;
            case "gb" -> 1000_000_000L;
            case "tb" -> 1000_000_000_000L;
            default -> throw CtguardException.usage(
                    "unknown unit '%s' in '%s' (use B, KiB, MiB, GiB, TiB, kB, MB, GB or TB)".formatted(m.group(2), text));
        };
        BigDecimal bytes = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        if (bytes.compareTo(BigDecimal.valueOf(1L << 50)) > 0) {
            throw CtguardException.usage("'%s' is larger than 1 PiB".formatted(text));
        }
        long value = bytes.longValue();
        if (value <= 0) {
            throw CtguardException.usage("'%s' must be greater than zero".formatted(text));
        }
        return value;
    }

    /** Durations: a number with ms, s, m, h or d; a bare number is seconds. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches() || m.group(1).length() > 9) {
            throw CtguardException.usage("'%s' is not a duration (examples: 30s, 10m, 1h, 2d)".formatted(text));
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A duration that must not be zero: a timeout, a polling interval, a search window. */
    public static Duration parsePositiveDuration(String text) {
        Duration d = parseDuration(text);
        if (d.isZero()) {
            throw CtguardException.usage("'" + text + "' must be greater than zero");
        }
        return d;
    }

    /** A ratio from "75%", "75" or "0.75"; must lie in (0, 1]. */
    public static double parseRatio(String text) {
        String t = text.trim();
        boolean percent = t.endsWith("%");
        String number = percent ? t.substring(0, t.length() - 1).trim() : t;
        double value;
        try {
            value = Double.parseDouble(number);
        } catch (NumberFormatException e) {
            throw CtguardException.usage("'%s' is not a percentage (examples: 75%%, 0.75)".formatted(text));
        }
        if (percent || value > 1) {
            value = value / 100;
        }
        if (!(value > 0 && value <= 1)) {
            throw CtguardException.usage("'%s' must be above 0%% and at most 100%%".formatted(text));
        }
        return value;
    }

    /** A number in its shortest plain form, at most {@code decimals} places: 75, 12.5, 0.001. */
    /** A share as people read it: 0.7625 is 76.3%. */
    public static String formatPercent(double ratio) {
        return String.format(java.util.Locale.ROOT, "%.1f%%", ratio * 100);
    }

    public static String formatPlain(double value, int decimals) {
        return new BigDecimal(value).setScale(decimals, java.math.RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    public static String formatBytes(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int i = 0;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        return i == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[i]);
    }

    public static String formatDuration(Duration d) {
        long s = d.toSeconds();
        if (s % 3600 == 0 && s > 0) {
            return s / 3600 + "h";
        }
        if (s % 60 == 0 && s > 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }
}
