package ctguard.cli;

import ctguard.core.ConntrackStats;
import ctguard.core.ExitCode;
import ctguard.core.ProcFormats;
import ctguard.core.Result;
import ctguard.core.Tunables;

import java.time.Instant;

import java.util.Locale;

/** node_exporter textfile-collector format; every metric prefixed ctguard_. */
final class PrometheusRenderer {
    private final StringBuilder out = new StringBuilder();

    private PrometheusRenderer() {
    }

    static String render(Result r, Instant now) {
        PrometheusRenderer p = new PrometheusRenderer();
        p.liveness(now, 1, null);
        var u = r.usage();
        p.gauge("ctguard_conntrack_entries", "Conntrack entries in this network namespace.", u.count());
        p.gauge("ctguard_conntrack_max", "nf_conntrack_max, the global limit on entries.", u.max());
        p.gauge("ctguard_conntrack_buckets", "Hash table buckets.", u.buckets());
        p.gauge("ctguard_conntrack_unlimited", "1 when nf_conntrack_max is 0: no limit (then the fill and at-max series are absent).", u.unlimited() ? 1 : 0);
        if (!u.unlimited()) {
            p.gauge("ctguard_conntrack_fill_ratio", "Entries divided by max.", u.fillRatio());
        }
        // "entries per bucket" is the average hash chain length; a name ending in _bucket would read as a histogram's
        p.gauge("ctguard_conntrack_chain_length", "Average hash chain length now: entries per bucket.", u.entriesPerBucket());
        if (!u.unlimited()) {
            p.gauge("ctguard_conntrack_chain_length_at_max", "Average hash chain length at a full table: max per bucket.", u.entriesPerBucketAtMax());
        }
        p.gauge("ctguard_conntrack_fullest_entries", "Entries of the fullest network namespace, this one included.", u.fullestCount());
        if (!u.unlimited()) {
            p.gauge("ctguard_conntrack_fullest_fill_ratio", "Fullest namespace's entries divided by max.", u.fullestFillRatio());
        }
        if (r.namespaces() != null) {
            // stable labels: the namespace's inode and its /run/netns name, never a PID (it changes with the process)
            p.header("ctguard_netns_entries", "Entries of another network namespace with entries.", "gauge");
            r.namespaces().forEach(n -> p.sample("ctguard_netns_entries{netns_inode=\"" + label(inode(n.id())) + "\",netns_name=\""
                    + label(n.name() == null ? "" : n.name()) + "\"}", n.count()));
        }
        ConntrackStats s = r.stats();
        if (s != null) {
            p.counter("ctguard_conntrack_drop_total", "Packets dropped because the table was full.", s.drop());
            p.counter("ctguard_conntrack_early_drop_total", "Entries evicted early to make room.", s.earlyDrop());
            p.counter("ctguard_conntrack_insert_failed_total", "Entries that could not be inserted.", s.insertFailed());
            p.counter("ctguard_conntrack_search_restart_total", "Lookups restarted because of a concurrent resize.", s.searchRestart());
            p.counter("ctguard_conntrack_chain_too_long_total", "Inserts refused because the hash chain was too long (kernel 5.15+).", s.chainTooLong());
            p.counter("ctguard_conntrack_clash_resolved_total", "Insert clashes the kernel resolved (kernel 5.9+).", s.clashResolved());
        }
        var m = r.memory();
        p.gauge("ctguard_memory_ram_bytes", "MemTotal.", m.ramBytes());
        p.gauge("ctguard_memory_entry_bytes", "Kernel memory per conntrack entry.", m.entryBytes());
        p.gauge("ctguard_memory_table_now_bytes", "Kernel memory of the table now.", m.tableBytesNow());
        if (!m.unbounded()) {
            p.gauge("ctguard_memory_table_at_max_bytes", "Kernel memory of the table at max.", m.tableBytesAtMax());
            p.gauge("ctguard_memory_table_worst_bytes", "Kernel memory with every active namespace at max.", m.tableBytesWorst());
        }
        p.gauge("ctguard_memory_budget_bytes", "Memory budget for the table at max.", m.budgetBytes());
        p.gauge("ctguard_memory_over_budget", "1 when one full table needs more than the budget (or max is unlimited).", m.overBudget() ? 1 : 0);
        p.gauge("ctguard_network_namespaces_active", "Network namespaces with entries, this one included.", m.activeNamespaces());
        // one unit per metric: max and buckets are above, the timeouts are seconds
        p.header("ctguard_conntrack_timeout_seconds", "A conntrack timeout tunable's current value.", "gauge");
        r.tunables().forEach((name, t) -> {
            if (Tunables.isTimeout(name)) {
                p.sample("ctguard_conntrack_timeout_seconds{tunable=\"" + name + "\"}", t.after());
            }
        });
        p.header("ctguard_tunable_writable", "1 when this process can write the tunable.", "gauge");
        r.tunables().forEach((name, t) -> p.sample("ctguard_tunable_writable{tunable=\"" + name + "\"}", t.writable() ? 1 : 0));
        if (r.verdict() != null) {
            p.gauge("ctguard_check_status", "Check verdict: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.", r.verdict().status().exitCode().code());
        }
        if (r.kernelLog() != null && r.kernelLog().readable()) {
            p.gauge("ctguard_kernel_log_table_full_lines", "Table-full lines in the kernel log within the check window.", r.kernelLog().matches());
        }
        return p.out.toString();
    }

    /**
     * What a failed run leaves in place of the figures: ctguard_up 0 with the error's exit code as a label and the
     * run's time, so that a node whose check fails is visible as such instead of keeping its last figures.
     */
    static String down(ExitCode error, Instant now) {
        PrometheusRenderer p = new PrometheusRenderer();
        p.liveness(now, 0, error);
        return p.out.toString();
    }

    private void liveness(Instant now, int up, ExitCode error) {
        header("ctguard_up", "1 when the last run read the node, 0 when it failed (label error: its exit code).", "gauge");
        sample(error == null ? "ctguard_up" : "ctguard_up{error=\"" + error.code() + "\"}", up);
        gauge("ctguard_last_run_timestamp_seconds", "When the last run ended, in seconds since the epoch.", now.getEpochSecond());
    }

    /** The inode of net:[inode], the namespace's stable identity. */
    private static String inode(String id) {
        Long inode = ProcFormats.netnsInode(id);
        return inode == null ? id : inode.toString();
    }

    /** A label value as the exposition format requires: backslash, double quote and newline escaped. */
    static String label(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private void gauge(String name, String help, Number value) {
        header(name, help, "gauge");
        sample(name, value);
    }

    private void counter(String name, String help, Long value) {
        if (value != null) {
            header(name, help, "counter");
            sample(name, value);
        }
    }

    private void header(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void sample(String name, Number value) {
        String text = value instanceof Double d ? String.format(Locale.ROOT, "%.6g", d) : value.toString();
        out.append(name).append(' ').append(text).append('\n');
    }
}
