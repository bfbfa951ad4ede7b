package ctguard.io.fleet.ssh;

import ctguard.core.NodeState;
import ctguard.io.NodeFiles;
import ctguard.io.ProcfsKernel;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a node's conntrack files in one remote shell run and judges them with the local code: the
 * {@link #SCRIPT} prints every file {@link ProcfsKernel} reads, with its mode and whether the remote user
 * may write it; {@link Parser} checks and collects that output as it arrives; {@link #toNodeState} hands those files to
 * {@link ProcfsKernel#read(NodeFiles)}, which judges them exactly as a local run judges /.
 *
 * <p>The script is POSIX sh (dash, bash, busybox ash) and forks about a dozen processes whatever the number
 * of files and namespaces (id, readlink, stat, grep twice; ls and awk for the namespaces, stat for their
 * names; dmesg or journalctl and awk for the log): a fork per file costs ~1.5 ms, a per-file {@code cat}
 * loop over the ~50 files about 140 ms of the node's CPU, this about 15 ms. Of /proc/slabinfo (~30 KB, three quarters of
 * the output otherwise) it sends only the header and the nf_conntrack line, all that is used of it: every
 * byte is encrypted there and decrypted here. Output, one item per line:
 * <pre>
 * ==ctguard:begin 1
 * ==ctguard:uid 0
 * ==ctguard:netns net:[4026531833]                     readlink of /proc/self/ns/net
 * ==ctguard:file R W proc/sys/net/netfilter/nf_conntrack_max    each regular file; R, W: test -r, -w
 * ==ctguard:mode 644 proc/sys/net/netfilter/nf_conntrack_max    stat -L -c %a (or ==ctguard:ls and ls -ldL lines); not slabinfo's
 * ==ctguard:data
 * proc/sys/net/netfilter/nf_conntrack_max:262144                grep '' of every readable file
 * ==ctguard:namespaces
 * ==ctguard:ns net:[4026532177] 4242 000003e8                   each distinct namespace of a process: a pid, its entries cell
 * ==ctguard:name 4026532177 run/netns/qrouter-1                 each named namespace's inode
 * ==ctguard:log dmesg                                           journal or dmesg, chosen as a local check chooses
 * ==ctguard:logline 2026-11-26T09:55:00,000000+00:00 ... table full ...   the last 1000 table-full lines in the window
 * ==ctguard:end
 * </pre>
 * Paths are relative to / (the script runs in {@code cd $R}, R=/), and any path that is not one of
 * the expected files is rejected. Lines before
 * {@code begin} (a noisy ~/.bashrc) are ignored; a missing {@code end} means truncated output.
 */
public final class RemoteRead {
    public static final String MARK = "==ctguard:";
    /** The line of {@link #SCRIPT} that sets the directory read as /; tests rewrite it to a fixture tree. */
    public static final String ROOT_LINE = "R=/";
    /** The line of {@link #SCRIPT} that sets the kernel log window in seconds; {@link #script} rewrites it. */
    static final String SINCE_LINE = "S=3600";
    private static final int MAX_LOG_LINES = 1000;

    /** The remote script, fed to {@code sh -s} on its standard input. */
    public static final String SCRIPT = """
            LC_ALL=C
            export LC_ALL
            R=/
            S=3600
            cd "$R" || exit 97
            M='==ctguard:'
            printf '%sbegin 1\\n' "$M"
            printf '%suid ' "$M"; id -u 2>/dev/null || echo
            printf '%snetns ' "$M"; readlink proc/self/ns/net 2>/dev/null || echo
            set -- proc/sys/net/netfilter/nf_conntrack_* sys/module/nf_conntrack/parameters/hashsize \\
              proc/net/stat/nf_conntrack proc/meminfo proc/slabinfo sys/kernel/slab/nf_conntrack/slab_size \\
              proc/sys/kernel/osrelease proc/sys/kernel/hostname proc/sys/kernel/dmesg_restrict proc/sys/kernel/random/boot_id
            s=
            for f; do
              shift
              [ -f "$f" ] || continue
              r=0; w=0
              [ -w "$f" ] && w=1
              if [ -r "$f" ]; then
                r=1
                if [ "$f" = proc/slabinfo ]; then s=$f; else set -- "$@" "$f"; fi
              fi
              printf '%sfile %s %s %s\\n' "$M" "$r" "$w" "$f"
            done
            if [ $# -gt 0 ]; then
              stat -L -c "${M}mode %a %n" "$@" 2>/dev/null || { printf '%sls\\n' "$M"; ls -ldL "$@" 2>/dev/null; }
              printf '%sdata\\n' "$M"
              grep '' /dev/null "$@"
              [ -z "$s" ] || grep -e '^slabinfo' -e '^# name' -e '^nf_conntrack ' /dev/null "$s"
            fi
            printf '%snamespaces\\n' "$M"
            ls -l proc/[0-9]*/ns/net 2>/dev/null | awk '!seen[$NF]++ { print $NF, $(NF-2) }' | while read -r l p; do
              pid=${p#proc/}; pid=${pid%%/*}; e=
              { read -r _; read -r e _; } 2>/dev/null < "proc/$pid/net/stat/nf_conntrack"
              printf '%sns %s %s %s\\n' "$M" "$l" "$pid" "$e"
            done
            set -- run/netns/*
            [ -e "$1" ] && stat -L -c "${M}name %i %n" "$@" 2>/dev/null
            g=dmesg
            # as a local check chooses: the journal when journald keeps one (a non-empty journal directory), else dmesg
            set -- var/log/journal/* run/log/journal/*
            for j; do [ -e "$j" ] && command -v journalctl >/dev/null 2>&1 && g=journal && break; done
            printf '%slog %s\\n' "$M" "$g"
            if [ "$g" = journal ]; then
              { journalctl -q -k -o short-iso-precise --no-pager --since "@$(( $(date +%s) - S ))" 2>/dev/null || echo "${M}log-failed"; }
            else
              { dmesg --time-format iso 2>/dev/null || echo "${M}log-failed"; }
            fi | awk -v m="$M" '/table full/ || index($0, m "log-failed") == 1 { b[n++ % 1000] = $0 }
              END { for (i = (n > 1000 ? n - 1000 : 0); i < n; i++) print m "logline " b[i % 1000] }'
            printf '%send\\n' "$M"
            """;

    private static final Pattern SYSCTL_FILE = Pattern.compile("proc/sys/net/netfilter/nf_conntrack_[A-Za-z0-9_]{1,64}");
    private static final Set<String> FIXED_FILES = Set.of(
            "sys/module/nf_conntrack/parameters/hashsize", "proc/net/stat/nf_conntrack", "proc/meminfo", "proc/slabinfo",
            "sys/kernel/slab/nf_conntrack/slab_size", "proc/sys/kernel/osrelease", "proc/sys/kernel/hostname",
            "proc/sys/kernel/dmesg_restrict", "proc/sys/kernel/random/boot_id");
    private static final String NETNS_LINK = "proc/self/ns/net";

    /** One remote file: whether the remote user may read and write it, its mode, its content (null: not read). */
    public record RemoteFile(String path, boolean readable, boolean writable, Integer mode, String content) {
    }

    /** The node's other network namespaces: each one's count (null: unreadable) and a process in it, and the named ones. */
    private record Namespaces(Map<Long, Long> counts, Map<Long, Integer> pids, Map<Long, String> names) {
    }

    /** The kernel log's table-full lines within the window, as the node's journal or dmesg gave them. */
    private record KernelLogLines(String source, boolean readable, List<String> lines) {
    }

    private final String host;
    private final Integer uid;
    private final String netnsLink;
    private final Map<String, RemoteFile> files;
    private final Namespaces namespaces;
    private final KernelLogLines log;

    private RemoteRead(String host, Integer uid, String netnsLink, Map<String, RemoteFile> files, Namespaces namespaces, KernelLogLines log) {
        this.host = host;
        this.uid = uid;
        this.netnsLink = netnsLink;
        this.files = files;
        this.namespaces = namespaces;
        this.log = log;
    }

    /** The script with the kernel log searched over this window. */
    public static String script(java.time.Duration since) {
        return SCRIPT.replaceFirst("(?m)^" + SINCE_LINE + "$", "S=" + Math.max(1, since.toSeconds()));
    }

    /** The script with a ctguard agent preamble: when PATH is a file and java is on PATH, run the agent instead. */
    public static String scriptWithAgent(String remoteAgentPath, java.time.Duration since) {
        String q = shellQuote(remoteAgentPath);
        return "if [ -f " + q + " ] && command -v java >/dev/null 2>&1; then\n"
                + "  printf '%sagent\\n' '" + MARK + "'\n"
                + "  exec java -jar " + q + " check --json --since " + Math.max(1, since.toSeconds()) + "s\n"
                + "fi\n" + script(since);
    }

    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * The script's output, parsed line by line as it arrives: what a host sends is never held whole, only what
     * is kept of it (file contents, namespace counts, at most {@value #MAX_LOG_LINES} log lines), and the first
     * bad line stops the read. Lines before the first marker (a login banner) are skipped, the first of them
     * kept for the error; with {@code agentAsked}, a first marker {@code agent} makes the rest the remote
     * agent's JSON answer. Not thread-safe: one parser per host.
     */
    public static final class Parser {
        private static final int MAX_PREAMBLE = 1024;
        private final String host;
        private final boolean agentAsked;
        private final StringBuilder preamble = new StringBuilder();
        private StringBuilder agentJson;
        private boolean begun;
        private boolean ended;
        private String firstMark;
        private Integer uid;
        private String netns;
        private final Map<String, Boolean> readable = new LinkedHashMap<>();
        private final Map<String, Boolean> writable = new LinkedHashMap<>();
        private final Map<String, Integer> modes = new LinkedHashMap<>();
        private final Map<String, Integer> lsModes = new LinkedHashMap<>();
        private final Map<String, StringBuilder> contents = new LinkedHashMap<>();
        private String section = "head";
        private final Map<Long, Long> nsCounts = new LinkedHashMap<>();
        private final Map<Long, Integer> nsPids = new LinkedHashMap<>();
        private final Map<Long, String> nsNames = new LinkedHashMap<>();
        private String logSource;
        private boolean logReadable = true;
        private final List<String> logLines = new java.util.ArrayList<>();

        public Parser(String host, boolean agentAsked) {
            this.host = host;
            this.agentAsked = agentAsked;
        }

        /** The remote agent's answer, when the script ran it (only looked for when asked), else null. */
        public String agentJson() {
            return agentJson == null ? null : agentJson.toString();
        }

        /** One line of output, without its newline. Throws {@link SshException} (bad output) at the first wrong line. */
        public void line(String line) {
            if (agentJson != null) {
                agentJson.append(line).append('\n');
                return;
            }
            if (ended) {
                return;
            }
            if (!begun) {
                start(line);
                return;
            }
            if (line.startsWith(MARK)) {
                item(line);
            } else if (section.equals("ls")) {
                parseLs(line, lsModes);
            } else if (section.equals("data")) {
                int colon = line.indexOf(':');
                String path = colon < 0 ? null : line.substring(0, colon);
                if (path == null || !Boolean.TRUE.equals(readable.get(path))) {
                    throw bad(host, "unexpected data line '" + abbreviate(line) + "'");
                }
                contents.computeIfAbsent(path, p -> new StringBuilder()).append(line, colon + 1, line.length()).append('\n');
            } else if (!line.isEmpty()) {
                throw bad(host, "unexpected line '" + abbreviate(line) + "'");
            }
        }

        private void start(String line) {
            if (!line.startsWith(MARK)) {
                if (preamble.length() < MAX_PREAMBLE) {
                    preamble.append(abbreviate(line)).append('\n');
                }
                return;
            }
            if (firstMark != null) {
                return;
            }
            firstMark = line;
            if (agentAsked && line.equals(MARK + "agent")) {
                agentJson = new StringBuilder();
            } else if (line.startsWith(MARK + "begin ")) {
                begun = true;
            }
        }

        private void item(String line) {
            String item = line.substring(MARK.length());
            String word = item.split(" ", 2)[0];
            String rest = item.length() > word.length() ? item.substring(word.length() + 1) : "";
            switch (word) {
                case "uid" -> uid = rest.isBlank() ? null : parseUid(host, rest.trim());
                // only the link text is used (never followed); keep it to a name like net:[4026531833]
                case "netns" -> netns = rest.isBlank() || rest.contains("/") || rest.length() > 64 ? null : rest.trim();
                case "file" -> {
                    String[] f = rest.split(" ", 3);
                    if (f.length != 3) {
                        throw bad(host, "malformed file line '" + abbreviate(line) + "'");
                    }
                    String path = checkPath(host, f[2]);
                    readable.put(path, f[0].equals("1"));
                    writable.put(path, f[1].equals("1"));
                }
                case "mode" -> {
                    String[] f = rest.split(" ", 2);
                    if (f.length == 2 && f[0].matches("[0-7]{1,4}")) {
                        modes.put(checkPath(host, f[1]), Integer.parseInt(f[0], 8));
                    }
                }
                case "ls" -> section = "ls";
                case "data" -> section = "data";
                case "namespaces" -> section = "namespaces";
                case "ns" -> namespaceLine(rest, nsCounts, nsPids);
                case "name" -> {
                    String[] f = rest.split(" ", 2);
                    String name = f.length == 2 && f[1].startsWith("run/netns/") ? f[1].substring("run/netns/".length()) : "";
                    if (f[0].matches("\\d{1,18}") && !name.isEmpty() && name.length() <= 255 && !name.contains("/")) {
                        nsNames.put(Long.parseLong(f[0]), ctguard.core.Printable.of(name));
                    }
                }
                case "log" -> logSource = rest.equals("journal") || rest.equals("dmesg") ? rest : "unknown";
                case "logline" -> {
                    if (rest.equals(MARK + "log-failed")) {
                        logReadable = false;
                    } else if (logLines.size() < MAX_LOG_LINES) {
                        logLines.add(rest);
                    }
                }
                case "end" -> ended = true;
                default -> throw bad(host, "unknown item '" + abbreviate(line) + "'");
            }
        }

        /**
         * The node's files once the output has ended. {@code stderr} supplies grep's complaints about files that
         * passed test -r but could not be read; exitStatus and stderr also explain output without the markers.
         */
        public RemoteRead finish(String stderr, int exitStatus) {
            if (!begun) {
                throw new SshException(SshException.Kind.COMMAND_FAILED, host, "no ctguard output from %s (remote exit status %d)%s"
                        .formatted(host, exitStatus, excerpt(stderr, preamble.toString())));
            }
            if (!ended) {
                throw bad(host, "the output is truncated (no end marker; remote exit status %d)%s".formatted(exitStatus, excerpt(stderr, "")));
            }
            Set<String> grepFailed = grepFailures(stderr);
            Map<String, RemoteFile> files = new LinkedHashMap<>();
            for (Map.Entry<String, Boolean> e : readable.entrySet()) {
                String path = e.getKey();
                boolean read = e.getValue() && !grepFailed.contains(path);
                Integer mode = modes.containsKey(path) ? modes.get(path) : lsModes.get(path);
                String content = read ? contents.getOrDefault(path, new StringBuilder()).toString() : null;
                files.put(path, new RemoteFile(path, read, writable.get(path), mode, content));
            }
            // a count is null where it could not be read (otherNamespaces says so): no Map.copyOf, which refuses nulls
            Namespaces others = new Namespaces(Collections.unmodifiableMap(nsCounts), Map.copyOf(nsPids), Map.copyOf(nsNames));
            KernelLogLines kernelLog = new KernelLogLines(logSource, logSource != null && logReadable, List.copyOf(logLines));
            return new RemoteRead(host, uid, netns, Collections.unmodifiableMap(files), others, kernelLog);
        }
    }

    /** "net:[4026532177] 4242 000003e8": a namespace, a process in it, its stat file's entries cell (or nothing). */
    private static void namespaceLine(String rest, Map<Long, Long> counts, Map<Long, Integer> pids) {
        String[] f = rest.trim().split(" ");
        Long inode = f.length >= 2 ? ctguard.core.ProcFormats.netnsInode(f[0]) : null;
        if (inode == null || !f[1].matches("\\d{1,9}")) {
            // a process whose namespace link cannot be read (ls shows no target): nothing to count
            return;
        }
        pids.putIfAbsent(inode, Integer.parseInt(f[1]));
        Long count = null;
        if (f.length >= 3 && f[2].matches("[0-9a-fA-F]{1,8}")) {
            count = Long.parseLong(f[2], 16);
        }
        counts.putIfAbsent(inode, count);
    }

    /** The kernel log over the window, as a local check searches it: table-full lines counted by time and namespace. */
    public ctguard.core.LogScan kernelLog(java.time.Instant now, java.time.Duration since) {
        if (log.source() == null) {
            return ctguard.core.LogScan.unreadable("remote", since.toSeconds(), "the node's script reported no kernel log");
        }
        if (!log.readable()) {
            return ctguard.core.LogScan.unreadable(log.source(), since.toSeconds(), "%s could not be read by the SSH user on %s (kernel.dmesg_restrict, or no journal access)"
                    .formatted(log.source(), host));
        }
        return ctguard.core.LogScanner.scan(String.join("\n", log.lines()), log.source(), now, since);
    }

    public Integer uid() {
        return uid;
    }

    public String netnsLink() {
        return netnsLink;
    }

    /** Every regular file found, by path relative to / (e.g. proc/meminfo). */
    public Map<String, RemoteFile> files() {
        return files;
    }

    /** The node's state, judged from these files by {@link ProcfsKernel#read(NodeFiles)} exactly as a local run judges /. */
    public NodeState toNodeState() {
        return ProcfsKernel.read(new ReadFiles());
    }

    /**
     * The files the script could read, as {@link NodeFiles}: writability is what the remote {@code test -w}
     * said for the remote user (who may not be root, on a /proc/sys that may be mounted read-only); the
     * other network namespaces are those the script listed.
     */
    private final class ReadFiles implements NodeFiles {
        private RemoteFile file(String path) {
            RemoteFile f = files.get(path.substring(1));
            return f != null && f.readable() ? f : null;
        }

        @Override
        public boolean exists(String path) {
            return file(path) != null;
        }

        @Override
        public String read(String path) {
            RemoteFile f = file(path);
            return f == null ? null : f.content();
        }

        @Override
        public List<String> list(String dir) {
            String prefix = dir.substring(1) + "/";
            return files.values().stream().filter(RemoteFile::readable).map(RemoteFile::path)
                    .filter(p -> p.startsWith(prefix) && p.indexOf('/', prefix.length()) < 0)
                    .map(p -> p.substring(prefix.length())).toList();
        }

        @Override
        public Integer mode(String path) {
            RemoteFile f = file(path);
            if (f == null) {
                return null;
            }
            // neither stat nor ls on the node: the mode follows what test -w said
            return f.mode() != null ? f.mode() : f.writable() ? 0644 : 0444;
        }

        @Override
        public boolean writable(String path) {
            RemoteFile f = file(path);
            return f != null && f.writable();
        }

        @Override
        public long uid() {
            return uid == null ? -1 : uid;
        }

        @Override
        public String link(String path) {
            return path.equals("/" + NETNS_LINK) ? netnsLink : null;
        }

        /** The namespaces the script listed: counted as a local read counts them, never claimed complete. */
        @Override
        public OtherNamespaces otherNamespaces(Long ownNetnsInode) {
            List<ctguard.core.NetnsUsage> found = new java.util.ArrayList<>();
            List<String> unreadable = new java.util.ArrayList<>();
            namespaces.counts().forEach((inode, count) -> {
                if (inode.equals(ownNetnsInode)) {
                    return;
                }
                if (count == null) {
                    unreadable.add("pid " + namespaces.pids().get(inode));
                } else if (count > 0) {
                    // the script brings back each namespace's count only: fleet judges fill, and drops are the node's own
                    found.add(new ctguard.core.NetnsUsage("net:[" + inode + "]", namespaces.names().get(inode), namespaces.pids().get(inode), count, null));
                }
            });
            found.sort(java.util.Comparator.comparingLong(ctguard.core.NetnsUsage::count).reversed());
            java.util.Set<Long> live = new java.util.HashSet<>(namespaces.counts().keySet());
            live.addAll(namespaces.names().keySet());
            if (ownNetnsInode != null) {
                live.remove(ownNetnsInode);
            }
            String note = unreadable.isEmpty() ? null : "could not read the conntrack count of %d namespace(s) on the node: %s".formatted(unreadable.size(),
                    String.join(", ", unreadable.subList(0, Math.min(5, unreadable.size()))));
            return new OtherNamespaces(List.copyOf(found), note, new ctguard.core.NetnsDirectory(live, namespaces.names(), false));
        }

        @Override
        public String where() {
            return "";
        }
    }

    private static String checkPath(String host, String path) {
        if (!SYSCTL_FILE.matcher(path).matches() && !FIXED_FILES.contains(path)) {
            throw bad(host, "unexpected path '" + abbreviate(path) + "'");
        }
        return path;
    }

    private static Integer parseUid(String host, String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw bad(host, "uid '" + abbreviate(s) + "' is not a number");
        }
    }

    /** One line of ls -ldL: "-rw-r--r-- 1 root root 0 Nov 26 09:43 proc/..." (path last; ours have no spaces). */
    private static void parseLs(String line, Map<String, Integer> modes) {
        String[] cells = line.trim().split("\\s+");
        if (cells.length < 2 || cells[0].length() < 10) {
            return;
        }
        String perms = cells[0].substring(1, 10);
        int mode = 0;
        for (int i = 0; i < 9; i++) {
            char c = perms.charAt(i);
            boolean set = c != '-' && c != 'S' && c != 'T';
            if (set) {
                mode |= 1 << (8 - i);
            }
        }
        modes.put(cells[cells.length - 1], mode);
    }

    /** Files that passed test -r but grep could not read: "grep: PATH: reason" on stderr. */
    private static Set<String> grepFailures(String stderr) {
        Set<String> failed = new java.util.HashSet<>();
        if (stderr == null) {
            return failed;
        }
        for (String line : stderr.split("\n")) {
            if (line.startsWith("grep: ")) {
                String rest = line.substring("grep: ".length());
                int colon = rest.indexOf(':');
                if (colon > 0) {
                    failed.add(rest.substring(0, colon));
                }
            }
        }
        return failed;
    }

    private static SshException bad(String host, String what) {
        return new SshException(SshException.Kind.BAD_OUTPUT, host, "unexpected output from %s: %s".formatted(host, what));
    }

    static String excerpt(String stderr, String stdout) {
        for (String text : List.of(stderr == null ? "" : stderr, stdout == null ? "" : stdout)) {
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    return ": " + abbreviate(line.trim());
                }
            }
        }
        return "";
    }

    static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
