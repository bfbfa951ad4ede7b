package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.NodeLock;
import ctguard.core.Units;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * The node's one exclusive lock, /run/conntrack-guard/lock (0600 in a 0700 directory, so no other user
 * can open it, let alone hold it), whatever --state-dir says. Java takes it with fcntl (a POSIX record
 * lock), so other tools must use fcntl/lockf too, not flock(2), to interoperate; it is released when the
 * process exits.
 */
public final class FileNodeLock implements NodeLock {
    private static final long POLL_MILLIS = 100;
    private final NodeDir node;
    private final String displayPath;

    public FileNodeLock(NodeDir node) {
        this.node = node;
        this.displayPath = node.display() + "/lock";
    }

    @Override
    public Lease acquire(Duration timeout) {
        FileChannel channel = open();
        Path file = node.lockFile();
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
                    throw new CtguardException(ExitCode.TEMP_FAIL, ("the node's lock %s is held by another process, most likely another ctguard run "
                            + "(waited %s); retry when it has finished, or raise --lock-timeout").formatted(displayPath, Units.formatDuration(timeout)));
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

    private FileChannel open() {
        return openLockFile(node.lockFile());
    }

    /** A lock file of the node's directory, created 0600 when missing; never through a link, never a FIFO. */
    static FileChannel openLockFile(Path file) {
        DurableFiles.refuseSymlink(file);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            // a FIFO would block the open forever, holding up every run
            throw new CtguardException(ExitCode.CANT_CREATE, file + " is not a regular file; move it aside");
        }
        try {
            return FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS), PosixFilePermissions.asFileAttribute(DurableFiles.PRIVATE));
        } catch (IOException e) {
            throw DurableFiles.cannotWrite(file, e);
        }
    }

    /** The lock when no other process (nor this one) holds it, else null. */
    static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }
}
