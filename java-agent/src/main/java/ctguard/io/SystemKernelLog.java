package ctguard.io;

import ctguard.core.KernelLog;
import ctguard.core.LogScan;
import ctguard.core.LogScanner;
import ctguard.core.Waiter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The kernel log from journald (journalctl -k), the ring buffer (dmesg), or a saved file.
 * "auto" uses the journal when journald keeps one, else dmesg; under another --root it searches nothing,
 * since this machine's log says nothing about a copied tree.
 */
public final class SystemKernelLog implements KernelLog {
    private static final long TIMEOUT_SECONDS = 15;
    private final String source;
    private final Path root;
    private final Waiter clock;

    /** @param source auto, journal, dmesg, none, or a file path */
    public SystemKernelLog(String source, Path root, Waiter clock) {
        this.source = source;
        this.root = root;
        this.clock = clock;
    }

    @Override
    public LogScan scan(Duration since) {
        Instant now = clock.now();
        return switch (source) {
            case "none" -> LogScan.unreadable("none", since.toSeconds(), "kernel log not searched (--kernel-log none)");
            case "journal" -> journal(now, since);
            case "dmesg" -> dmesg(now, since);
            case "auto" -> !root.equals(root.getRoot()) ? LogScan.unreadable("none", since.toSeconds(),
                    "the kernel log is not searched under --root " + root + "; pass --kernel-log FILE to search a saved log")
                    : hasJournal() ? journal(now, since) : dmesg(now, since);
            default -> file(Path.of(source), now, since);
        };
    }

    private boolean hasJournal() {
        for (String dir : List.of("var/log/journal", "run/log/journal")) {
            try (var entries = Files.list(root.resolve(dir))) {
                if (entries.findAny().isPresent()) {
                    return true;
                }
            } catch (IOException e) {
                // no such directory: journald keeps no journal here
            }
        }
        return false;
    }

    private LogScan journal(Instant now, Duration since) {
        long from = now.minus(since).getEpochSecond();
        return command("journal", now, since, "journalctl", "-k", "--since", "@" + from, "-o", "short-iso-precise", "--no-pager");
    }

    private LogScan dmesg(Instant now, Duration since) {
        return command("dmesg", now, since, "dmesg", "--time-format", "iso");
    }

    private LogScan file(Path path, Instant now, Duration since) {
        try {
            return LogScanner.scan(Files.readString(path, StandardCharsets.UTF_8), path.toString(), now, since);
        } catch (IOException e) {
            return LogScan.unreadable(path.toString(), since.toSeconds(), "cannot read %s: %s".formatted(path, Errors.describe(e)));
        }
    }

    private LogScan command(String name, Instant now, Duration since, String... argv) {
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        } catch (IOException e) {
            return LogScan.unreadable(name, since.toSeconds(), "%s is not available: %s".formatted(argv[0], Errors.describe(e)));
        }
        try {
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return LogScan.unreadable(name, since.toSeconds(), argv[0] + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                return LogScan.unreadable(name, since.toSeconds(), "%s failed: %s%s".formatted(argv[0], firstLine(text), restrictHint()));
            }
            // journalctl exits 0 when journald keeps no journal: that is no log, not an empty one
            if (text.contains("No journal files were found")) {
                return LogScan.unreadable(name, since.toSeconds(), "journald keeps no journal here (nothing in /var/log/journal or /run/log/journal); use --kernel-log dmesg");
            }
            return LogScanner.scan(text, name, now, since);
        } catch (IOException e) {
            return LogScan.unreadable(name, since.toSeconds(), "%s: %s".formatted(argv[0], Errors.describe(e)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            return LogScan.unreadable(name, since.toSeconds(), "interrupted while reading the kernel log");
        }
    }

    private String restrictHint() {
        try {
            String restrict = ProcText.read(root.resolve("proc/sys/kernel/dmesg_restrict")).trim();
            return restrict.equals("1") ? " (kernel.dmesg_restrict=1: reading the kernel log needs root or CAP_SYSLOG)" : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String firstLine(String text) {
        String t = text.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
