package ctguard.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.stream.Stream;

/** This machine's files under a directory that stands for /: "/" itself on a node, a fixture tree in tests. */
final class RootedFiles implements NodeFiles {
    private final Path root;

    RootedFiles(Path root) {
        this.root = root;
    }

    Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    @Override
    public boolean exists(String path) {
        return Files.exists(path(path));
    }

    @Override
    public String read(String path) {
        try {
            return ProcText.read(path(path));
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public List<String> list(String dir) throws IOException {
        try (Stream<Path> files = Files.list(path(dir))) {
            return files.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Override
    public Integer mode(String path) {
        try {
            int bits = 0;
            for (PosixFilePermission perm : Files.getPosixFilePermissions(path(path))) {
                bits |= 1 << (8 - perm.ordinal());
            }
            return bits;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public boolean writable(String path) {
        return Files.isWritable(path(path));
    }

    @Override
    public long uid() {
        return Processes.uid();
    }

    @Override
    public String link(String path) {
        try {
            return Files.readSymbolicLink(path(path)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    @Override
    public OtherNamespaces otherNamespaces(Long ownNetnsInode) {
        return new NetnsScanner(root).scan(ownNetnsInode);
    }

    @Override
    public String where() {
        return root.equals(root.getRoot()) ? "" : " under " + root;
    }
}
