package ctguard.io;

import ctguard.core.ConntrackStats;
import ctguard.core.CtguardException;
import ctguard.core.EntrySize;
import ctguard.core.ExitCode;
import ctguard.core.Kernel;
import ctguard.core.KernelWriteException;
import ctguard.core.NodeState;
import ctguard.core.ProcFormats;
import ctguard.core.TunableState;
import ctguard.core.Tunables;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The kernel through /proc and /sys, rooted at a directory: "/" on a node, a fixture tree in tests or
 * a copied tree when inspecting another machine's files.
 */
public final class ProcfsKernel implements Kernel {
    private final Path root;

    public ProcfsKernel(Path root) {
        this.root = root;
    }

    @Override
    public NodeState read() {
        Path sysctls = path(Tunables.SYSCTL_DIR);
        if (!Files.isRegularFile(sysctls.resolve(Tunables.MAX))) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "nf_conntrack is not loaded (%s/%s is absent): load it with 'modprobe nf_conntrack'"
                    .formatted(Tunables.SYSCTL_DIR, Tunables.MAX) + " and list it in /etc/modules-load.d to keep it across reboots");
        }
        Long netnsInode = ProcFormats.netnsInode(linkTarget("/proc/self/ns/net"));
        Boolean initial = netnsInode == null ? null : netnsInode == ProcFormats.INITIAL_NETNS_INODE;
        String netns = netnsInode == null ? null : "net:[" + netnsInode + "]";

        Map<String, TunableState> tunables = new LinkedHashMap<>();
        for (String name : tunableNames(sysctls)) {
            tunables.put(name, tunable(name, initial));
        }
        Path hashsizePath = path(Tunables.HASHSIZE_PATH);
        String hashsizeText = readOptional(hashsizePath);
        Long hashsize = hashsizeText == null ? null : ProcFormats.integer(Tunables.HASHSIZE_PATH, hashsizeText);
        boolean bucketsBySysctl = ownerWritable(sysctls.resolve(Tunables.BUCKETS));
        if (!tunables.get(Tunables.BUCKETS).writable() && !bucketsBySysctl && writability(hashsizePath, true, initial) == null) {
            // older kernels: the sysctl is read-only everywhere, the module parameter takes the new size
            tunables.put(Tunables.BUCKETS, new TunableState(Tunables.BUCKETS, tunables.get(Tunables.BUCKETS).value(), true, null));
        }

        ConntrackStats stats = null;
        String statsNote = null;
        String statText = readOptional(path("/proc/net/stat/nf_conntrack"));
        if (statText == null) {
            statsNote = "/proc/net/stat/nf_conntrack is absent (kernel built without CONFIG_NF_CONNTRACK_PROCFS); 'conntrack -S' reads them over netlink";
        } else {
            stats = ProcFormats.stats(statText);
        }
        NetnsScanner.Scan scan = new NetnsScanner(root).scan(netnsInode);
        String meminfo = readOptional(path("/proc/meminfo"));
        if (meminfo == null) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "/proc/meminfo is not readable under " + root);
        }
        return new NodeState(text("/proc/sys/kernel/hostname", "unknown"), text("/proc/sys/kernel/osrelease", "unknown"),
                integer(sysctls.resolve(Tunables.COUNT)), java.util.Collections.unmodifiableMap(tunables), hashsize,
                stats, statsNote, ProcFormats.memTotal(meminfo), entrySize(sysctls), initial, netns, bucketsBySysctl,
                scan.namespaces(), scan.note());
    }

    @Override
    public void write(String tunable, long value) {
        Path target = path(Tunables.SYSCTL_DIR).resolve(tunable);
        if (Tunables.BUCKETS.equals(tunable) && !ownerWritable(target)) {
            target = path(Tunables.HASHSIZE_PATH);
        }
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write((value + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            ExitCode code = Errors.isPermission(e) ? ExitCode.NO_PERMISSION
                    : Errors.isInvalidValue(e) ? ExitCode.DATA_ERROR : ExitCode.CANT_CREATE;
            throw new KernelWriteException(tunable, code, "%s: %s".formatted(display(target), Errors.describe(e)), e);
        }
    }

    private List<String> tunableNames(Path sysctls) {
        try (Stream<Path> files = Files.list(sysctls)) {
            List<String> timeouts = files.map(p -> p.getFileName().toString()).filter(Tunables::isTimeout).sorted().toList();
            return Stream.concat(Stream.of(Tunables.MAX, Tunables.BUCKETS), timeouts.stream()).toList();
        } catch (IOException e) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "cannot list %s: %s".formatted(Tunables.SYSCTL_DIR, Errors.describe(e)), e);
        }
    }

    private TunableState tunable(String name, Boolean initialNetns) {
        Path p = path(Tunables.SYSCTL_DIR).resolve(name);
        String reason = writability(p, Tunables.isGlobal(name), initialNetns);
        return new TunableState(name, integer(p), reason == null, reason);
    }

    /** Null when writable, else the reason, most specific first. */
    private String writability(Path p, boolean global, Boolean initialNetns) {
        if (!Files.exists(p)) {
            return "absent";
        }
        if (global && Boolean.FALSE.equals(initialNetns)) {
            // the kernel refuses global limits there even through files whose mode allows writing (hashsize)
            return "global limit: read-only outside the initial network namespace";
        }
        if (!ownerWritable(p)) {
            return "read-only on this kernel (mode " + mode(p) + ")";
        }
        if (!Files.isWritable(p)) {
            long uid = Processes.uid();
            // root passes permission checks on a file whose mode allows writing, so a refusal means EROFS
            return uid == 0 ? "read-only file system: " + display(p.getParent()) + " is mounted read-only (as in many containers)"
                    : "permission denied: needs root (running as uid " + uid + ")";
        }
        return null;
    }

    private static boolean ownerWritable(Path p) {
        try {
            return Files.getPosixFilePermissions(p).contains(PosixFilePermission.OWNER_WRITE);
        } catch (IOException e) {
            return false;
        }
    }

    private static String mode(Path p) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            int bits = 0;
            for (PosixFilePermission perm : perms) {
                bits |= 1 << (8 - perm.ordinal());
            }
            return String.format("%04o", bits);
        } catch (IOException e) {
            return "unknown";
        }
    }

    private EntrySize entrySize(Path sysctls) {
        boolean extensions = flag(sysctls, Tunables.ACCT) || flag(sysctls, Tunables.TIMESTAMP) || flag(sysctls, Tunables.EVENTS);
        String slabinfo = readOptional(path("/proc/slabinfo"));
        Long fromSlabinfo = slabinfo == null ? null : ProcFormats.slabObjectSize(slabinfo);
        if (fromSlabinfo != null) {
            return EntrySize.of(fromSlabinfo, "slabinfo", extensions);
        }
        String slabSize = readOptional(path("/sys/kernel/slab/nf_conntrack/slab_size"));
        if (slabSize != null) {
            return EntrySize.of(ProcFormats.integer("slab_size", slabSize), "/sys/kernel/slab", extensions);
        }
        return EntrySize.of(null, null, extensions);
    }

    /** Events count only when forced on (1); the default 2 allocates the area only for listeners. */
    private boolean flag(Path sysctls, String name) {
        String v = readOptional(sysctls.resolve(name));
        return v != null && v.trim().equals("1");
    }

    private long integer(Path p) {
        String content = readOptional(p);
        if (content == null) {
            throw new CtguardException(ExitCode.UNAVAILABLE, display(p) + " is not readable");
        }
        return ProcFormats.integer(display(p), content);
    }

    private String text(String absolute, String fallback) {
        String v = readOptional(path(absolute));
        return v == null ? fallback : v.trim();
    }

    private String linkTarget(String absolute) {
        try {
            return Files.readSymbolicLink(path(absolute)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** The file's content, or null when it is absent or unreadable. */
    private static String readOptional(Path p) {
        try {
            return ProcText.read(p);
        } catch (IOException e) {
            return null;
        }
    }

    private Path path(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private String display(Path p) {
        return "/" + root.relativize(p);
    }
}
