package ctguard.cli;

import ctguard.core.CtguardException;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** Options every command that reads this node takes. */
public final class CommonOptions {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "/",
            description = "Read and write /proc, /sys, /etc and the state dir under DIR instead of / (a testing aid, or to inspect a copied tree). Default: /.")
    String root;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/conntrack-guard",
            description = "Where the snapshot and check's counter baseline live (under --root); the lock is the node's own, /run/conntrack-guard/lock. Default: ${DEFAULT-VALUE}.")
    String stateDir;

    @Mixin
    RunOptions run;

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
