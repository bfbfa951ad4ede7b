package ctguard.cli;

import ctguard.core.CtguardException;
import ctguard.core.top.ConntrackTables;
import ctguard.core.top.NodeFirewall;
import ctguard.core.top.NotrackCandidate;
import ctguard.core.top.Top;
import ctguard.core.top.TopReport;
import ctguard.io.InputTables;
import ctguard.io.ProcConntrackTables;
import ctguard.io.SystemFirewall;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.concurrent.Callable;

@Command(name = "top", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Show what fills the conntrack table, and which traffic needs no tracking. Read-only.",
                "Reads this namespace's entries (/proc/net/nf_conntrack, else 'conntrack -L -o extended'), another namespace's, "
                        + "every namespace's, or a saved list, in bounded memory, and counts them by protocol, TCP state, flags "
                        + "(unreplied entries are evicted first), destination port, source and destination prefix (/24, /64), zone, "
                        + "mark and namespace. A line that does not parse is counted with its number.",
                "NOTRACK advice, printed and never applied: for overlay tunnels (VXLAN udp/4789, GENEVE udp/6081, GRE), loopback "
                        + "and --notrack-candidate traffic, the raw-table rules (nft and iptables) that exempt both directions; "
                        + "refused, with the stateless security-group alternative, for traffic in Neutron's conntrack zones."})
final class TopCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--json", description = "Print one JSON object (schema " + TopReport.SCHEMA + ") on stdout and nothing else there.")
    boolean json;

    @Option(names = "--netns", paramLabel = "NAME|all", converter = Converters.NetnsChoice.class,
            description = "Read the namespace named NAME (/run/netns), or all: this one and every other with entries. Default: this namespace.")
    ConntrackTables.Selection netns;

    @Option(names = "--input", paramLabel = "FILE|-",
            description = "Read a saved entry list (cat /proc/net/nf_conntrack or conntrack -L [-o extended]) from FILE, or stdin for -, instead of the node.")
    String input;

    @Option(names = "--by", paramLabel = "LIST", converter = Converters.TopListName.class,
            description = "Print only this list: l3, l4proto, state, flag, dport, src, dst, zone, mark or netns. Default: all of them.")
    TopList by;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", converter = Converters.TopRows.class, defaultValue = "10",
            description = "Rows per list (1-1000). Default: ${DEFAULT-VALUE}.")
    long limit;

    @Option(names = "--notrack-candidate", paramLabel = "PROTO/PORT", converter = Converters.NotrackTraffic.class,
            description = "Also consider this traffic for NOTRACK advice (repeatable), e.g. udp/5353.")
    java.util.List<NotrackCandidate> candidates = new ArrayList<>();

    @Override
    public Integer call() {
        if (input != null && netns != null) {
            throw CtguardException.usage("--input and --netns cannot be used together: a saved list is no namespace of this node");
        }
        Wiring wiring = new Wiring(common);
        Top top = input != null
                ? new Top(null, new InputTables(input, System.in), NodeFirewall.UNKNOWN)
                : new Top(wiring.kernel().read().host(), new ProcConntrackTables(common.rootPath()),
                common.rootPath().equals(common.rootPath().getRoot()) ? new SystemFirewall() : NodeFirewall.UNKNOWN);
        TopReport report = top.run(new Top.Options(netns == null ? new ConntrackTables.This() : netns, (int) limit, candidates));
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? JsonRenderer.top(report) + "\n" : new TopRenderer(Colors.forTerminal()).render(report, by));
        out.flush();
        return 0;
    }
}
