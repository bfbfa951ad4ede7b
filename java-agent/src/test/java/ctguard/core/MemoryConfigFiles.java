package ctguard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/** Configuration files held in memory, with an optional write failure. */
final class MemoryConfigFiles implements ConfigFiles {
    final TreeMap<String, String> files = new TreeMap<>();
    String failOnWrite;

    @Override
    public Optional<byte[]> read(String path) {
        return Optional.ofNullable(files.get(path)).map(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void write(String path, byte[] content) {
        if (path.equals(failOnWrite)) {
            throw new CtguardException(ExitCode.CANT_CREATE, "disk full");
        }
        files.put(path, new String(content, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void delete(String path) {
        files.remove(path);
    }

    @Override
    public List<String> list(String directory) {
        List<String> names = new ArrayList<>();
        files.keySet().stream().filter(p -> p.startsWith(directory + "/") && p.indexOf('/', directory.length() + 1) < 0)
                .forEach(p -> names.add(p.substring(directory.length() + 1)));
        return names;
    }
}
