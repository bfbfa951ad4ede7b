package ctguard.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads /proc and /sys files. They report a size of 0, and Files.readString trusts the size and can
 * return a single byte of a sysctl; a stream read to end of file gets all of it.
 */
final class ProcText {
    private ProcText() {
    }

    static String read(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
