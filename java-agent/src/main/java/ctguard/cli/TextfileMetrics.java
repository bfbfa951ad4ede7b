package ctguard.cli;

import ctguard.core.CtguardException;
import ctguard.core.Printable;
import ctguard.io.DurableFiles;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * check's --prometheus-file: the node_exporter textfile, replaced atomically (a temporary file beside it whose
 * name does not end in .prom, then a rename), so that the collector never reads half a file and a failed
 * check replaces the figures with ctguard_up 0 instead of leaving them frozen.
 */
final class TextfileMetrics {
    private TextfileMetrics() {
    }

    /**
     * Writes; a failure to write is said on stderr and does not change check's verdict or exit code. The
     * directory must exist: a missing one is a typo or a collector not set up, not something to create.
     */
    static void write(Path file, String metrics, PrintWriter err) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            err.println("ctguard check: warning: the metrics were not written: the directory " + Printable.of(String.valueOf(dir))
                    + " does not exist (node_exporter's --collector.textfile.directory)");
            return;
        }
        try {
            DurableFiles.replaceUnlocked(file, metrics, DurableFiles.PUBLIC);
        } catch (CtguardException e) {
            err.println("ctguard check: warning: the metrics were not written: " + Printable.of(e.getMessage()));
        }
    }
}
