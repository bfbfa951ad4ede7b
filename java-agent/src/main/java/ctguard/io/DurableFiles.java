package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Crash-safe file replacement (rule 4): temp file in the same directory, fsync, rename, fsync the directory. */
public final class DurableFiles {
    public static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
    public static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
    static final Set<PosixFilePermission> PRIVATE_DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private DurableFiles() {
    }

    /** Replaces target with content. */
    public static void replace(Path target, String content, Set<PosixFilePermission> mode) {
        replace(target, content.getBytes(StandardCharsets.UTF_8), mode);
    }

    /** Replaces target with these exact bytes; the caller holds the node's lock (see {@link #removeLeftTemps}). */
    public static void replace(Path target, byte[] content, Set<PosixFilePermission> mode) {
        replace(target, content, mode, true);
    }

    /** Replaces a file that runs write without the node's lock (check's counter history). */
    public static void replaceUnlocked(Path target, String content, Set<PosixFilePermission> mode) {
        replace(target, content.getBytes(StandardCharsets.UTF_8), mode, false);
    }

    private static void replace(Path target, byte[] content, Set<PosixFilePermission> mode, boolean locked) {
        Path temp = writeTemp(target, content, mode, locked);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(target.getParent());
        } catch (IOException e) {
            deleteQuietly(temp);
            throw cannotWrite(target, e);
        }
    }

    /** Creates target with content; fails rather than replace a file that appeared meanwhile. */
    public static void create(Path target, String content, Set<PosixFilePermission> mode) {
        Path temp = writeTemp(target, content.getBytes(StandardCharsets.UTF_8), mode, true);
        try {
            Files.createLink(target, temp);
            syncDirectory(target.getParent());
        } catch (FileAlreadyExistsException e) {
            throw new CtguardException(ExitCode.CANT_CREATE, target + " appeared while writing it; refusing to replace it");
        } catch (IOException e) {
            throw cannotWrite(target, e);
        } finally {
            deleteQuietly(temp);
        }
    }

    public static void delete(Path target) {
        refuseSymlink(target);
        try {
            if (Files.deleteIfExists(target)) {
                syncDirectory(target.getParent());
            }
        } catch (IOException e) {
            throw cannotWrite(target, e);
        }
    }

    /** Renames within one directory, durably. */
    public static void move(Path from, Path to) {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(to.getParent());
        } catch (IOException e) {
            throw cannotWrite(to, e);
        }
    }

    public static void ensureDirectory(Path dir) {
        if (Files.isSymbolicLink(dir)) {
            throw new CtguardException(ExitCode.CANT_CREATE, dir + " is a symbolic link; refusing to follow it");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
    }

    /**
     * A directory only its owner may enter (0700): created so, or tightened when it already exists with
     * wider modes, so that no other user can open, hold or replace what is inside.
     */
    public static void ensurePrivateDirectory(Path dir) {
        ensureDirectory(dir.getParent());
        if (Files.isSymbolicLink(dir)) {
            throw new CtguardException(ExitCode.CANT_CREATE, dir + " is a symbolic link; refusing to follow it");
        }
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIRECTORY));
            }
            if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE_DIRECTORY)) {
                Files.setPosixFilePermissions(dir, PRIVATE_DIRECTORY);
            }
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new CtguardException(ExitCode.CANT_CREATE, dir + " exists and is not a directory; move it aside", e);
        } catch (IOException e) {
            throw cannotWrite(dir, e);
        }
    }

    public static void refuseSymlink(Path target) {
        if (Files.isSymbolicLink(target)) {
            throw new CtguardException(ExitCode.CANT_CREATE, target + " is a symbolic link; refusing to follow it. Replace it with a regular file or remove it");
        }
    }

    private static Path writeTemp(Path target, byte[] content, Set<PosixFilePermission> mode, boolean locked) {
        refuseSymlink(target);
        Path dir = target.getParent();
        ensureDirectory(dir);
        removeLeftTemps(dir, target.getFileName().toString(), locked);
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", PosixFilePermissions.asFileAttribute(mode));
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer bytes = ByteBuffer.wrap(content);
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.setPosixFilePermissions(temp, mode);
            return temp;
        } catch (IOException e) {
            deleteQuietly(temp);
            throw cannotWrite(target, e);
        }
    }

    /** A writer holds its temp file for milliseconds; one older than this was left by a run that died. */
    private static final java.time.Duration LEFT_BEHIND = java.time.Duration.ofMinutes(10);

    /**
     * Deletes our own temp files for this target (by name: .NAME.RANDOM.tmp) that a killed run left
     * behind. Under the node's lock no other writer of the target can be alive, so all of them go; without
     * it only those older than a live writer would keep one.
     */
    private static void removeLeftTemps(Path dir, String name, boolean locked) {
        String prefix = "." + name + ".";
        java.time.Instant cutoff = locked ? java.time.Instant.MAX : java.time.Instant.now().minus(LEFT_BEHIND);
        try (var entries = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp") && n.length() > prefix.length() + 4;
        })) {
            for (Path p : entries) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff)) {
                    deleteQuietly(p);
                }
            }
        } catch (IOException e) {
            // a directory that cannot be listed fails the write that follows, with its own message
        }
    }

    private static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // best effort: a leftover hidden temp file is harmless and never read
            }
        }
    }

    /**
     * 77 only when the cause is not being root; a refusal root gets (a read-only or immutable directory,
     * a full disk) is 73, "cannot write", whatever errno it came with.
     */
    static CtguardException cannotWrite(Path target, IOException e) {
        long uid = Processes.uid();
        if (uid != 0 && Errors.isPermission(e)) {
            return new CtguardException(ExitCode.NO_PERMISSION, "cannot write %s: %s; this needs root (running as uid %d)"
                    .formatted(target, Errors.describe(e), uid), e);
        }
        return new CtguardException(ExitCode.CANT_CREATE, "cannot write %s: %s".formatted(target, Errors.describe(e)), e);
    }
}
