package ctguard.io.fleet;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.fleet.HostRanges;
import ctguard.core.fleet.Inventory;
import ctguard.core.fleet.InventoryHost;
import ctguard.io.fleet.GroupGraph.Group;
import ctguard.io.fleet.GroupGraph.Host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A YAML inventory read without Ansible, following Ansible's yaml inventory plugin and host_group_vars plugin
 * (ansible-core 2.19):
 * <ul>
 *   <li>Source: a file, or a directory whose files are read in name order (subdirectories too; hidden files,
 *       group_vars/, host_vars/ and Ansible's ignored extensions skipped). Files ending .yml, .yaml or .json are
 *       YAML inventories; a file without extension is tried as one and skipped with a warning when it is not (it
 *       may be INI); anything else (INI, scripts, plugin configurations) needs ansible-inventory and is skipped
 *       with a warning — or is an error when it is the file given.</li>
 *   <li>Structure: top-level keys are groups; a group has {@code hosts} (host keys with inline variables),
 *       {@code vars} and {@code children} (groups, recursively). Host keys may carry {@code :PORT} and ranges.</li>
 *   <li>group_vars/ and host_vars/ next to the inventory (in the directory, or beside the file): for entity NAME
 *       the first of NAME (a file, or a directory whose files are read recursively in name order), NAME.yml,
 *       NAME.yaml, NAME.json. Whole-file vault encryption is skipped with a warning.</li>
 *   <li>Precedence (Ansible's default VARIABLE_PRECEDENCE, lowest first): inline {@code vars} of all; inline
 *       {@code vars} of the host's other groups; group_vars/all; group_vars of the host's other groups; inline host
 *       variables; host_vars. Groups are applied in Ansible's order: parents before children (depth), then
 *       {@code ansible_group_priority} (inline only), then name; the later wins.</li>
 * </ul>
 * Simplified: only the connection variables are merged (see {@link ConnectionVars}); templates are never evaluated;
 * no playbook-adjacent group_vars; no vars plugins other than host_group_vars; duplicate keys are an error (Ansible
 * warns and keeps the last).
 */
final class YamlInventory {
    private static final Set<String> YAML_EXTENSIONS = Set.of(".yml", ".yaml", ".json");
    private static final List<String> VARS_EXTENSIONS = List.of("", ".yml", ".yaml", ".json");
    /** Ansible's INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig, .cfg, .retry). */
    private static final List<String> IGNORED_EXTENSIONS = List.of(".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt",
            ".rst", ".orig", ".cfg", ".retry");
    private static final Pattern IGNORED_NAMES = Pattern.compile("^\\.|^host_vars$|^group_vars$|^vars_plugins$");

    private final Path source;
    private final Path baseDir;
    private final int maxHosts;
    private final GroupGraph graph;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, Map<String, SourcedValue>> groupVarsCache = new HashMap<>();

    private YamlInventory(Path source, int maxHosts) {
        this.source = source;
        this.baseDir = Files.isDirectory(source) ? source : source.toAbsolutePath().getParent();
        this.maxHosts = maxHosts;
        this.graph = new GroupGraph(maxHosts);
    }

    /** Reads the inventory at path (which exists). */
    static Inventory load(Path path, int maxHosts) {
        return new YamlInventory(path, maxHosts).read();
    }

    private Inventory read() {
        if (Files.isDirectory(source)) {
            int parsed = readDirectory(source);
            if (parsed == 0) {
                throw CtguardException.usage("inventory " + source + ": no YAML inventory file in this directory "
                        + "(.yml, .yaml or .json); INI inventories, scripts and plugins need ansible-inventory on PATH");
            }
        } else {
            readFile(source, true);
        }
        graph.reconcile();
        ConnectionVars.Warnings hostWarnings = new ConnectionVars.Warnings();
        Map<String, InventoryHost> hosts = new LinkedHashMap<>();
        Map<String, Set<String>> groups = graph.flattened();
        Map<String, List<String>> groupsOfHost = new HashMap<>();
        var precedence = graph.precedence();
        groups.forEach((g, members) -> {
            if (!g.equals(GroupGraph.ALL)) {
                members.forEach(h -> groupsOfHost.computeIfAbsent(h, k -> new ArrayList<>()).add(g));
            }
        });
        for (String name : graph.hostOrder()) {
            List<String> mine = new ArrayList<>(groupsOfHost.getOrDefault(name, List.of()));
            mine.sort(precedence);
            hosts.put(name, ConnectionVars.resolve(name, variables(graph.hosts.get(name), mine), hostWarnings));
        }
        for (String conflict : graph.groups.keySet()) {
            if (graph.hosts.containsKey(conflict)) {
                warnings.add("both a group and a host are named '" + conflict + "'");
            }
        }
        warnings.addAll(hostWarnings.lines());
        return new Inventory(hosts, groups, Inventory.SOURCE_YAML, warnings);
    }

    /** The host's connection variables in Ansible's precedence, lowest first. */
    private Map<String, SourcedValue> variables(Host host, List<String> groupsByPrecedence) {
        Map<String, SourcedValue> vars = new HashMap<>();
        vars.putAll(graph.groups.get(GroupGraph.ALL).vars);
        for (String g : groupsByPrecedence) {
            vars.putAll(graph.groups.get(g).vars);
        }
        vars.putAll(groupVars(GroupGraph.ALL));
        for (String g : groupsByPrecedence) {
            vars.putAll(groupVars(g));
        }
        vars.putAll(host.vars);
        vars.putAll(varsFiles("host_vars", host.name));
        return vars;
    }

    private Map<String, SourcedValue> groupVars(String group) {
        return groupVarsCache.computeIfAbsent(group, g -> varsFiles("group_vars", g));
    }

    /** Ansible's host_group_vars plugin with find_vars_files: the first of NAME, NAME.yml, NAME.yaml, NAME.json. */
    private Map<String, SourcedValue> varsFiles(String subdir, String entity) {
        Map<String, SourcedValue> vars = new HashMap<>();
        Path dir = baseDir.resolve(subdir);
        if (entity.startsWith("/") || !Files.isDirectory(dir)) {
            return vars;
        }
        List<Path> found = new ArrayList<>();
        for (String ext : VARS_EXTENSIONS) {
            Path candidate;
            try {
                candidate = dir.resolve(entity + ext);
            } catch (java.nio.file.InvalidPathException e) {
                return vars;
            }
            if (Files.exists(candidate)) {
                if (Files.isDirectory(candidate)) {
                    collectVarsDir(candidate, found);
                } else {
                    found.add(candidate);
                }
                break;
            }
        }
        for (Path file : found) {
            Object data = YamlFiles.load(file);
            if (data == YamlFiles.VAULT_FILE) {
                warnings.add(file + " is vault-encrypted; ctguard does not decrypt it, so its variables are ignored");
                continue;
            }
            if (data == null) {
                continue;
            }
            if (!(data instanceof Map<?, ?> map)) {
                throw CtguardException.data(file + ": a vars file must be a mapping of variable names to values");
            }
            map.forEach((k, v) -> {
                if (ConnectionVars.NAMES.contains(String.valueOf(k))) {
                    vars.put(String.valueOf(k), new SourcedValue(v, file.toString()));
                }
            });
        }
        return vars;
    }

    /** Ansible's _get_dir_vars_files: name order, recursive, no hidden or backup files, known or no extension. */
    private static void collectVarsDir(Path dir, List<Path> found) {
        for (Path p : sortedEntries(dir)) {
            String name = p.getFileName().toString();
            if (name.startsWith(".") || name.endsWith("~")) {
                continue;
            }
            String ext = extension(name);
            if (Files.isDirectory(p) && ext.isEmpty()) {
                collectVarsDir(p, found);
            } else if (Files.isRegularFile(p) && (ext.isEmpty() || VARS_EXTENSIONS.contains(ext))) {
                found.add(p);
            }
        }
    }

    /** Returns the number of inventory files read. */
    private int readDirectory(Path dir) {
        int parsed = 0;
        for (Path p : sortedEntries(dir)) {
            String name = p.getFileName().toString();
            if (IGNORED_NAMES.matcher(name).find() || IGNORED_EXTENSIONS.stream().anyMatch(name::endsWith)) {
                continue;
            }
            if (Files.isDirectory(p)) {
                parsed += readDirectory(p);
            } else if (Files.isRegularFile(p)) {
                String ext = extension(name);
                if (YAML_EXTENSIONS.contains(ext)) {
                    parsed += readFile(p, false) ? 1 : 0;
                } else if (ext.isEmpty() && !Files.isExecutable(p)) {
                    parsed += tryExtensionless(p) ? 1 : 0;
                } else {
                    warnings.add("skipped " + p + ": only YAML inventories are read without ansible-inventory "
                            + "(INI files, scripts and plugins need Ansible on PATH)");
                }
            }
        }
        return parsed;
    }

    private boolean tryExtensionless(Path file) {
        try {
            return readFile(file, false);
        } catch (CtguardException e) {
            warnings.add("skipped " + file + ": not a YAML inventory (" + e.getMessage().replace(file + ": ", "")
                    + "); an INI inventory needs ansible-inventory on PATH");
            return false;
        }
    }

    /** Parses one inventory file into the graph; false when it was skipped. */
    private boolean readFile(Path file, boolean given) {
        String ext = extension(file.getFileName().toString());
        if (given && !ext.isEmpty() && !YAML_EXTENSIONS.contains(ext)) {
            throw CtguardException.usage("inventory " + file + ": only YAML inventories (.yml, .yaml, .json) are read without "
                    + "ansible-inventory; install Ansible for " + (ext.equals(".ini") ? "INI inventories" : "this one"));
        }
        Object data;
        try {
            data = YamlFiles.load(file);
        } catch (CtguardException e) {
            if (given && ext.isEmpty() && e.exitCode() == ExitCode.DATA_ERROR) {
                throw new CtguardException(ExitCode.DATA_ERROR, e.getMessage() + " (an INI inventory needs ansible-inventory on PATH)", e);
            }
            throw e;
        }
        if (data == YamlFiles.VAULT_FILE) {
            throw CtguardException.data(file + ": the inventory is vault-encrypted; that needs ansible-inventory on PATH");
        }
        if (data == null) {
            if (given) {
                throw CtguardException.data(file + ": the inventory file is empty");
            }
            warnings.add("skipped " + file + ": empty");
            return false;
        }
        if (!(data instanceof Map<?, ?> root)) {
            throw CtguardException.data(file + ": a YAML inventory must be a mapping of group names, not a " + kind(data));
        }
        if (root.get("plugin") != null) {
            String message = file + " configures the inventory plugin '" + root.get("plugin") + "', which needs ansible-inventory on PATH";
            if (given) {
                throw CtguardException.usage(message);
            }
            warnings.add("skipped " + message);
            return false;
        }
        for (var e : root.entrySet()) {
            parseGroup(file, e.getKey(), e.getValue(), 0);
        }
        return true;
    }

    /** Ansible's yaml plugin _parse_group; returns the group name, or null when the definition was skipped. */
    private String parseGroup(Path file, Object key, Object data, int depth) {
        if (!(key instanceof String name)) {
            throw CtguardException.data(file + ": group name " + key + " must be a string (quote it)");
        }
        if (depth > 100) {
            throw CtguardException.data(file + ": groups nested more than 100 deep");
        }
        if (!(data == null || data instanceof Map<?, ?>)) {
            warnings.add(file + ": skipped '" + name + "', not a valid group definition (a " + kind(data) + ")");
            return null;
        }
        Group group = graph.group(name);
        if (data == null) {
            return name;
        }
        Map<?, ?> sections = (Map<?, ?>) data;
        for (var section : sections.entrySet()) {
            String sectionName = String.valueOf(section.getKey());
            Object value = section.getValue();
            boolean known = sectionName.equals("vars") || sectionName.equals("children") || sectionName.equals("hosts");
            if (known && value instanceof String s) {
                Map<String, Object> single = new LinkedHashMap<>();
                single.put(s, null);
                value = single;
            }
            if (known && !(value == null || value instanceof Map<?, ?>)) {
                throw CtguardException.data(file + ": '" + sectionName + "' of group '" + name + "' must be a mapping, not a " + kind(value));
            }
            if (!(value == null || value instanceof Map<?, ?>)) {
                warnings.add(file + ": skipped key '" + sectionName + "' in group '" + name + "': not a mapping");
                continue;
            }
            if (value == null) {
                continue;
            }
            Map<?, ?> map = (Map<?, ?>) value;
            switch (sectionName) {
                case "vars" -> map.forEach((k, v) -> setGroupVar(file, group, String.valueOf(k), v));
                case "children" -> {
                    for (var child : map.entrySet()) {
                        String childName = parseGroup(file, child.getKey(), child.getValue(), depth + 1);
                        if (childName != null) {
                            graph.addChild(name, childName, file.toString());
                        }
                    }
                }
                case "hosts" -> {
                    for (var entry : map.entrySet()) {
                        parseHost(file, name, entry.getKey(), entry.getValue());
                    }
                }
                default -> warnings.add(file + ": skipped unexpected key '" + sectionName + "' in group '" + name
                        + "' (only vars, children and hosts are valid)");
            }
        }
        return name;
    }

    private void setGroupVar(Path file, Group group, String var, Object value) {
        if (var.equals("ansible_group_priority")) {
            try {
                group.priority = Integer.parseInt(String.valueOf(value).strip());
            } catch (NumberFormatException e) {
                warnings.add(file + ": ansible_group_priority '" + value + "' of group '" + group.name + "' is not a number; ignored");
            }
        }
        if (ConnectionVars.NAMES.contains(var)) {
            group.vars.put(var, new SourcedValue(value, file.toString()));
        }
    }

    private void parseHost(Path file, String group, Object key, Object vars) {
        if (!(key instanceof String pattern)) {
            throw CtguardException.data(file + ": host " + key + " in group '" + group + "' must be a string (quote it)");
        }
        if (!(vars == null || vars instanceof Map<?, ?>)) {
            throw CtguardException.data(file + ": the variables of host '" + pattern + "' must be a mapping, not a " + kind(vars));
        }
        HostRanges.Entry entry;
        try {
            entry = HostRanges.expandEntry(pattern, maxHosts);
        } catch (IllegalArgumentException e) {
            throw CtguardException.data(file + ": " + e.getMessage());
        }
        for (String name : entry.names()) {
            if (name.isBlank()) {
                throw CtguardException.data(file + ": empty host name in group '" + group + "'");
            }
            Host host = graph.addHost(group, name, entry.port(), file.toString());
            if (vars != null) {
                ((Map<?, ?>) vars).forEach((k, v) -> {
                    if (ConnectionVars.NAMES.contains(String.valueOf(k))) {
                        host.vars.put(String.valueOf(k), new SourcedValue(v, file.toString()));
                    }
                });
            }
        }
    }

    private static List<Path> sortedEntries(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString())).toList();
        } catch (IOException e) {
            throw CtguardException.usage(dir + ": cannot list it: " + YamlFiles.describe(e));
        }
    }

    /** Python's os.path.splitext extension: from the last dot, unless the name starts with it. */
    static String extension(String name) {
        int start = 0;
        while (start < name.length() && name.charAt(start) == '.') {
            start++;
        }
        int dot = name.lastIndexOf('.');
        return dot < start ? "" : name.substring(dot);
    }

    private static String kind(Object value) {
        if (value instanceof Map<?, ?>) {
            return "mapping";
        }
        if (value instanceof List<?>) {
            return "list";
        }
        return value instanceof String ? "string" : value == null ? "null" : "scalar";
    }

}
