package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.NetnsUsage;
import ctguard.core.ProcFormats;
import ctguard.core.top.ByteSink;
import ctguard.core.top.ConntrackTables;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The entry lists of this node's namespaces (docs/architecture.md, "ctguard top"): /proc/net/nf_conntrack
 * where the kernel has it (CONFIG_NF_CONNTRACK_PROCFS), else {@code conntrack -L -o extended}; another
 * namespace through a process living in it (/proc/PID/net/nf_conntrack), or through {@code ip netns exec}
 * for a named one that has none.
 */
public final class ProcConntrackTables implements ConntrackTables {
    /** What ip-netns(8) accepts as a name, and nothing that could walk out of /run/netns. */
    private static final Pattern NETNS_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
    static final int BUFFER = 1 << 16;

    private final Path root;

    public ProcConntrackTables(Path root) {
        this.root = root;
    }

    @Override
    public List<Table> select(Selection selection) {
        if (selection instanceof Named named) {
            return List.of(named(named.name()));
        }
        return selection instanceof All ? all() : List.of(own());
    }

    private Table own() {
        Path proc = root.resolve("proc/net/nf_conntrack");
        Long inode = ownInode();
        // the namespace by its identity, as the other namespaces' labels and check's netns field give it
        String label = inode == null ? "this namespace" : "net:[" + inode + "]";
        if (Files.exists(proc)) {
            return file(label, proc);
        }
        if (!root.equals(root.getRoot())) {
            throw new CtguardException(ExitCode.UNAVAILABLE, root.resolve("proc/net/nf_conntrack") + " is absent and conntrack -L reads this node, "
                    + "not the tree under --root: give a saved entry list with --input");
        }
        return command(label, "conntrack", "-L", "-o", "extended");
    }

    private List<Table> all() {
        List<Table> tables = new ArrayList<>();
        tables.add(own());
        Long ownInode = ownInode();
        NodeFiles.OtherNamespaces others = new NetnsScanner(root).scan(ownInode);
        for (NetnsUsage ns : others.found()) {
            tables.add(of(ns));
        }
        return tables;
    }

    private Table named(String name) {
        if (!NETNS_NAME.matcher(name).matches()) {
            throw CtguardException.usage("'" + ctguard.core.Printable.of(name) + "' is not a network namespace name (letters, digits, '.', '_', '-')");
        }
        if (!Files.exists(root.resolve("run/netns").resolve(name))) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "no network namespace named '" + name + "' (/run/netns/" + name
                    + " is absent; 'ip netns list' names them, or use all)");
        }
        for (NetnsUsage ns : new NetnsScanner(root).scan(ownInode()).found()) {
            if (name.equals(ns.name())) {
                return of(ns);
            }
        }
        // no entries counted there (or its count unreadable): read it anyway, so that top says what it holds
        return viaIp(name, name);
    }

    private Table of(NetnsUsage ns) {
        if (ns.pid() != null) {
            Path proc = root.resolve("proc/" + ns.pid() + "/net/nf_conntrack");
            if (Files.exists(proc)) {
                return file(ns.label(), proc);
            }
        }
        if (ns.name() != null) {
            return viaIp(ns.label(), ns.name());
        }
        throw new CtguardException(ExitCode.UNAVAILABLE, "cannot read the entry list of " + ns.label() + ": its process has no /proc/"
                + ns.pid() + "/net/nf_conntrack and the namespace has no name for 'ip netns exec'");
    }

    private Table viaIp(String label, String name) {
        if (!root.equals(root.getRoot())) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "namespace " + name + " has no process under --root " + root + " to read its entries through");
        }
        String list = Files.exists(Path.of("/proc/net/nf_conntrack")) ? "cat /proc/net/nf_conntrack" : "conntrack -L -o extended";
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", name));
        argv.addAll(List.of(list.split(" ")));
        return command(label, argv.toArray(String[]::new));
    }

    private Long ownInode() {
        try {
            return ProcFormats.netnsInode(Files.readSymbolicLink(root.resolve("proc/self/ns/net")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** A table as its label and the way to stream it. */
    record Streamed(String label, java.util.function.Consumer<ByteSink> reader) implements Table {
        @Override
        public void read(ByteSink sink) {
            reader.accept(sink);
        }
    }

    static Table file(String label, Path path) {
        return new Streamed(label, sink -> {
            try (InputStream in = Files.newInputStream(path)) {
                pump(in, sink);
            } catch (NoSuchFileException e) {
                throw new CtguardException(ExitCode.UNAVAILABLE, path + " is gone (its namespace ended while top read it)");
            } catch (IOException e) {
                throw new CtguardException(Errors.isPermission(e) ? ExitCode.NO_PERMISSION : ExitCode.UNAVAILABLE, "cannot read " + path + ": " + Errors.describe(e));
            }
        });
    }

    static void pump(InputStream in, ByteSink sink) throws IOException {
        byte[] buf = new byte[BUFFER];
        for (int n; (n = in.read(buf)) > 0; ) {
            sink.accept(buf, 0, n);
        }
    }

    /** A command's stdout streamed into the sink; its stderr kept (bounded) for the error it may explain. */
    static Table command(String label, String... argv) {
        return new Streamed(label, sink -> {
            Process process;
            try {
                process = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                throw new CtguardException(ExitCode.UNAVAILABLE, argv[0] + " is not available (" + Errors.describe(e) + "): "
                        + (argv[0].equals("conntrack") ? "install conntrack-tools, or give a saved list with --input" : "install iproute2"));
            }
            try {
                java.util.concurrent.CompletableFuture<byte[]> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return process.getErrorStream().readNBytes(4096);
                    } catch (IOException e) {
                        return new byte[0];
                    } finally {
                        try {
                            process.getErrorStream().transferTo(java.io.OutputStream.nullOutputStream());
                        } catch (IOException ignored) {
                            // its end is all that matters
                        }
                    }
        });
                    pump(process.getInputStream(), sink);
                    int rc = process.waitFor();
                    if (rc != 0) {
                        String first = new String(err.join(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
                        throw new CtguardException(ExitCode.UNAVAILABLE, "%s exited with %d: %s".formatted(String.join(" ", argv), rc,
                                ctguard.core.Printable.of(first)));
                    }
                } catch (IOException e) {
                    throw new CtguardException(ExitCode.UNAVAILABLE, "reading " + String.join(" ", argv) + ": " + Errors.describe(e));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new CtguardException(ExitCode.TEMP_FAIL, "interrupted");
                } finally {
                    process.destroy();
                }
        });
    }
}
