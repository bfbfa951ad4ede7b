package ctguard.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads /proc and /sys files. They report a size of 0, and Files.readString trusts the size and can
 * return a single byte of a sysctl; a stream read to end of file gets all of it. Bounded, and only
 * regular files: under --root a value file may be anything.
 */
final class ProcText {
    private ProcText() {
    }

    /** /proc/slabinfo, the largest file read, is about 30 KiB even on big hosts. */
    static final int MAX_BYTES = 4 << 20;

    static String read(Path p) throws IOException {
        return new String(BoundedFiles.read(p, MAX_BYTES), StandardCharsets.UTF_8);
    }
}
