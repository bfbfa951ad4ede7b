package ctguard.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies a fixture tree from src/test/resources/fixtures into a writable temporary directory.
 * Reads the source directory, not target/test-classes, so the proc/self/ns/net symlinks (whose targets
 * such as {@code net:[4026531833]} dangle) survive whatever Maven's resource copying does with them.
 * Modes git cannot store are applied after the copy.
 */
public final class Fixtures {
    public static final String LINUX_6_18 = "linux-6.18";
    public static final String LINUX_4_15 = "linux-4.15";
    public static final String LINUX_NOPROCFS = "linux-noprocfs";
    /** The node this project exists for: 64 GiB, 4.x, max 12262144 over 16384 buckets, accounting on. */
    public static final String SEED_NODE = "linux-4.4-seed";

    private static final String SYSCTL_DIR = "proc/sys/net/netfilter/";

    private Fixtures() {
    }

    /** The fixture's source directory; Maven runs tests in the module directory (java-agent/). */
    public static Path source(String name) {
        Path relative = Path.of("src", "test", "resources", "fixtures", name);
        String basedir = System.getProperty("basedir");
        Path dir = basedir != null && Files.isDirectory(Path.of(basedir).resolve(relative)) ? Path.of(basedir).resolve(relative)
                : Files.isDirectory(relative) ? relative : Path.of("java-agent").resolve(relative);
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("fixture " + name + " not found (looked for " + relative.toAbsolutePath() + ")");
        }
        return dir;
    }

    /** Copies fixture {@code name} to {@code target} (which may exist and be empty) and returns target. */
    public static Path copy(String name, Path target) {
        Path source = source(name);
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isSymbolicLink(p)) {
                    Files.createDirectories(dest.getParent());
                    Files.createSymbolicLink(dest, Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, LinkOption.NOFOLLOW_LINKS);
                    chmod(dest, "rw-r--r--");
                }
            }
            for (String readOnly : readOnlyFiles(name)) {
                chmod(target.resolve(readOnly), "r--r--r--");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("copying fixture " + name, e);
        }
        return target;
    }

    /**
     * Files that are mode 0444 on the kernel the fixture stands for: nf_conntrack_count everywhere;
     * nf_conntrack_buckets on 4.x (resized only through the hashsize module parameter); the global limits
     * outside the initial network namespace.
     */
    static List<String> readOnlyFiles(String name) {
        return switch (name) {
            case LINUX_4_15, SEED_NODE -> List.of(SYSCTL_DIR + "nf_conntrack_count", SYSCTL_DIR + "nf_conntrack_buckets");
            case LINUX_NOPROCFS -> List.of(SYSCTL_DIR + "nf_conntrack_count", SYSCTL_DIR + "nf_conntrack_max",
                    SYSCTL_DIR + "nf_conntrack_buckets", SYSCTL_DIR + "nf_conntrack_expect_max");
            default -> List.of(SYSCTL_DIR + "nf_conntrack_count");
        };
    }

    static void chmod(Path p, String perms) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }
}
