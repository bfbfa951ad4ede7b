package ctguard.core;

import java.util.List;
import java.util.Optional;

/**
 * The node's configuration files, addressed by absolute path (rooted by the implementation). Content is
 * bytes: an operator's file at one of our paths is compared and put back exactly as it was, whatever it holds.
 */
public interface ConfigFiles {
    /**
     * The file's bytes; empty when absent, or when it is not a regular file (a /dev/null link masking a
     * name). Throws DATA_ERROR (65) when a regular file there is larger than the bound.
     */
    Optional<byte[]> read(String path);

    /** Replaces the file durably (temp file, fsync, rename, fsync directory), mode 0644. */
    void write(String path, byte[] content);

    void delete(String path);

    /** Names in a directory that are not directories (files, and links such as a /dev/null mask); empty when it does not exist. */
    List<String> list(String directory);
}
