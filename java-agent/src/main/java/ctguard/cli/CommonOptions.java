package ctguard.cli;

import ctguard.core.CtguardException;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** Options every command takes. */
public final class CommonOptions {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Read and write /proc, /sys, /etc and the state dir under DIR instead of / (a testing aid, or to inspect a copied tree). Default: /.")
    String root;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/conntrack-guard",
            description = "Where the snapshot and the lock live (under --root). Default: ${DEFAULT-VALUE}.")
    String stateDir;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML file of defaults for any long option (top level: every command; a section per command). "
                    + "Default: $CTGUARD_CONFIG, else " + ConfigFile.DEFAULT_PATH + " when it exists.")
    String config;

    @Option(names = "--debug", description = "Show stack traces of errors.")
    boolean debug;

    Path rootPath() {
        Path p = Path.of(root).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw CtguardException.usage("--root: " + root + " is not a directory");
        }
        return p;
    }

    String stateDirDisplay() {
        if (!stateDir.startsWith("/")) {
            throw CtguardException.usage("--state-dir: '" + stateDir + "' must be an absolute path");
        }
        return Path.of(stateDir).normalize().toString();
    }

    Path stateDirPath() {
        return rootPath().resolve(stateDirDisplay().substring(1));
    }
}
