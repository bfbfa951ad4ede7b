package ctguard.io.fleet;

import java.nio.file.Files;
import java.nio.file.Path;

/** Test inventories: src/test/resources/inventories/NAME, and the repository's inventories/NAME. */
final class Inventories {
    private Inventories() {
    }

    /** Maven runs tests in the module directory (java-agent/); an IDE may run them from the repository root. */
    static Path module() {
        String basedir = System.getProperty("basedir");
        if (basedir != null && Files.isDirectory(Path.of(basedir, "src", "test"))) {
            return Path.of(basedir);
        }
        return Files.isDirectory(Path.of("src", "test")) ? Path.of("") : Path.of("java-agent");
    }

    static Path resource(String name) {
        Path p = module().resolve(Path.of("src", "test", "resources", "inventories", name));
        if (!Files.exists(p)) {
            throw new IllegalStateException("test inventory " + name + " not found at " + p.toAbsolutePath());
        }
        return p;
    }

    static Path repository(String name) {
        Path p = module().toAbsolutePath().getParent().resolve(Path.of("inventories", name));
        if (!Files.exists(p)) {
            throw new IllegalStateException("inventory " + name + " not found at " + p);
        }
        return p;
    }

    /** The project's virtualenv ansible-inventory, when it is there. */
    static Path ansibleInventory() {
        return module().toAbsolutePath().getParent().resolve(Path.of(".venv", "bin", "ansible-inventory"));
    }
}
