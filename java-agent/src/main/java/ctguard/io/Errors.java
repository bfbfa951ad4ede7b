package ctguard.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** Turns Java's IOExceptions into the operating-system reason a person recognises. */
final class Errors {
    private Errors() {
    }

    static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException) {
            return "a parent exists and is not a directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    static boolean isPermission(IOException e) {
        String reason = describe(e).toLowerCase(java.util.Locale.ROOT);
        return e instanceof AccessDeniedException || reason.contains("permission denied") || reason.contains("read-only file system")
                || reason.contains("operation not permitted") || reason.contains("operation not supported");
    }

    static boolean isInvalidValue(IOException e) {
        return describe(e).toLowerCase(java.util.Locale.ROOT).contains("invalid argument");
    }
}
