package ctguard.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import ctguard.core.ConntrackStats;
import ctguard.core.CounterIncrease;
import ctguard.core.ExitCode;
import ctguard.core.Option;
import ctguard.core.FileChange;
import ctguard.core.LogScan;
import ctguard.core.Memory;
import ctguard.core.Plan;
import ctguard.core.Result;
import ctguard.core.Snapshot;
import ctguard.core.Usage;
import ctguard.core.Verdict;
import ctguard.core.top.TopReport;

import java.util.List;

/** The ctguard/v1 JSON object (README, "JSON result"). Field names are the contract the Ansible module reads. */
final class JsonRenderer {
    private static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

    private JsonRenderer() {
    }

    static String render(Result r) {
        return GSON.toJson(object(r));
    }

    /**
     * A failed run: what was done before the failure (if anything), plus the error; {@code sysexit}, when not
     * null, is the error's own code where {@code code} is check's UNKNOWN. The message is the command
     * line's; where it names options, {@code template} holds it with placeholders and {@code options} the flag of
     * each, so that another front end (the Ansible module) can name its own parameters instead.
     */
    static String error(String action, Result partial, ExitCode code, ExitCode sysexit, String template) {
        JsonObject o;
        if (partial != null) {
            o = object(partial);
        } else {
            o = new JsonObject();
            o.addProperty("schema", Result.SCHEMA);
            o.addProperty("action", action);
            o.addProperty("changed", false);
        }
        JsonObject error = new JsonObject();
        error.addProperty("exit_code", code.code());
        if (sysexit != null) {
            error.addProperty("sysexit", sysexit.code());
        }
        error.addProperty("message", Flags.render(template));
        List<Option> mentioned = Option.mentionedIn(template);
        if (!mentioned.isEmpty()) {
            error.addProperty("template", template);
            JsonObject options = new JsonObject();
            mentioned.forEach(option -> options.addProperty(option.key(), Flags.of(option)));
            error.add("options", options);
        }
        o.add("error", error);
        return GSON.toJson(o);
    }

    static JsonObject object(Result r) {
        JsonObject o = new JsonObject();
        o.addProperty("schema", Result.SCHEMA);
        o.addProperty("host", r.host());
        o.addProperty("kernel", r.kernel());
        o.addProperty("action", r.action());
        o.addProperty("dry_run", r.dryRun());
        o.addProperty("changed", r.changed());
        JsonObject netns = new JsonObject();
        netns.addProperty("id", r.netns());
        netns.addProperty("initial", r.initialNetns());
        o.add("network_namespace", netns);
        JsonObject tunables = new JsonObject();
        r.tunables().forEach((name, t) -> {
            JsonObject j = new JsonObject();
            j.addProperty("before", t.before());
            j.addProperty("after", t.after());
            j.addProperty("writable", t.writable());
            if (t.reason() != null) {
                j.addProperty("reason", t.reason());
            }
            tunables.add(name, j);
        });
        o.add("tunables", tunables);
        o.add("usage", usage(r.usage()));
        o.add("namespaces", namespaces(r));
        o.add("stats", stats(r.stats()));
        o.add("stats_increase", statsIncrease(r.statsIncrease()));
        if (r.stats() == null && r.statsNote() != null) {
            o.addProperty("stats_note", r.statsNote());
        }
        o.add("memory", memory(r.memory()));
        o.add("verdict", verdict(r.verdict()));
        o.add("kernel_log", kernelLog(r.kernelLog()));
        o.add("snapshot", snapshot(r.snapshot()));
        o.add("plan", plan(r.plan()));
        if (r.tunePlan() != null) {
            o.add("tune_plan", plan(r.tunePlan()));
        }
        if (r.files() != null) {
            o.add("files", files(r.files()));
        }
        if (r.drift() != null) {
            JsonArray drift = new JsonArray();
            r.drift().forEach(d -> {
                JsonObject j = new JsonObject();
                j.addProperty("tunable", d.tunable());
                j.addProperty("original", d.original());
                JsonArray written = new JsonArray();
                d.written().forEach(written::add);
                j.add("set", written);
                j.addProperty("now", d.now());
                drift.add(j);
            });
            o.add("drift", drift);
        }
        if (r.rollback() != null) {
            JsonObject rb = new JsonObject();
            rb.add("undone", strings(r.rollback().undone()));
            rb.add("failed", strings(r.rollback().failed()));
            o.add("rollback", rb);
        }
        o.add("warnings", strings(r.warnings()));
        return o;
    }

