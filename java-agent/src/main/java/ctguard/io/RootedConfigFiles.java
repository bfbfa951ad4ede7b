package ctguard.io;

import ctguard.core.ConfigFiles;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Configuration files under a root directory; writes are durable and never follow symlinks. */
public final class RootedConfigFiles implements ConfigFiles {
    private static final int MAX_BYTES = 1024 * 1024;
    private final Path root;

    public RootedConfigFiles(Path root) {
        this.root = root;
    }

    @Override
    public Optional<byte[]> read(String path) {
        Path p = resolve(path);
        if (!Files.isRegularFile(p)) {
            return Optional.empty();
        }
        try {
            return Optional.of(BoundedFiles.read(p, MAX_BYTES));
        } catch (BoundedFiles.TooLarge e) {
            throw new CtguardException(ExitCode.DATA_ERROR, "%s is larger than %d bytes: not a file ctguard wrote, and not one to replace; move it aside and rerun"
                    .formatted(path, MAX_BYTES));
        } catch (IOException e) {
            throw new CtguardException(ExitCode.CANT_CREATE, "cannot read %s: %s".formatted(path, Errors.describe(e)), e);
        }
    }

    @Override
    public void write(String path, byte[] content) {
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
            return entries.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private Path resolve(String absolute) {
        return root.resolve(absolute.substring(1));
    }
}
