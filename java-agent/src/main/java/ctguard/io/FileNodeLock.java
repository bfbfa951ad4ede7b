package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.NodeLock;
import ctguard.core.Units;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * An exclusive lock on state-dir/lock. Java takes it with fcntl (a POSIX record lock), so other tools
 * must use fcntl/lockf too, not flock(2), to interoperate; it is released when the process exits.
 */
public final class FileNodeLock implements NodeLock {
    private static final long POLL_MILLIS = 100;
    private final Path stateDir;
    private final String displayPath;

    public FileNodeLock(Path stateDir, String displayPath) {
        this.stateDir = stateDir;
        this.displayPath = displayPath + "/lock";
    }

    @Override
    public Lease acquire(Duration timeout) {
        DurableFiles.ensureDirectory(stateDir);
        Path file = stateDir.resolve("lock");
        DurableFiles.refuseSymlink(file);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw DurableFiles.cannotWrite(file, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return () -> {
                        try {
                            lock.release();
                            channel.close();
                        } catch (IOException ignored) {
                            // closing the channel releases the lock in any case
                        }
                    };
                }
                if (System.nanoTime() >= deadline) {
                    channel.close();
                    throw new CtguardException(ExitCode.TEMP_FAIL, "another ctguard run holds the lock %s (waited %s); retry when it has finished, or raise --lock-timeout"
                            .formatted(displayPath, Units.formatDuration(timeout)));
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (IOException e) {
            throw DurableFiles.cannotWrite(file, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CtguardException(ExitCode.TEMP_FAIL, "interrupted while waiting for the lock " + displayPath);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }
}
