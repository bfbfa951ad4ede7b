package ctguard.io;

import ctguard.core.CtguardException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The node's own directory, whatever --state-dir says: /run/conntrack-guard (under --root), 0700 and
 * root's. It holds the one lock of the node and, per network namespace, the pointer to the live snapshot
 * (snapshot-INODE), so that two state dirs cannot hold two snapshots of one node (README, safety rule 5);
 * a process in another network namespace of the same kernel (a container sharing /run) keeps its own,
 * since its TIME_WAIT is its own and it cannot write the global limits. /run starts empty at every boot,
 * as it should: a snapshot from an earlier boot describes a kernel that no longer runs.
 */
public final class NodeDir {
    public static final String PATH = "/run/conntrack-guard";
    private static final long MAX_POINTER_BYTES = 4096;
    private final Path root;
    private final Path dir;

    public NodeDir(Path root) {
        this.root = root;
        this.dir = root.resolve(PATH.substring(1));
    }

    Path lockFile() {
        DurableFiles.ensurePrivateDirectory(dir);
        return dir.resolve("lock");
    }

    /** Held by the node's one guard while it runs, and names its pid; the directory is made by the claim, not by a look. */
    Path guardFile() {
        return dir.resolve("guard.pid");
    }

    /** Records that the node's live snapshot is at this (logical) path. */
    void register(String snapshotPath) {
        DurableFiles.ensurePrivateDirectory(dir);
        DurableFiles.replace(pointer(), snapshotPath + "\n", DurableFiles.PRIVATE);
    }

    /** Forgets the pointer when it names this snapshot. */
    void unregister(String snapshotPath) {
        if (registered().filter(snapshotPath::equals).isPresent()) {
            DurableFiles.delete(pointer());
        }
    }

    /** The registered snapshot when it is not this one and still exists; a pointer to a vanished file is ignored. */
    Optional<String> liveOtherThan(String snapshotPath) {
        return registered().filter(p -> !p.equals(snapshotPath))
                .filter(p -> p.startsWith("/") && Files.exists(root.resolve(p.substring(1)), LinkOption.NOFOLLOW_LINKS));
    }

    private Optional<String> registered() {
        Path p = pointer();
        try {
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) > MAX_POINTER_BYTES) {
                return Optional.empty();
            }
            String text = Files.readString(p, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException | CtguardException e) {
            return Optional.empty();
        }
    }

    private Path pointer() {
        Long netns = null;
        try {
            netns = ctguard.core.ProcFormats.netnsInode(Files.readSymbolicLink(root.resolve("proc/self/ns/net")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            // unknown namespace: one pointer for all
        }
        return dir.resolve(netns == null ? "snapshot" : "snapshot-" + netns);
    }

    public String display() {
        return PATH;
    }
}
