package ctguard.io;

import ctguard.core.ConntrackStats;
import ctguard.core.CtguardException;
import ctguard.core.EntrySize;
import ctguard.core.ExitCode;
import ctguard.core.Kernel;
import ctguard.core.KernelWriteException;
import ctguard.core.NodeState;
import ctguard.core.Printable;
import ctguard.core.ProcFormats;
import ctguard.core.TunableState;
import ctguard.core.Tunables;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The kernel through /proc and /sys, rooted at a directory: "/" on a node, a fixture tree in tests.
 * {@link #read(NodeFiles)} judges any node's files the same way, e.g. those a remote read brought back.
 */
public final class ProcfsKernel implements Kernel {
    /** Changes at every boot: counters and tunables restart with it. */
    static final String BOOT_ID = "/proc/sys/kernel/random/boot_id";
    private final RootedFiles files;

    public ProcfsKernel(Path root) {
        this.files = new RootedFiles(root);
    }

    @Override
    public NodeState read() {
        return read(files);
    }

    /** The node's state from its files; CtguardException when nf_conntrack is not loaded or a value is unreadable. */
    public static NodeState read(NodeFiles files) {
        if (!files.exists(sysctl(Tunables.MAX))) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "nf_conntrack is not loaded (%s/%s is absent): load it with 'modprobe nf_conntrack'"
                    .formatted(Tunables.SYSCTL_DIR, Tunables.MAX) + " and list it in /etc/modules-load.d to keep it across reboots");
        }
        Long netnsInode = ProcFormats.netnsInode(files.link("/proc/self/ns/net"));
        Boolean initial = netnsInode == null ? null : netnsInode == ProcFormats.INITIAL_NETNS_INODE;
        String netns = netnsInode == null ? null : "net:[" + netnsInode + "]";

        Map<String, TunableState> tunables = new LinkedHashMap<>();
        for (String name : tunableNames(files)) {
            tunables.put(name, tunable(files, name, initial));
        }
        String hashsizeText = files.read(Tunables.HASHSIZE_PATH);
        Long hashsize = hashsizeText == null ? null : ProcFormats.integer(Tunables.HASHSIZE_PATH, hashsizeText);
        boolean bucketsBySysctl = ownerWritable(files, sysctl(Tunables.BUCKETS));
        if (!tunables.get(Tunables.BUCKETS).writable() && !bucketsBySysctl && writability(files, Tunables.HASHSIZE_PATH, true, initial) == null) {
            // older kernels: the sysctl is read-only everywhere, the module parameter takes the new size and
            // holds the same value as the sysctl, so it is what a write is read back from
            long buckets = hashsize != null ? hashsize : tunables.get(Tunables.BUCKETS).value();
            tunables.put(Tunables.BUCKETS, new TunableState(Tunables.BUCKETS, buckets, true, null));
        }

        ConntrackStats stats = null;
        String statsNote = null;
        String statText = files.read("/proc/net/stat/nf_conntrack");
        if (statText == null) {
            statsNote = "/proc/net/stat/nf_conntrack is absent (kernel built without CONFIG_NF_CONNTRACK_PROCFS); 'conntrack -S' reads them over netlink";
        } else {
            try {
                stats = ProcFormats.stats(statText);
            } catch (CtguardException garbled) {
                // the counters inform; they never block an action
                statsNote = garbled.getMessage();
            }
        }
        NodeFiles.OtherNamespaces others = files.otherNamespaces(netnsInode);
        String meminfo = files.read("/proc/meminfo");
        if (meminfo == null) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "/proc/meminfo is not readable" + files.where());
        }
        return new NodeState(text(files, "/proc/sys/kernel/hostname", "unknown"), text(files, "/proc/sys/kernel/osrelease", "unknown"),
                within(sysctl(Tunables.COUNT), integer(files, sysctl(Tunables.COUNT)), 0, Tunables.MAX_INT),
                java.util.Collections.unmodifiableMap(tunables), hashsize == null ? null : within(Tunables.HASHSIZE_PATH, hashsize, 1, Tunables.MAX_INT),
                stats, statsNote, within("/proc/meminfo MemTotal", ProcFormats.memTotal(meminfo), 1, MAX_RAM), entrySize(files), initial, netns, bucketsBySysctl,
                others.found(), others.note(), others.directory(), bootId(files));
    }

    @Override
    public void write(String tunable, long value) {
        String path = sysctl(tunable);
        if (Tunables.BUCKETS.equals(tunable) && !ownerWritable(files, path)) {
            path = Tunables.HASHSIZE_PATH;
        }
        Path target = files.path(path);
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            out.write((value + "\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            ExitCode code = Errors.isPermission(e) ? ExitCode.NO_PERMISSION
                    : Errors.isInvalidValue(e) ? ExitCode.DATA_ERROR : ExitCode.CANT_CREATE;
            throw new KernelWriteException(tunable, code, "%s: %s".formatted(path, Errors.describe(e)), e);
        }
    }

    private static List<String> tunableNames(NodeFiles files) {
        try {
            List<String> timeouts = files.list(Tunables.SYSCTL_DIR).stream().filter(Tunables::isTimeout).sorted().toList();
            return Stream.concat(Stream.of(Tunables.MAX, Tunables.BUCKETS), timeouts.stream()).toList();
        } catch (IOException e) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "cannot list %s: %s".formatted(Tunables.SYSCTL_DIR, Errors.describe(e)), e);
        }
    }

    private static String sysctl(String name) {
        return Tunables.SYSCTL_DIR + "/" + name;
    }

    private static TunableState tunable(NodeFiles files, String name, Boolean initialNetns) {
        String path = sysctl(name);
        String reason = writability(files, path, Tunables.isGlobal(name), initialNetns);
        return new TunableState(name, within(path, integer(files, path), name.equals(Tunables.BUCKETS) ? 1 : 0, Tunables.MAX_INT), reason == null, reason);
    }

    /** Null when writable, else the reason, most specific first. */
    private static String writability(NodeFiles files, String path, boolean global, Boolean initialNetns) {
        if (!files.exists(path)) {
            return "absent";
        }
        if (global && Boolean.FALSE.equals(initialNetns)) {
            // the kernel refuses global limits there even through files whose mode allows writing (hashsize)
            return "global limit: read-only outside the initial network namespace";
        }
        if (!ownerWritable(files, path)) {
            Integer mode = files.mode(path);
            return "read-only on this kernel (mode " + (mode == null ? "unknown" : String.format("%04o", mode)) + ")";
        }
        if (!files.writable(path)) {
            long uid = files.uid();
            // root passes permission checks on a file whose mode allows writing, so a refusal means EROFS
            return uid == 0 ? "read-only file system: " + path.substring(0, path.lastIndexOf('/')) + " is mounted read-only (as in many containers)"
                    : "permission denied: needs root (running as uid " + (uid < 0 ? "unknown" : uid) + ")";
        }
        return null;
    }

    private static boolean ownerWritable(NodeFiles files, String path) {
        Integer mode = files.mode(path);
        return mode != null && (mode & 0200) != 0;
    }

    private static EntrySize entrySize(NodeFiles files) {
        boolean extensions = flag(files, Tunables.ACCT) || flag(files, Tunables.TIMESTAMP) || flag(files, Tunables.EVENTS);
        String slabinfo = files.read("/proc/slabinfo");
        Long fromSlabinfo = slabinfo == null ? null : ProcFormats.slabObjectSize(slabinfo);
        if (fromSlabinfo != null) {
            within("/proc/slabinfo nf_conntrack objsize", fromSlabinfo, 1, MAX_ENTRY_BYTES);
        }
        if (fromSlabinfo != null) {
            return EntrySize.of(fromSlabinfo, "slabinfo", extensions);
        }
        String slabSize = files.read("/sys/kernel/slab/nf_conntrack/slab_size");
        if (slabSize != null) {
            return EntrySize.of(within("slab_size", ProcFormats.integer("slab_size", slabSize), 1, MAX_ENTRY_BYTES), "/sys/kernel/slab", extensions);
        }
        return EntrySize.of(null, null, extensions);
    }

    /** Events count only when forced on (1); the default 2 allocates the area only for listeners. */
    private static boolean flag(NodeFiles files, String name) {
        String v = files.read(sysctl(name));
        return v != null && v.trim().equals("1");
    }

    /** No kernel reports these: 1 PiB of RAM, a 64 KiB conntrack entry. */
    private static final long MAX_RAM = 1L << 50;
    private static final long MAX_ENTRY_BYTES = 65536;

    /**
     * A value as a kernel can report it, or DATA_ERROR: a negative count, a zero MemTotal or a max that
     * would overflow the memory model are not figures to judge (from a copied tree, or a remote host).
     */
    private static long within(String source, long value, long min, long max) {
        if (value < min || value > max) {
            throw new CtguardException(ExitCode.DATA_ERROR, "%s holds %d, outside what a kernel reports (%d..%d)".formatted(source, value, min, max));
        }
        return value;
    }

    private static long integer(NodeFiles files, String path) {
        String content = files.read(path);
        if (content == null) {
            throw new CtguardException(ExitCode.UNAVAILABLE, path + " is not readable");
        }
        return ProcFormats.integer(path, content);
    }

    private static String bootId(NodeFiles files) {
        String id = files.read(BOOT_ID);
        return id == null || !id.trim().matches("[0-9a-f-]{36}") ? null : id.trim();
    }

    private static String text(NodeFiles files, String path, String fallback) {
        String v = files.read(path);
        return v == null ? fallback : Printable.of(v.trim());
    }
}