    private static JsonElement usage(Usage u) {
        if (u == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        o.addProperty("count", u.count());
        o.addProperty("max", u.max());
        o.addProperty("buckets", u.buckets());
        o.addProperty("hashsize", u.hashsize());
        // max 0 is "no limit": fill and the chain length at max do not apply
        o.addProperty("unlimited", u.unlimited());
        o.addProperty("fill_ratio", u.unlimited() ? null : round(u.fillRatio()));
        o.addProperty("entries_per_bucket", round(u.entriesPerBucket()));
        o.addProperty("entries_per_bucket_at_max", u.unlimited() ? null : round(u.entriesPerBucketAtMax()));
        o.addProperty("fullest_count", u.fullestCount());
        o.addProperty("fullest_namespace", u.fullestNamespace());
        o.addProperty("fullest_fill_ratio", u.unlimited() ? null : round(u.fullestFillRatio()));
        return o;
    }

    /** Every other network namespace with entries, fullest first; each one's count is held against max. */
    private static JsonElement namespaces(Result r) {
        if (r.namespaces() == null) {
            return JsonNull.INSTANCE;
        }
        JsonArray a = new JsonArray();
        for (var n : r.namespaces()) {
            JsonObject j = new JsonObject();
            j.addProperty("id", n.id());
            j.addProperty("name", n.name());
            j.addProperty("pid", n.pid());
            j.addProperty("count", n.count());
            j.addProperty("drops", n.drops());
            j.addProperty("fill_ratio", r.usage() == null || r.usage().unlimited() ? null : round((double) n.count() / r.usage().max()));
            a.add(j);
        }
        return a;
    }

    private static JsonElement stats(ConntrackStats s) {
        if (s == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        o.addProperty("drop", s.drop());
        o.addProperty("early_drop", s.earlyDrop());
        o.addProperty("insert_failed", s.insertFailed());
        o.addProperty("search_restart", s.searchRestart());
        o.addProperty("chain_too_long", s.chainTooLong());
        o.addProperty("clash_resolved", s.clashResolved());
        return o;
    }

    /** The counters' rise since the previous check of this boot and namespace; null when judged since boot. */
    private static JsonElement statsIncrease(CounterIncrease i) {
        if (i == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = stats(i.increase()).getAsJsonObject();
        o.addProperty("since", i.since().toString());
        o.addProperty("interval_seconds", i.intervalSeconds());
        return o;
    }

    private static JsonElement memory(Memory m) {
        if (m == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        o.addProperty("ram_bytes", m.ramBytes());
        o.addProperty("entry_bytes", m.entryBytes());
        o.addProperty("entry_bytes_source", m.entryBytesSource());
        o.addProperty("hash_bytes", m.hashBytes());
        o.addProperty("table_bytes_now", m.tableBytesNow());
        o.addProperty("table_bytes_at_max", m.unbounded() ? null : m.tableBytesAtMax());
        o.addProperty("active_namespaces", m.activeNamespaces());
        o.addProperty("table_bytes_worst", m.unbounded() ? null : m.tableBytesWorst());
        o.addProperty("budget_bytes", m.budgetBytes());
        o.addProperty("budget", m.budget());
        o.addProperty("over_budget", m.overBudget());
        return o;
    }

    private static JsonElement verdict(Verdict v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        o.addProperty("status", v.status().name());
        o.addProperty("exit_code", v.status().exitCode().code());
        JsonArray reasons = new JsonArray();
        for (Verdict.Reason reason : v.reasons()) {
            JsonObject j = new JsonObject();
            j.addProperty("status", reason.status().name());
            j.addProperty("code", reason.code());
            j.addProperty("message", reason.message());
            reasons.add(j);
        }
        o.add("reasons", reasons);
        JsonArray notRead = new JsonArray();
        v.notRead().forEach(notRead::add);
        o.add("not_read", notRead);
        return o;
    }

    private static JsonElement kernelLog(LogScan l) {
        if (l == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        o.addProperty("readable", l.readable());
        o.addProperty("source", l.source());
        o.addProperty("matches", l.matches());
        o.addProperty("last_at", l.lastAt());
        o.addProperty("since_seconds", l.sinceSeconds());
        o.addProperty("note", l.note());
        return o;
    }

    private static JsonElement snapshot(Snapshot s) {
        if (s == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        o.addProperty("path", s.path());
        o.addProperty("taken_at", s.takenAt());
        o.addProperty("boot_id", s.bootId());
        JsonObject values = new JsonObject();
        s.values().forEach(values::addProperty);
        o.add("values", values);
        return o;
    }

    private static JsonElement plan(Plan p) {
        if (p == null) {
            return JsonNull.INSTANCE;
        }
        JsonObject o = new JsonObject();
        o.addProperty("kind", p.kind());
        JsonObject targets = new JsonObject();
        JsonArray items = new JsonArray();
        for (Plan.Item i : p.items()) {
            targets.addProperty(i.name(), i.target());
            JsonObject j = new JsonObject();
            j.addProperty("tunable", i.name());
            j.addProperty("current", i.current());
            j.addProperty("target", i.target());
            j.addProperty("changes", i.changes());
            j.addProperty("reason", i.reason());
            items.add(j);
        }
        o.add("targets", targets);
        o.add("items", items);
        o.addProperty("ceiling", p.ceiling());
        o.addProperty("entry_bytes", p.entryBytes());
        o.addProperty("bytes_at_target", p.bytesAtTarget());
        o.addProperty("bytes_at_current", p.bytesAtCurrent());
        o.addProperty("budget_bytes", p.budgetBytes());
        o.addProperty("over_budget", p.overBudget());
        o.addProperty("node_over_budget", p.nodeOverBudget());
        o.addProperty("balanced_max", p.balancedMax());
        o.addProperty("for_other_node", p.forOtherNode());
        o.addProperty("expected_rehash_stall_ms", p.rehashStall() == null ? null : p.rehashStall().toMillis());
        return o;
    }

    private static JsonElement files(List<FileChange> files) {
        JsonArray a = new JsonArray();
        for (FileChange f : files) {
            JsonObject j = new JsonObject();
            j.addProperty("path", f.path());
            j.addProperty("action", f.action());
            j.addProperty("content", f.content());
            j.addProperty("previous", f.previous());
            a.add(j);
        }
        return a;
    }

    private static JsonArray strings(List<String> list) {
        JsonArray a = new JsonArray();
        list.forEach(s -> a.add(new JsonPrimitive(s)));
        return a;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    /** One JSON line (guard's events). */
    static String line(JsonObject o) {
        return GSON.toJson(o);
    }

    /** The ctguard-top/v1 object (README, "ctguard top"). */
    static String top(TopReport r) {
        JsonObject o = new JsonObject();
        o.addProperty("schema", TopReport.SCHEMA);
        o.addProperty("host", r.host());
        o.addProperty("action", "top");
        // read-only: the same "changed" every ctguard/v1 result carries, for the module and for scripts
        o.addProperty("changed", false);
        o.add("sources", strings(r.sources()));
        TopReport.Counts c = r.counts();
        o.addProperty("entries", c.entries());
        JsonObject malformed = new JsonObject();
        malformed.addProperty("count", c.malformed().count());
        malformed.add("lines", strings(c.malformed().lines()));
        o.add("malformed", malformed);
        o.add("by_l3", counts(c.byL3()));
        o.add("by_l4proto", counts(c.byL4proto()));
        o.add("by_state", counts(c.byState()));
        o.add("by_flag", counts(c.byFlag()));
        JsonArray ports = new JsonArray();
        for (TopReport.PortCount p : c.topDport()) {
            JsonObject j = new JsonObject();
            j.addProperty("proto", p.proto());
            j.addProperty("port", p.port());
            j.addProperty("count", p.count());
            ports.add(j);
        }
        o.add("top_dport", ports);
        o.add("top_src_prefix", prefixes(c.topSrcPrefix()));
        o.add("top_dst_prefix", prefixes(c.topDstPrefix()));
        o.add("by_zone", counts(c.byZone()));
        o.add("by_mark", counts(c.byMark()));
        o.add("by_netns", counts(c.byNetns()));
        o.add("approximate", strings(c.approximate()));
        if (r.ovsZoneLimits() != null) {
            JsonObject limits = new JsonObject();
            r.ovsZoneLimits().forEach((zone, limit) -> limits.addProperty(zone < 0 ? "default" : zone.toString(), limit));
            o.add("ovs_zone_limits", limits);
        }
        o.add("notes", strings(r.notes()));
        JsonObject notrack = new JsonObject();
        JsonArray advised = new JsonArray();
        for (TopReport.NotrackAdvice a : r.notrack()) {
            JsonObject j = new JsonObject();
            j.addProperty("traffic", a.candidate().name());
            j.addProperty("entries", a.entries());
            j.addProperty("share", Math.round(a.share() * 10000) / 10000.0);
            j.add("nft", strings(NotrackRules.nft(a.candidate())));
            j.add("iptables", strings(NotrackRules.iptables(a.candidate())));
            advised.add(j);
        }
        notrack.add("candidates", advised);
        JsonArray refused = new JsonArray();
        for (TopReport.Refusal f : r.refused()) {
            JsonObject j = new JsonObject();
            j.addProperty("traffic", f.traffic());
            j.addProperty("entries", f.entries());
            j.addProperty("reason", f.reason());
            j.addProperty("alternative", f.alternative());
            refused.add(j);
        }
        notrack.add("refused", refused);
        notrack.addProperty("caution", TopReport.NOTRACK_CAUTION);
        notrack.addProperty("applied", false);
        o.add("notrack", notrack);
        return GSON.toJson(o);
    }


    private static JsonObject counts(java.util.Map<String, Long> map) {
        JsonObject o = new JsonObject();
        map.forEach(o::addProperty);
        return o;
    }

    private static JsonArray prefixes(List<TopReport.PrefixCount> list) {
        JsonArray a = new JsonArray();
        for (TopReport.PrefixCount p : list) {
            JsonObject j = new JsonObject();
            j.addProperty("prefix", p.prefix());
            j.addProperty("count", p.count());
            a.add(j);
        }
        return a;
    }
}
