package ctguard.core.fleet;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An Ansible inventory reduced to what a fleet run needs.
 *
 * @param hosts    host name to host, in inventory order (the order every selection is returned in)
 * @param groups   every group, including {@code all} and {@code ungrouped}, to the names of its hosts with child
 *                 groups flattened in (a group's set is in inventory order); an empty group maps to an empty set
 * @param source   how it was read: {@link #SOURCE_ANSIBLE_INVENTORY} or {@link #SOURCE_YAML}
 * @param warnings things the caller should tell the user (unevaluated templates, skipped files, ...)
 */
public record Inventory(Map<String, InventoryHost> hosts, Map<String, Set<String>> groups, String source,
                        List<String> warnings) {
    /** Read by running {@code ansible-inventory --list}: Ansible's own semantics. */
    public static final String SOURCE_ANSIBLE_INVENTORY = "ansible-inventory";
    /** Read by ctguard's own YAML parser (no Ansible on PATH). */
    public static final String SOURCE_YAML = "yaml";
    public static final String ALL = "all";
    public static final String UNGROUPED = "ungrouped";

    /**
     * Copies everything (immutable, order kept). Adds {@code all} (every host) and {@code ungrouped} (hosts in no
     * other group) when missing, and puts each group's members in inventory order.
     *
     * @throws IllegalArgumentException when a group names a host that is not in {@code hosts}, or a key differs from
     *                                  its host's name
     */
    public Inventory {
        Objects.requireNonNull(hosts, "hosts");
        Objects.requireNonNull(groups, "groups");
        Objects.requireNonNull(source, "source");
        Map<String, InventoryHost> hostCopy = new LinkedHashMap<>();
        Map<String, Integer> index = new HashMap<>();
        hosts.forEach((name, host) -> {
            if (!name.equals(host.name())) {
                throw new IllegalArgumentException("host key " + name + " differs from the host's name " + host.name());
            }
            index.put(name, index.size());
            hostCopy.put(name, host);
        });
        Map<String, Set<String>> groupCopy = new LinkedHashMap<>();
        if (!groups.containsKey(ALL)) {
            groupCopy.put(ALL, hostCopy.keySet());
        }
        if (!groups.containsKey(UNGROUPED)) {
            Set<String> grouped = new HashSet<>();
            groups.forEach((group, members) -> {
                if (!group.equals(ALL)) {
                    grouped.addAll(members);
                }
            });
            Set<String> ungrouped = new LinkedHashSet<>(hostCopy.keySet());
            ungrouped.removeAll(grouped);
            groupCopy.put(UNGROUPED, ungrouped);
        }
        groupCopy.putAll(groups);
        groupCopy.replaceAll((group, members) -> {
            List<String> ordered = new ArrayList<>(new LinkedHashSet<>(members));
            for (String member : ordered) {
                if (!index.containsKey(member)) {
                    throw new IllegalArgumentException("group " + group + " names host " + member + ", which is not in the inventory");
                }
            }
            ordered.sort((a, b) -> Integer.compare(index.get(a), index.get(b)));
            return Collections.unmodifiableSet(new LinkedHashSet<>(ordered));
        });
        hosts = Collections.unmodifiableMap(hostCopy);
        groups = Collections.unmodifiableMap(groupCopy);
        warnings = List.copyOf(warnings == null ? List.of() : warnings);
    }

    public Inventory(Map<String, InventoryHost> hosts, Map<String, Set<String>> groups, String source) {
        this(hosts, groups, source, List.of());
    }

    /** The host of that name, or null. */
    public InventoryHost host(String name) {
        return hosts.get(name);
    }

    /** The groups a host belongs to (directly or through a child group), {@code all} excluded, in group order. */
    public List<String> groupsOf(String hostName) {
        List<String> result = new ArrayList<>();
        groups.forEach((group, members) -> {
            if (!group.equals(ALL) && members.contains(hostName)) {
                result.add(group);
            }
        });
        return result;
    }
}
