package ctguard.io.fleet.ssh;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import ctguard.core.ConntrackStats;
import ctguard.core.EntrySize;
import ctguard.core.LogScan;
import ctguard.core.NetnsDirectory;
import ctguard.core.NetnsUsage;
import ctguard.core.NodeState;
import ctguard.core.Printable;
import ctguard.core.TunableState;
import ctguard.core.Tunables;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The remote agent's {@code check --json} answer, read as strictly as a local read: required fields,
 * types and ranges, or the host's answer is invalid. Only the node's figures are taken (tunables, count,
 * memory, counters, namespaces, the kernel log's matches); its verdict is not: the caller judges the
 * figures itself, so a host cannot send its own "OK".
 */
public final class AgentAnswer {
    private static final long MAX_INT = Integer.MAX_VALUE;
    private static final int MAX_NAMESPACES = 100_000;

    /** What the agent reported of its node. */
    public record Figures(NodeState node, LogScan log) {
    }

    private final String host;

    private AgentAnswer(String host) {
        this.host = host;
    }

    /** The figures of a valid answer; SshException (BAD_OUTPUT) naming the first fault otherwise, or the agent's own error. */
    public static Figures parse(String host, String json) {
        return new AgentAnswer(host).figures(json);
    }

    private Figures figures(String json) {
        JsonObject o;
        try {
            JsonElement parsed = JsonParser.parseString(json.strip());
            if (!parsed.isJsonObject()) {
                throw invalid("it is not a JSON object");
            }
            o = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw invalid("it is not JSON (" + Printable.of(String.valueOf(e.getMessage())) + ")");
        }
        if (!"ctguard/v1".equals(optString(o, "schema"))) {
            throw invalid("its schema is not ctguard/v1");
        }
        if (o.has("error") && o.get("error").isJsonObject()) {
            String message = optString(o.getAsJsonObject("error"), "message");
            throw new SshException(SshException.Kind.COMMAND_FAILED, host, "the ctguard agent on %s failed: %s".formatted(host,
                    Printable.of(message == null ? "no message" : message)));
        }
        Map<String, TunableState> tunables = tunables(object(o, "tunables"));
        JsonObject usage = object(o, "usage");
        JsonObject memory = object(o, "memory");
        JsonObject netns = object(o, "network_namespace");
        long ram = integer(memory, "ram_bytes", 1, 1L << 50);
        long entry = integer(memory, "entry_bytes", 1, 65536);
        NodeState node = new NodeState(text(string(o, "host")), text(string(o, "kernel")), integer(usage, "count", 0, MAX_INT),
                tunables, optInteger(usage, "hashsize", 1, MAX_INT), stats(o.get("stats")), null, ram,
                new EntrySize(entry, entry, false, "reported by the node's agent"), optBoolean(netns, "initial"),
                text(optString(netns, "id")), false, namespaces(o.get("namespaces")), null, NetnsDirectory.UNKNOWN, null);
        return new Figures(node, log(o.get("kernel_log")));
    }

    private Map<String, TunableState> tunables(JsonObject t) {
        Map<String, TunableState> out = new LinkedHashMap<>();
        for (String name : Tunables.MANAGED) {
            if (!t.has(name)) {
                throw invalid("tunables has no " + name);
            }
        }
        if (t.size() > 256) {
            throw invalid("tunables has " + t.size() + " entries");
        }
        for (Map.Entry<String, JsonElement> e : t.entrySet()) {
            String name = e.getKey();
            if (!name.matches("nf_conntrack_[a-z0-9_]{1,64}")) {
                throw invalid("tunables has a name that is no conntrack tunable");
            }
            if (!e.getValue().isJsonObject()) {
                throw invalid("tunables." + name + " is not an object");
            }
            JsonObject v = e.getValue().getAsJsonObject();
            long min = name.equals(Tunables.BUCKETS) ? 1 : 0;
            out.put(name, new TunableState(name, integer(v, "after", min, MAX_INT), bool(v, "writable"), null));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    private ConntrackStats stats(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonObject()) {
            throw invalid("stats is not an object");
        }
        JsonObject s = e.getAsJsonObject();
        return new ConntrackStats(optInteger(s, "drop", 0, Long.MAX_VALUE), optInteger(s, "early_drop", 0, Long.MAX_VALUE),
                optInteger(s, "insert_failed", 0, Long.MAX_VALUE), optInteger(s, "search_restart", 0, Long.MAX_VALUE),
                optInteger(s, "chain_too_long", 0, Long.MAX_VALUE), optInteger(s, "clash_resolved", 0, Long.MAX_VALUE));
    }

    private List<NetnsUsage> namespaces(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        if (!e.isJsonArray()) {
            throw invalid("namespaces is not a list");
        }
        JsonArray a = e.getAsJsonArray();
        if (a.size() > MAX_NAMESPACES) {
            throw invalid("namespaces has " + a.size() + " entries");
        }
        List<NetnsUsage> out = new ArrayList<>();
        for (JsonElement n : a) {
            if (!n.isJsonObject()) {
                throw invalid("a namespace is not an object");
            }
            JsonObject ns = n.getAsJsonObject();
            Long pid = optInteger(ns, "pid", 1, 1L << 22);
            out.add(new NetnsUsage(text(string(ns, "id")), text(optString(ns, "name")), pid == null ? null : pid.intValue(),
                    integer(ns, "count", 0, MAX_INT), optInteger(ns, "drops", 0, Long.MAX_VALUE)));
        }
        out.sort(java.util.Comparator.comparingLong(NetnsUsage::count).reversed());
        return List.copyOf(out);
    }

    private LogScan log(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return LogScan.unreadable("agent", 0, "the agent reported no kernel log");
        }
        if (!e.isJsonObject()) {
            throw invalid("kernel_log is not an object");
        }
        JsonObject l = e.getAsJsonObject();
        long since = integer(l, "since_seconds", 0, 1L << 40);
        if (!bool(l, "readable")) {
            return LogScan.unreadable(text(string(l, "source")), since, text(optString(l, "note")));
        }
        return new LogScan(true, text(string(l, "source")), (int) integer(l, "matches", 0, MAX_INT), text(optString(l, "last_at")), since,
                text(optString(l, "note")), Map.of());
    }

    private JsonObject object(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || !e.isJsonObject()) {
            throw invalid(key + " is missing or not an object");
        }
        return e.getAsJsonObject();
    }

    private long integer(JsonObject o, String key, long min, long max) {
        Long v = optInteger(o, key, min, max);
        if (v == null) {
            throw invalid(key + " is missing");
        }
        return v;
    }

    private Long optInteger(JsonObject o, String key, long min, long max) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw invalid(key + " is not a number");
        }
        BigDecimal d = e.getAsJsonPrimitive().getAsBigDecimal();
        if (d.scale() > 0 && d.stripTrailingZeros().scale() > 0 || d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw invalid("%s is %s, outside %d..%d".formatted(key, Printable.of(d.toPlainString()), min, max));
        }
        return d.longValueExact();
    }

    private boolean bool(JsonObject o, String key) {
        Boolean b = optBoolean(o, key);
        if (b == null) {
            throw invalid(key + " is missing");
        }
        return b;
    }

    private Boolean optBoolean(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw invalid(key + " is not true or false");
        }
        return e.getAsBoolean();
    }

    private String string(JsonObject o, String key) {
        String s = optString(o, key);
        if (s == null) {
            throw invalid(key + " is missing");
        }
        return s;
    }

    private String optString(JsonObject o, String key) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (!e.isJsonPrimitive() || !((JsonPrimitive) e).isString()) {
            throw invalid(key + " is not a string");
        }
        return e.getAsString();
    }

    private static String text(String s) {
        if (s == null) {
            return null;
        }
        return Printable.of(s.length() > 256 ? s.substring(0, 256) : s);
    }

    private SshException invalid(String why) {
        return new SshException(SshException.Kind.BAD_OUTPUT, host, "the ctguard agent's answer from %s is invalid: %s".formatted(host, why));
    }
}
