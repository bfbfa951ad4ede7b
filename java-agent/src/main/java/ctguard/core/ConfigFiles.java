package ctguard.core;

import java.util.List;
import java.util.Optional;

/** The node's configuration files, addressed by absolute path (rooted by the implementation). */
public interface ConfigFiles {
    Optional<String> read(String path);

    /** Replaces the file durably (temp file, fsync, rename, fsync directory), mode 0644. */
    void write(String path, String content);

    void delete(String path);

    /** Names of the regular files in a directory; empty when it does not exist. */
    List<String> list(String directory);
}
