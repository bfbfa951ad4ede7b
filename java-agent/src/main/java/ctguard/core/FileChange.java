package ctguard.core;

import java.nio.charset.StandardCharsets;

/**
 * A configuration file persist writes or removes.
 *
 * @param action        create, update, remove or unchanged
 * @param content       the content after the action; null when removed
 * @param previousBytes the file's exact bytes before, put back on rollback; null when it did not exist
 */
public record FileChange(String path, String action, String content, byte[] previousBytes) {
    public boolean changes() {
        return !"unchanged".equals(action);
    }

    /** The content before, as text for people (bytes that are not UTF-8 show as U+FFFD); null when absent. */
    public String previous() {
        return previousBytes == null ? null : new String(previousBytes, StandardCharsets.UTF_8);
    }
}
