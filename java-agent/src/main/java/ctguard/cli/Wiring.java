package ctguard.cli;

import ctguard.core.ConfigFiles;
import ctguard.core.CounterHistory;
import ctguard.core.CtguardException;
import ctguard.core.Kernel;
import ctguard.core.KernelLog;
import ctguard.core.NodeLock;
import ctguard.core.SnapshotStore;
import ctguard.core.Waiter;
import ctguard.core.guard.GuardRuns;
import ctguard.io.FileCounterHistory;
import ctguard.io.FileGuardRuns;
import ctguard.io.FileNodeLock;
import ctguard.io.FileSnapshotStore;
import ctguard.io.NodeDir;
import ctguard.io.ProcfsKernel;
import ctguard.io.RootedConfigFiles;
import ctguard.io.SystemKernelLog;

/** Connects the pure actions to the io adapters rooted where the options say. */
final class Wiring {
    private final CommonOptions options;

    /** Validates the common options up front, so a bad one fails every command the same way. */
    Wiring(CommonOptions options) {
        this.options = options;
        options.stateDirPath();
    }

    Kernel kernel() {
        return new ProcfsKernel(options.rootPath());
    }

    SnapshotStore snapshots() {
        return new FileSnapshotStore(options.stateDirPath(), options.stateDirDisplay(), new NodeDir(options.rootPath()));
    }

    GuardRuns guardRuns() {
        return new FileGuardRuns(new NodeDir(options.rootPath()), options.stateDirPath().resolve(GUARD_LOG));
    }

    /** guard's action log, in the state dir. */
    static final String GUARD_LOG = "guard.jsonl";

    NodeLock lock() {
        return new FileNodeLock(new NodeDir(options.rootPath()));
    }

    ConfigFiles configFiles() {
        return new RootedConfigFiles(options.rootPath());
    }

    /** The check's counter history: the file the operator named (under --root), else the state dir's. */
    CounterHistory counterHistory(String file) {
        if (file == null) {
            return new FileCounterHistory(options.stateDirPath().resolve(FileCounterHistory.FILE_NAME),
                    options.stateDirDisplay() + "/" + FileCounterHistory.FILE_NAME);
        }
        if (!file.startsWith("/")) {
            throw CtguardException.usage("--counter-cache: '" + file + "' must be an absolute path");
        }
        String display = java.nio.file.Path.of(file).normalize().toString();
        return new FileCounterHistory(options.rootPath().resolve(display.substring(1)), display);
    }

    KernelLog kernelLog(String source) {
        return new SystemKernelLog(source, options.rootPath(), Waiter.SYSTEM);
    }
}
