package ctguard.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * guard's action log: one JSON line per event appended to a file in the state dir, and the ones that matter
 * sent to syslog (the journal where journald runs) through logger(1) when it is there. A log that cannot be
 * written is said once and does not stop guard.
 */
public final class ActionLog {
    private final Path file;
    private boolean failedOnce;

    public ActionLog(Path file) {
        this.file = file;
    }

    /** @return a one-line problem the first time the file cannot be written, else null */
    public String append(String jsonLine) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, jsonLine + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return null;
        } catch (IOException e) {
            if (failedOnce) {
                return null;
            }
            failedOnce = true;
            return "cannot append to " + file + ": " + Errors.describe(e) + " (guard goes on; its lines are on stdout)";
        }
    }

    /** Best effort: syslog through logger(1), bounded to 5 s; a missing logger is no error. */
    public static void syslog(String message) {
        try {
            Process p = new ProcessBuilder("logger", "-t", "ctguard-guard", "--", message)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // no logger here: the state dir's log and stdout carry it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
