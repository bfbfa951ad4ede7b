package ctguard.core;

/** A tunable's value before and after an action (equal for read-only actions). */
public record TunableChange(long before, long after, boolean writable, String reason) {
    public static TunableChange unchanged(TunableState t) {
        return new TunableChange(t.value(), t.value(), t.writable(), t.reason());
    }

    public TunableChange after(long value) {
        return new TunableChange(before, value, writable, reason);
    }
}
