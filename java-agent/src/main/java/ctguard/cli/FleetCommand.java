package ctguard.cli;

import ctguard.core.Check;
import ctguard.core.CheckPolicy;
import ctguard.core.CounterHistory;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.Kernel;
import ctguard.core.KernelLog;
import ctguard.core.MemoryBudget;
import ctguard.core.NodeState;
import ctguard.core.Result;
import ctguard.core.Waiter;
import ctguard.core.fleet.HostFailure;
import ctguard.core.fleet.HostPattern;
import ctguard.core.fleet.Inventory;
import ctguard.core.fleet.InventoryHost;
import ctguard.io.fleet.InventoryLoader;
import ctguard.io.fleet.ssh.AgentAnswer;
import ctguard.io.fleet.ssh.SshException;
import ctguard.io.fleet.ssh.SshNodeReader;
import ctguard.io.fleet.ssh.SshOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

@Command(name = "fleet", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Read-only pre-flight of a whole inventory over SSH: reads every node's conntrack files in one SSH exec (no agent needed on the nodes), judges them with the same rules as check, and prints the worst node first. Unreachable nodes are listed with the reason and count as UNKNOWN. Each host is reached as Ansible would: ansible_host, ansible_port, ansible_user and ansible_ssh_private_key_file first, then ~/.ssh/config (HostName, Port, User, IdentityFile), keys from ssh-agent; public-key authentication only. Exit code: the worst verdict (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).")
final class FleetCommand implements java.util.concurrent.Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Output output;

    @Option(names = {"-i", "--inventory"}, paramLabel = "PATH", required = true,
            description = "Ansible inventory: read with ansible-inventory --list when it is on PATH, else a YAML inventory with group_vars/ and host_vars/.")
    String inventory;

    @Option(names = "--limit", paramLabel = "PATTERN",
            description = "Hosts and groups as Ansible's --limit: names, globs, ~regex, a:b union, a:!b exclusion, a:&b intersection.")
    String limit;

    @Option(names = "--known-hosts", paramLabel = "FILE", description = "Verify host keys against FILE. Default: ~/.ssh/known_hosts.")
    String knownHosts;

    @Option(names = "--accept-new-host-keys", description = "Record the keys of hosts not yet in known_hosts (like OpenSSH's accept-new); a changed key is always refused.")
    boolean acceptNewHostKeys;

    @Option(names = "--forks", paramLabel = "N", defaultValue = "20", converter = Converters.Forks.class, description = "Hosts read at once (1..500). Default: ${DEFAULT-VALUE}.")
    long forks;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Converters.PositiveDuration.class,
            description = "Per host: time allowed to connect, exchange keys and authenticate. Default: ${DEFAULT-VALUE}.")
    Duration connectTimeout;

    @Option(names = "--command-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Converters.PositiveDuration.class,
            description = "Per host: from starting the remote read until it has exited. Default: ${DEFAULT-VALUE}.")
    Duration commandTimeout;

    @Option(names = "--remote-agent", paramLabel = "PATH",
            description = "Where the agent jar is on the nodes: where present, run 'ctguard check --json' there (which also reads the kernel log and every namespace) instead of reading the files.")
    String remoteAgent;

    @Option(names = "--inventory-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = Converters.PositiveDuration.class,
            description = "How long ansible-inventory --list may take (a slow dynamic inventory) before the run gives up with 75. Default: ${DEFAULT-VALUE}.")
    Duration inventoryTimeout;

    @Mixin
    LogWindowOption window;

    @Mixin
    RunOptions run;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML page with a bar per node for fill and memory budget.")
    String html;

    @Mixin
    CheckOptions thresholds;

    @Mixin
    BudgetOption budget;

    @Override
    public Integer call() {
        int parallel = (int) forks;
        CheckPolicy policy = thresholds.policy();
        MemoryBudget memoryBudget = budget.memoryBudget;
        Duration sinceWindow = window.since;
        SshOptions options = SshOptions.defaults()
                .withKnownHosts(knownHosts == null ? null : Path.of(knownHosts))
                .withAcceptNewHostKeys(acceptNewHostKeys)
                .withTimeouts(connectTimeout, commandTimeout);
        if (html != null) {
            refuseUnwritable(Path.of(html));
        }
        Inventory inv = new InventoryLoader(InventoryLoader.ANSIBLE_INVENTORY, inventoryTimeout).read(Path.of(inventory));
        List<String> names = HostPattern.select(inv, limit);
        PrintWriter err = spec.commandLine().getErr();
        inv.warnings().forEach(w -> err.println("ctguard fleet: warning: " + w));

        Progress progress = new Progress(err, names.size(), stderrIsTerminal());
        SshNodeReader reader = new SshNodeReader();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, names.size())));
        List<Future<FleetReport.Outcome>> futures = new ArrayList<>();
        try {
            for (String name : names) {
                InventoryHost host = inv.hosts().get(name);
                futures.add(pool.submit(() -> {
                    FleetReport.Outcome o = readHost(reader, host, options, policy, memoryBudget, sinceWindow);
                    progress.done();
                    return o;
                }));
            }
            List<FleetReport.Outcome> outcomes = new ArrayList<>();
            for (Future<FleetReport.Outcome> f : futures) {
                outcomes.add(f.get());
            }
            progress.finish();
            FleetReport report = new FleetReport(outcomes, inv.source(), java.time.Instant.now());
            PrintWriter out = spec.commandLine().getOut();
            out.print(output.json ? report.json() + "\n" : report.table(Colors.forTerminal()));
            out.flush();
            if (html != null) {
                writeHtml(report);
            }
            return report.worst().exitCode().code();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CtguardException(ExitCode.TEMP_FAIL, "interrupted");
        } catch (ExecutionException e) {
            throw new CtguardException(ExitCode.INTERNAL, "reading a host failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private FleetReport.Outcome readHost(SshNodeReader reader, InventoryHost host, SshOptions options, CheckPolicy policy,
                                         MemoryBudget memoryBudget, Duration sinceWindow) {
        try {
            SshNodeReader.RemoteResult remote = reader.readOrRunAgent(host.name(), host.address(), host.port(), host.user(),
                    host.identityFile(), remoteAgent, options, sinceWindow);
            NodeState node;
            KernelLog log;
            if (remote.fromAgent()) {
                // the agent's figures, judged here with this run's thresholds: its own verdict is not taken
                AgentAnswer.Figures figures = AgentAnswer.parse(host.name(), remote.agentJson());
                node = figures.node();
                log = since -> figures.log();
            } else {
                node = remote.state();
                log = since -> remote.log();
            }
            Result result = new Check(Kernel.readOnly(node), log, CounterHistory.NONE, Waiter.SYSTEM)
                    .run(new Check.Options(policy, memoryBudget, sinceWindow));
            return FleetReport.Outcome.of(host.name(), result);
        } catch (SshException e) {
            return FleetReport.Outcome.failed(host.name(), new HostFailure(e.failureKind(), endpoint(reader, host, options), e.getMessage()));
        } catch (CtguardException e) {
            // the node's figures could not be judged (impossible values, nf_conntrack not loaded there)
            HostFailure.Kind kind = e.exitCode() == ExitCode.DATA_ERROR ? HostFailure.Kind.BAD_OUTPUT : HostFailure.Kind.FAILED;
            return FleetReport.Outcome.failed(host.name(), new HostFailure(kind, endpoint(reader, host, options), e.getMessage()));
        } catch (RuntimeException e) {
            return FleetReport.Outcome.failed(host.name(), new HostFailure(HostFailure.Kind.FAILED, endpoint(reader, host, options), "failed: " + e));
        }
    }

    /** Where the host was (or would have been) reached, for the report; null when not even that resolves. */
    private static String endpoint(SshNodeReader reader, InventoryHost host, SshOptions options) {
        try {
            return reader.target(host.name(), host.address(), host.port(), host.user(), host.identityFile(), options).endpoint();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Before the scan, not after it: a page that cannot be written must not cost a whole fleet's run. */
    private static void refuseUnwritable(Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (Files.isDirectory(target) || dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)
                || (Files.exists(target) && !Files.isWritable(target))) {
            throw CtguardException.usage("--html: cannot write " + target + " (its directory must exist and be writable)");
        }
    }

    /** The progress bar goes to stderr: it shows whenever stderr is a terminal, wherever stdout goes (--json > file). */
    private static boolean stderrIsTerminal() {
        try {
            String fd2 = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return fd2.startsWith("/dev/pts/") || fd2.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException e) {
            return System.console() != null;
        }
    }

    private void writeHtml(FleetReport report) {
        Path target = Path.of(html);
        try {
            Files.writeString(target, report.html(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CtguardException(ExitCode.CANT_CREATE, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** A one-line progress bar on stderr, only on a terminal. */
    private static final class Progress {
        private final PrintWriter err;
        private final int total;
        private final boolean enabled;
        private final AtomicInteger done = new AtomicInteger();

        Progress(PrintWriter err, int total, boolean enabled) {
            this.err = err;
            this.total = total;
            this.enabled = enabled;
        }

        void done() {
            int n = done.incrementAndGet();
            if (enabled) {
                int width = 30;
                int filled = total == 0 ? width : n * width / total;
                synchronized (err) {
                    err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + n + "/" + total + " hosts");
                    err.flush();
                }
            }
        }

        void finish() {
            if (enabled) {
                err.print("\r" + " ".repeat(50) + "\r");
                err.flush();
            }
        }
    }
}
