package ctguard.core;

/**
 * A configuration file persist writes or removes.
 *
 * @param action   create, update, remove or unchanged
 * @param content  the content after the action; null when removed
 * @param previous the content before; null when the file did not exist
 */
public record FileChange(String path, String action, String content, String previous) {
    public boolean changes() {
        return !"unchanged".equals(action);
    }
}
