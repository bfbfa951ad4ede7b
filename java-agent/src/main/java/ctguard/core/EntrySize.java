package ctguard.core;

/** Bytes one conntrack entry costs, and where that figure came from. */
public record EntrySize(long bytes, long objectBytes, boolean extensions, String source) {
    public static final long EXTENSION_BYTES = 128;
    public static final long UNKNOWN_BYTES = 320;
    private static final String ASSUMED = "unknown (slab not readable): assumed " + UNKNOWN_BYTES + " B";

    /** True when the slab could not be read and the size is this class's assumption. */
    public boolean assumed() {
        return source.equals(ASSUMED);
    }

    /**
     * @param slabObjectBytes the nf_conntrack slab object size, or null when the slab cannot be read
     * @param extensions      accounting, timestamps or events are on, each entry carrying an extension area
     */
    public static EntrySize of(Long slabObjectBytes, String source, boolean extensions) {
        if (slabObjectBytes == null) {
            return new EntrySize(UNKNOWN_BYTES, UNKNOWN_BYTES, extensions, ASSUMED);
        }
        long total = slabObjectBytes + (extensions ? EXTENSION_BYTES : 0);
        return new EntrySize(total, slabObjectBytes, extensions, source + (extensions ? " + " + EXTENSION_BYTES + " B extensions" : ""));
    }

    public static EntrySize given(long bytes) {
        return new EntrySize(bytes, bytes, false, "given");
    }
}
