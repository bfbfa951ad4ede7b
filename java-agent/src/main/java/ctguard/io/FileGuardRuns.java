package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.guard.GuardRuns;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The node's guard as files: /run/conntrack-guard/guard.pid, locked (fcntl) by the guard for as long as it runs and
 * holding its pid, and the action log in the state dir. A pid is only believed while its file is locked, so a
 * guard killed with SIGKILL leaves nothing that 'guard stop' could mistake for a running one (the file stays,
 * unlocked; deleting it would let two guards claim two inodes of one name).
 */
public final class FileGuardRuns implements GuardRuns {
    /** The tail of the action log read for the latest run: a 2 h run at the default cooldown writes well under 100 KiB. */
    static final int MAX_LOG_TAIL_BYTES = 1 << 20;
    static final int MAX_RUN_LINES = 2000;
    private static final int MAX_LINE_CHARS = 4096;
    private static final int MAX_PID_BYTES = 64;

    private final NodeDir node;
    private final Path actionLog;

    public FileGuardRuns(NodeDir node, Path actionLog) {
        this.node = node;
        this.actionLog = actionLog;
    }

    @Override
    public Claim claim() {
        Path file = node.guardFile();
        DurableFiles.ensurePrivateDirectory(file.getParent());
        FileChannel channel = FileNodeLock.openLockFile(file);
        try {
            FileLock lock = FileNodeLock.tryLock(channel);
            if (lock == null) {
                OptionalLong pid = pidIn(channel);
                channel.close();
                throw new CtguardException(ExitCode.TEMP_FAIL, "another guard runs on this node: %s holds %s; one guard per node, so stop that one first"
                        .formatted(pid.isPresent() ? "pid " + pid.getAsLong() : "a process", node.display() + "/guard.pid"));
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(false);
            return () -> {
                try {
                    channel.truncate(0);
                    lock.release();
                    channel.close();
                } catch (IOException ignored) {
                    // closing the channel, or the process's exit, releases the lock in any case
                }
            };
        } catch (IOException e) {
            throw DurableFiles.cannotWrite(file, e);
        }
    }

    @Override
    public OptionalLong running() {
        Path file = node.guardFile();
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return OptionalLong.empty();
        }
        try (FileChannel channel = FileNodeLock.openLockFile(file)) {
            FileLock lock = FileNodeLock.tryLock(channel);
            if (lock != null) {
                lock.release();
                return OptionalLong.empty();
            }
            OptionalLong pid = pidIn(channel);
            if (pid.isEmpty()) {
                // claimed, its pid not written yet
                throw new CtguardException(ExitCode.TEMP_FAIL, "a guard is starting on this node (" + node.display() + "/guard.pid); retry in a moment");
            }
            return pid;
        } catch (IOException e) {
            throw DurableFiles.cannotWrite(file, e);
        }
    }

    @Override
    public boolean stop(long pid, Duration timeout) {
        var process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return true;
        }
        if (!process.get().destroy()) {
            throw new CtguardException(ExitCode.NO_PERMISSION, "cannot signal guard (pid %d): run as root".formatted(pid));
        }
        try {
            process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.get().isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public List<String> lastRun() {
        String tail;
        try {
            tail = readTail(actionLog, MAX_LOG_TAIL_BYTES);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new CtguardException(ExitCode.DATA_ERROR, "cannot read guard's action log " + actionLog + ": " + Errors.describe(e));
        }
        List<String> lines = new ArrayList<>();
        for (String line : tail.split("\n")) {
            if (line.startsWith("{\"event\":\"start\"")) {
                lines.clear();
            }
            // a line cut by the tail's start, or not one of guard's, is left out
            if (line.startsWith("{\"event\":") && line.endsWith("}") && line.length() <= MAX_LINE_CHARS) {
                lines.add(line);
            }
        }
        return lines.size() <= MAX_RUN_LINES ? lines : List.copyOf(lines.subList(lines.size() - MAX_RUN_LINES, lines.size()));
    }

    private static String readTail(Path file, int maxBytes) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new NoSuchFileException(file.toString());
            }
            throw new IOException("not a regular file");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long size = channel.size();
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(size, maxBytes));
            long from = size - buffer.capacity();
            while (buffer.hasRemaining() && channel.read(buffer, from + buffer.position()) > 0) {
                // until the buffer is full or the file ends
            }
            return StandardCharsets.UTF_8.decode(buffer.flip()).toString();
        }
    }

    private static OptionalLong pidIn(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_PID_BYTES);
        channel.read(buffer, 0);
        String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII).strip();
        try {
            long pid = Long.parseLong(text);
            return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
