package ctguard.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads of files whose content is not ours to trust: only regular files (a FIFO or a device, e.g. a value
 * file linked to /dev/zero, is refused rather than read forever), never more than a bound.
 */
final class BoundedFiles {
    /** More bytes than the bound allowed. */
    static final class TooLarge extends IOException {
        TooLarge(Path p, int max) {
            super(p + " is larger than " + max + " bytes");
        }
    }

    /** Not valid UTF-8. */
    static final class NotText extends IOException {
        NotText(Path p) {
            super(p + " is not UTF-8 text");
        }
    }

    private BoundedFiles() {
    }

    /** At most max bytes of a regular file (following links, as /proc's are); /proc files report size 0, so the stream decides. */
    static byte[] read(Path p, int max) throws IOException {
        if (!Files.isRegularFile(p)) {
            throw new IOException(p + (Files.exists(p) ? " is not a regular file" : ": no such file"));
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new TooLarge(p, max);
            }
            return bytes;
        }
    }

    static String readUtf8(Path p, int max) throws IOException {
        byte[] bytes = read(p, max);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new NotText(p);
        }
    }
}
