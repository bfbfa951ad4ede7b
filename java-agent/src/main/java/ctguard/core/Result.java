package ctguard.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run's outcome (schema ctguard/v1), built once and rendered as text, JSON or Prometheus.
 * Sections an action does not produce are null.
 */
public record Result(
        String action,
        String host,
        String kernel,
        boolean dryRun,
        boolean changed,
        Map<String, TunableChange> tunables,
        Usage usage,
        ConntrackStats stats,
        String statsNote,
        CounterIncrease statsIncrease,
        Memory memory,
        Verdict verdict,
        Snapshot snapshot,
        Plan plan,
        Plan tunePlan,
        List<String> warnings,
        Boolean initialNetns,
        String netns,
        LogScan kernelLog,
        Rollback rollback,
        List<Snapshot.Drift> drift,
        List<FileChange> files,
        List<NetnsUsage> namespaces) {

    public static final String SCHEMA = "ctguard/v1";

    /** Writes undone after a failure, and any that could not be undone. */
    public record Rollback(List<String> undone, List<String> failed) {
    }

    public static Builder builder(String action, NodeState node, MemoryBudget budget) {
        Builder b = new Builder();
        b.action = action;
        b.host = node.host();
        b.kernel = node.kernel();
        node.tunables().forEach((name, t) -> b.tunables.put(name, TunableChange.unchanged(t)));
        b.usage = Usage.of(node);
        b.stats = node.stats();
        b.statsNote = node.statsNote();
        b.memory = Memory.of(node, budget);
        b.initialNetns = node.initialNetns();
        b.netns = node.netns();
        if (node.stats() == null) {
            b.warnings.add("conntrack statistics unavailable: " + node.statsNote());
        }
        if (node.namespacesNote() != null) {
            b.warnings.add("network namespaces: " + node.namespacesNote());
        }
        b.namespaces = node.namespaces();
        return b;
    }

    /** A result about no node read here, such as a plan for another node. */
    public static Builder withoutNode(String action) {
        Builder b = new Builder();
        b.action = action;
        return b;
    }

    /** Mutable while an action assembles its result; frozen by {@link #build()}. */
    public static final class Builder {
        private String action;
        private String host;
        private String kernel;
        public boolean dryRun;
        public boolean changed;
        public final Map<String, TunableChange> tunables = new LinkedHashMap<>();
        public Usage usage;
        private ConntrackStats stats;
        private String statsNote;
        /** check: the counters' rise since the previous check, null when judged since boot */
        public CounterIncrease statsIncrease;
        public Memory memory;
        public Verdict verdict;
        public Snapshot snapshot;
        public Plan plan;
        /** plan's second view: what tune would set, beside prepare's plan */
        public Plan tunePlan;
        public final List<String> warnings = new ArrayList<>();
        private Boolean initialNetns;
        private String netns;
        public LogScan kernelLog;
        public Rollback rollback;
        /** restore: tunables changed by someone else since prepare */
        public List<Snapshot.Drift> drift;
        public List<FileChange> files;
        private List<NetnsUsage> namespaces;

        /** Usage and memory as the node stands after the action's writes. */
        public Builder refresh(NodeState after, MemoryBudget budget) {
            usage = Usage.of(after);
            memory = Memory.of(after, budget);
            namespaces = after.namespaces();
            return this;
        }

        public Builder recordWrite(String name, long value) {
            tunables.computeIfPresent(name, (n, t) -> t.after(value));
            return this;
        }

        public Result build() {
            return new Result(action, host, kernel, dryRun, changed, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tunables)),
                    usage, stats, statsNote, statsIncrease, memory, verdict, snapshot, plan, tunePlan, List.copyOf(warnings), initialNetns, netns,
                    kernelLog, rollback, drift == null ? null : List.copyOf(drift), files == null ? null : List.copyOf(files), namespaces == null ? null : List.copyOf(namespaces));
        }
    }
}
