package ctguard.io;

import ctguard.core.NetnsDirectory;
import ctguard.core.NetnsUsage;
import ctguard.core.ProcFormats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Finds the other network namespaces whose conntrack tables hold entries: those of running processes
 * (/proc/PID/ns/net) and the named ones (/run/netns). A namespace with a process is read through
 * /proc/PID/net/stat/nf_conntrack, whose "entries" column is that namespace's count, without entering it;
 * named namespaces without any process are read in one `ip -all netns exec`.
 */
final class NetnsScanner {
    private static final long TIMEOUT_SECONDS = 20;
    private final Path root;

    NetnsScanner(Path root) {
        this.root = root;
    }

    NodeFiles.OtherNamespaces scan(Long ownInode) {
        Map<Long, Integer> pidByInode = new LinkedHashMap<>();
        java.util.concurrent.atomic.AtomicInteger unreadable = new java.util.concurrent.atomic.AtomicInteger();
        List<String> refused = new ArrayList<>();
        try (Stream<Path> procs = Files.list(root.resolve("proc"))) {
            procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                Long inode;
                try {
                    inode = ProcFormats.netnsInode(Files.readSymbolicLink(p.resolve("ns/net")).toString());
                } catch (java.nio.file.AccessDeniedException e) {
                    if (unreadable.incrementAndGet() <= 3) {
                        refused.add(p.getFileName().toString());
                    }
                    inode = null;
                } catch (IOException | UnsupportedOperationException e) {
                    // gone since the listing, or a zombie (no namespace links): nothing to count
                    inode = null;
                }
                if (inode != null && !inode.equals(ownInode)) {
                    pidByInode.putIfAbsent(inode, Integer.parseInt(p.getFileName().toString()));
                }
            });
        } catch (IOException e) {
            return new NodeFiles.OtherNamespaces(List.of(), "cannot list /proc: " + Errors.describe(e), NetnsDirectory.UNKNOWN);
        }
        Map<Long, String> nameByInode = named();
        List<NetnsUsage> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Long, Integer> e : pidByInode.entrySet()) {
            String stat = statText(root.resolve("proc/" + e.getValue() + "/net/stat/nf_conntrack"));
            Long count = stat == null ? null : entries(stat);
            if (count == null) {
                problems.add("pid " + e.getValue());
            } else if (count > 0) {
                found.add(new NetnsUsage("net:[" + e.getKey() + "]", nameByInode.get(e.getKey()), e.getValue(), count, drops(stat)));
            }
        }
        Map<String, Long> pidless = new LinkedHashMap<>();
        nameByInode.forEach((inode, name) -> {
            if (!pidByInode.containsKey(inode) && !inode.equals(ownInode)) {
                pidless.put(name, inode);
            }
        });
        if (!pidless.isEmpty()) {
            Map<String, Long> counts = countsOfNamed();
            pidless.forEach((name, inode) -> {
                Long count = counts.get(name);
                if (count == null) {
                    problems.add(name);
                } else if (count > 0) {
                    // entered through iproute2 for the count only: its counters are not read
                    found.add(new NetnsUsage("net:[" + inode + "]", name, null, count, null));
                }
            });
        }
        found.sort(Comparator.comparingLong(NetnsUsage::count).reversed());
        List<String> notes = new ArrayList<>();
        if (unreadable.get() > 0) {
            // a monitoring user may not see other users' processes' namespaces (ptrace access mode)
            long uid = Processes.uid();
            notes.add("the network namespace of %d process%s (pid %s) could not be read (%s)".formatted(unreadable.get(),
                    unreadable.get() == 1 ? "" : "es", String.join(", ", refused),
                    uid == 0 ? "refused even to root: a process the kernel keeps from ptrace, such as a sandbox's init"
                            : "needs root, as uid " + uid));
        }
        if (!problems.isEmpty()) {
            notes.add("could not read the conntrack count of " + problems.size() + " namespace(s): " + String.join(", ", problems.subList(0, Math.min(5, problems.size())))
                    + (pidless.isEmpty() ? " (is /proc/net/stat/nf_conntrack present?)" : " (needs root and 'ip' from iproute2)"));
        }
        String note = notes.isEmpty() ? null : String.join("; ", notes);
        Set<Long> live = new HashSet<>(pidByInode.keySet());
        live.addAll(nameByInode.keySet());
        // only root on the real /proc sees every process's namespace
        boolean complete = root.equals(root.getRoot()) && Processes.uid() == 0 && unreadable.get() == 0;
        return new NodeFiles.OtherNamespaces(List.copyOf(found), note, new NetnsDirectory(live, nameByInode, complete));
    }

    private Map<Long, String> named() {
        Map<Long, String> names = new HashMap<>();
        Path dir = root.resolve("run/netns");
        if (!Files.isDirectory(dir)) {
            return names;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> {
                try {
                    Object ino = Files.getAttribute(p, "unix:ino");
                    names.put(((Number) ino).longValue(), ctguard.core.Printable.of(p.getFileName().toString()));
                } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
                    // not a namespace mount (a stale file): nothing to count
                }
            });
        } catch (IOException e) {
            return names;
        }
        return names;
    }

    /** Counts of every named namespace, entering each one through iproute2. */
    private Map<String, Long> countsOfNamed() {
        Map<String, Long> counts = new HashMap<>();
        if (!root.equals(root.getRoot())) {
            return counts;
        }
        try {
            Process p = new ProcessBuilder("ip", "-all", "netns", "exec", "cat", "/proc/sys/net/netfilter/nf_conntrack_count")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return counts;
            }
            String current = null;
            for (String line : out.split("\n")) {
                if (line.startsWith("netns: ")) {
                    current = line.substring("netns: ".length()).trim();
                } else if (current != null && !line.isBlank()) {
                    counts.put(current, ProcFormats.integer("nf_conntrack_count in " + current, line));
                    current = null;
                }
            }
        } catch (IOException | RuntimeException e) {
            return counts;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return counts;
    }


    /** That namespace's stat file, or null when it cannot be read (the process is gone, or it is refused). */
    private static String statText(Path stat) {
        try {
            return ProcText.read(stat);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Its count, or null when the file has no entries column. */
    private static Long entries(String stat) {
        try {
            return ProcFormats.statEntries(stat);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Its drop counter summed over the CPUs, or null when the file has none (the count is still good). */
    private static Long drops(String stat) {
        try {
            return ProcFormats.stats(stat).drop();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
