package ctguard.io;

import ctguard.core.ConfigFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Configuration files under a root directory; writes are durable and never follow symlinks. */
public final class RootedConfigFiles implements ConfigFiles {
    private static final long MAX_BYTES = 1024 * 1024;
    private final Path root;

    public RootedConfigFiles(Path root) {
        this.root = root;
    }

    @Override
    public Optional<String> read(String path) {
        Path p = resolve(path);
        try {
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_BYTES) {
                return Optional.empty();
            }
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void write(String path, String content) {
        DurableFiles.replace(resolve(path), content, DurableFiles.PUBLIC);
    }

    @Override
    public void delete(String path) {
        DurableFiles.delete(resolve(path));
    }

    @Override
    public List<String> list(String directory) {
        Path dir = resolve(directory);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Path resolve(String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
