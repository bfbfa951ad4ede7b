package ctguard.core;

/** How much kernel memory conntrack may use at its max: a share of RAM or a fixed size. */
public record MemoryBudget(Double ratio, Long bytes) {
    public static final MemoryBudget DEFAULT = new MemoryBudget(0.02, null);

    public static MemoryBudget parse(String text) {
        String t = text.trim();
        if (t.endsWith("%")) {
            return new MemoryBudget(Units.parseRatio(t), null);
        }
        return new MemoryBudget(null, Units.parseSize(t));
    }

    public long bytesFor(long ramBytes) {
        return bytes != null ? bytes : (long) Math.floor(ramBytes * ratio);
    }

    public String describe() {
        return bytes != null ? Units.formatBytes(bytes) : Units.formatPlain(ratio * 100, 3) + "% of RAM";
    }
}
