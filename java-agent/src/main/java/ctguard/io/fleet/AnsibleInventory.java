package ctguard.io.fleet;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.fleet.Inventory;
import ctguard.core.fleet.InventoryHost;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ansible-inventory -i PATH --list} (no shell, stdin from /dev/null, bounded time and output) and reads
 * its JSON: groups with {@code hosts} and {@code children}, variables per host under {@code _meta.hostvars}
 * (already merged by Ansible in its own precedence; templates in them are not evaluated by --list; an
 * {@code !unsafe} string comes as {@code {"__ansible_unsafe": "..."}}, an inline vault value as
 * {@code {"__ansible_vault": "..."}}).
 * Groups without hosts or children are absent from the JSON but named as someone's child: they are kept, empty.
 */
final class AnsibleInventory {
    static final long MAX_STDOUT = 256L * 1024 * 1024;
    static final int MAX_STDERR = 1024 * 1024;
    private static final int MAX_STDERR_WARNINGS = 20;

    private AnsibleInventory() {
    }

    static Inventory run(Path executable, Path inventory, Duration timeout, int maxHosts) {
        String what = "ansible-inventory -i " + inventory;
        // a path starting with '-' would be taken for an option
        String source = inventory.toString().startsWith("-") ? "." + File.separator + inventory : inventory.toString();
        ProcessBuilder pb = new ProcessBuilder(executable.toString(), "-i", source, "--list");
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = pb.environment();
        // a source Ansible cannot parse must fail the run, not yield an empty inventory (unless the user said otherwise)
        env.putIfAbsent("ANSIBLE_INVENTORY_UNPARSED_FAILED", "True");
        env.remove("ANSIBLE_FORCE_COLOR");
        env.put("ANSIBLE_NOCOLOR", "1");
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new CtguardException(ExitCode.UNAVAILABLE, "cannot run " + executable + ": " + YamlFiles.describe(e)
                    + "; fix it or take it off PATH to read YAML inventories without Ansible", e);
        }
        Reader out = new Reader(process.getInputStream(), MAX_STDOUT);
        Reader err = new Reader(process.getErrorStream(), MAX_STDERR);
        out.start();
        err.start();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(process);
                throw new CtguardException(ExitCode.TEMP_FAIL, what + " --list did not finish within " + timeout.toSeconds()
                        + " s (a slow dynamic inventory?); try again, or pass a static inventory");
            }
            out.join(10_000);
            err.join(10_000);
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            throw new CtguardException(ExitCode.TEMP_FAIL, what + " --list was interrupted", e);
        }
        String stderr = err.text();
        if (process.exitValue() != 0) {
            throw CtguardException.data(what + " --list failed (exit " + process.exitValue() + "): " + reason(stderr));
        }
        if (out.overflowed) {
            throw CtguardException.data(what + " --list printed more than " + (MAX_STDOUT >> 20) + " MiB; refusing an inventory this large");
        }
        List<String> warnings = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            String l = line.strip();
            if ((l.startsWith("[WARNING]:") || l.startsWith("[DEPRECATION WARNING]:")) && warnings.size() < MAX_STDERR_WARNINGS) {
                warnings.add("ansible-inventory: " + l.substring(l.indexOf(':') + 1).strip());
            }
        }
        return parse(out.text(), what, maxHosts, warnings);
    }

    /** Builds the inventory from ansible-inventory's JSON; {@code what} names the source in messages. */
    static Inventory parse(String json, String what, int maxHosts, List<String> earlierWarnings) {
        JsonObject root;
        try {
            JsonElement parsed = JsonParser.parseString(json);
            if (!parsed.isJsonObject()) {
                throw CtguardException.data(what + " --list printed JSON that is not an object");
            }
            root = parsed.getAsJsonObject();
        } catch (JsonParseException e) {
            throw CtguardException.data(what + " --list printed no valid JSON: " + firstLine(e.getMessage()));
        }
        JsonObject hostvars = new JsonObject();
        if (root.has("_meta") && root.get("_meta").isJsonObject() && root.getAsJsonObject("_meta").has("hostvars")) {
            JsonElement hv = root.getAsJsonObject("_meta").get("hostvars");
            if (!hv.isJsonObject()) {
                throw CtguardException.data(what + " --list: _meta.hostvars is not an object");
            }
            hostvars = hv.getAsJsonObject();
        }
        GroupGraph graph = new GroupGraph(maxHosts);
        Set<String> visited = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(GroupGraph.ALL);
        visited.add(GroupGraph.ALL);
        List<String> remaining = new ArrayList<>(root.keySet());
        remaining.remove("_meta");
        while (true) {
            while (!queue.isEmpty()) {
                String group = queue.poll();
                graph.group(group);
                JsonElement element = root.get(group);
                if (element == null || element.isJsonNull()) {
                    continue;
                }
                if (!element.isJsonObject()) {
                    throw CtguardException.data(what + " --list: group '" + group + "' is not an object");
                }
                for (String host : names(element.getAsJsonObject(), "hosts", what, group)) {
                    graph.addHost(group, host, null, what);
                }
                for (String child : names(element.getAsJsonObject(), "children", what, group)) {
                    graph.group(child);
                    graph.addChild(group, child, what);
                    if (visited.add(child)) {
                        queue.add(child);
                    }
                }
            }
            remaining.removeAll(visited);
            if (remaining.isEmpty()) {
                break;
            }
            String orphan = remaining.remove(0);
            visited.add(orphan);
            queue.add(orphan);
        }
        graph.reconcile();
        ConnectionVars.Warnings hostWarnings = new ConnectionVars.Warnings();
        Map<String, InventoryHost> hosts = new LinkedHashMap<>();
        for (String name : graph.hostOrder()) {
            Map<String, SourcedValue> vars = new LinkedHashMap<>();
            JsonElement hv = hostvars.get(name);
            if (hv != null && hv.isJsonObject()) {
                for (String var : ConnectionVars.NAMES) {
                    if (hv.getAsJsonObject().has(var)) {
                        vars.put(var, new SourcedValue(value(hv.getAsJsonObject().get(var)), what));
                    }
                }
            }
            hosts.put(name, ConnectionVars.resolve(name, vars, hostWarnings));
        }
        List<String> warnings = new ArrayList<>(earlierWarnings);
        warnings.addAll(hostWarnings.lines());
        return new Inventory(hosts, graph.flattened(), Inventory.SOURCE_ANSIBLE_INVENTORY, warnings);
    }

    private static List<String> names(JsonObject group, String key, String what, String groupName) {
        JsonElement e = group.get(key);
        if (e == null || e.isJsonNull()) {
            return List.of();
        }
        if (!e.isJsonArray()) {
            throw CtguardException.data(what + " --list: '" + key + "' of group '" + groupName + "' is not a list");
        }
        List<String> names = new ArrayList<>();
        for (JsonElement item : (JsonArray) e) {
            if (!item.isJsonPrimitive() || !item.getAsJsonPrimitive().isString() || item.getAsString().isBlank()) {
                throw CtguardException.data(what + " --list: '" + key + "' of group '" + groupName + "' holds " + item + ", not a name");
            }
            names.add(item.getAsString());
        }
        return names;
    }

    /** JSON to the plain Java values the YAML loader yields (numbers as BigDecimal, objects as maps). */
    static Object value(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) {
                return p.getAsBoolean();
            }
            if (p.isNumber()) {
                return new BigDecimal(p.getAsString());
            }
            return p.getAsString();
        }
        if (e.isJsonArray()) {
            List<Object> list = new ArrayList<>();
            e.getAsJsonArray().forEach(item -> list.add(value(item)));
            return list;
        }
        JsonObject o = e.getAsJsonObject();
        if (o.size() == 1 && o.has("__ansible_unsafe") && o.get("__ansible_unsafe").isJsonPrimitive()) {
            return new YamlFiles.Unsafe(o.get("__ansible_unsafe").getAsString()); // a string Ansible never templates
        }
        Map<String, Object> map = new LinkedHashMap<>();
        o.entrySet().forEach(entry -> map.put(entry.getKey(), value(entry.getValue())));
        return map;
    }

    /** What a plugin says of a source in another format (auto of a plain YAML file, ini of YAML, yaml of INI). */
    private static final List<String> NOT_THIS_PLUGIN = List.of("no root 'plugin' key found", "is normally a sign this is a YAML file",
            "YAML inventory has invalid structure", "Unable to parse", "does not have a valid extension", "is not a valid YAML inventory plugin");

    /** The one line of ansible-inventory's stderr that says what went wrong, and the parse failure of the plugin the source is for. */
    static String reason(String stderr) {
        String error = null;
        String cause = null;
        boolean causeIsNotForThisPlugin = false;
        String last = null;
        for (String line : stderr.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) {
                continue;
            }
            last = l;
            if (error == null && (l.startsWith("[ERROR]:") || l.startsWith("ERROR!"))) {
                error = l.substring(l.indexOf(l.startsWith("ERROR!") ? '!' : ':') + 1).strip();
            }
            if (l.startsWith("[WARNING]:") && (l.contains("Failed to parse") || l.contains("Unable to parse"))) {
                String failure = l.substring(l.indexOf(':') + 1).strip();
                // Ansible tries every plugin on every source; the failures that only say "not my format" hide the real one
                boolean notForThisPlugin = NOT_THIS_PLUGIN.stream().anyMatch(failure::contains);
                if (cause == null || causeIsNotForThisPlugin && !notForThisPlugin) {
                    cause = failure;
                    causeIsNotForThisPlugin = notForThisPlugin;
                }
            }
        }
        String reason = error != null ? error + (cause != null ? " (" + cause + ")" : "")
                : cause != null ? cause : last != null ? last : "no message";
        return reason.length() > 400 ? reason.substring(0, 400) + "..." : reason;
    }

    /** Kills it and its children and reaps it, so no ansible-inventory outlives the run. */
    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Drains a stream on its own thread, keeping at most limit bytes. */
    private static final class Reader extends Thread {
        private final InputStream in;
        private final long limit;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        volatile boolean overflowed;

        Reader(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
            setDaemon(true);
            setName("ansible-inventory-reader");
        }

        @Override
        public void run() {
            byte[] chunk = new byte[65536];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    long room = limit - buffer.size();
                    if (n > room) {
                        overflowed = true;
                    }
                    if (room > 0) {
                        buffer.write(chunk, 0, (int) Math.min(n, room));
                    }
                }
            } catch (IOException e) {
                // the process went away; what was read is all there is
            }
        }

        synchronized String text() {
            return buffer.toString(StandardCharsets.UTF_8);
        }
    }
}
