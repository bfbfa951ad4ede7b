package ctguard.io.fleet;

import ctguard.core.CtguardException;
import ctguard.core.fleet.HostRanges;
import ctguard.core.fleet.Inventory;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads an Ansible inventory for {@code ctguard fleet}.
 * <p>When {@code ansible-inventory} is found (on PATH, or the command given), it is run as
 * {@code ansible-inventory -i PATH --list}: Ansible's own semantics (INI and YAML, group_vars, host_vars, plugins,
 * scripts, ansible.cfg in the working directory). Otherwise the inventory is read as YAML by ctguard itself
 * ({@link YamlInventory}: YAML files, group_vars/ and host_vars/, Ansible's variable precedence for the connection
 * variables). {@link Inventory#source()} says which was used; {@link Inventory#warnings()} what the caller should
 * show (unevaluated templates, skipped files, ansible-inventory's warnings).
 * <p>Errors are {@link CtguardException}s with one line naming the file: a missing or unreadable path is a usage
 * error (64); malformed YAML, a bad value or a failing ansible-inventory bad data (65); ansible-inventory that
 * cannot be started is 69, one that does not finish in time 75.
 */
public final class InventoryLoader {
    public static final String ANSIBLE_INVENTORY = "ansible-inventory";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** Inventories beyond this many hosts are refused. */
    public static final int MAX_HOSTS = HostRanges.DEFAULT_LIMIT;

    private final String command;
    private final String searchPath;
    private final Duration timeout;

    /**
     * {@code command}: a name looked up on PATH, or a path (holding a {@code /}); when it is not an executable file,
     * the YAML reader is used. {@code null} means never run Ansible.
     */
    public InventoryLoader(String command) {
        this(command, System.getenv("PATH"), DEFAULT_TIMEOUT);
    }

    public InventoryLoader(String command, Duration timeout) {
        this(command, System.getenv("PATH"), timeout);
    }

    InventoryLoader(String command, String searchPath, Duration timeout) {
        this.command = command;
        this.searchPath = searchPath;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    /** A loader that never runs Ansible: ctguard's YAML reader only. */
    public static InventoryLoader yamlOnly() {
        return new InventoryLoader(null, null, DEFAULT_TIMEOUT);
    }

    /** The ansible-inventory executable that {@link #read} would run, if any. */
    public Optional<Path> ansibleInventory() {
        if (command == null || command.isBlank()) {
            return Optional.empty();
        }
        try {
            if (command.contains(File.separator)) {
                return executable(Path.of(command));
            }
            if (searchPath == null) {
                return Optional.empty();
            }
            for (String dir : searchPath.split(File.pathSeparator)) {
                if (dir.isEmpty()) {
                    continue; // an empty entry means the working directory: not searched, deliberately
                }
                Optional<Path> found = executable(Path.of(dir, command));
                if (found.isPresent()) {
                    return found;
                }
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Path> executable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
    }

    /**
     * Reads the inventory at {@code path} (a file or a directory) with this loader's ansible-inventory, or as YAML.
     *
     * @throws CtguardException see the class comment
     */
    public Inventory read(Path path) {
        Objects.requireNonNull(path, "path");
        if (!Files.exists(path)) {
            throw CtguardException.usage("inventory " + path + ": no such file or directory");
        }
        if (!Files.isReadable(path)) {
            throw CtguardException.usage("inventory " + path + ": permission denied");
        }
        Optional<Path> ansible = ansibleInventory();
        if (ansible.isPresent()) {
            return AnsibleInventory.run(ansible.get(), path, timeout, MAX_HOSTS);
        }
        return YamlInventory.load(path, MAX_HOSTS);
    }
}
