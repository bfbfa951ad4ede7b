package ctguard.io.fleet;

import ctguard.core.CtguardException;
import ctguard.core.fleet.Inventory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's InventoryData in miniature: groups (creation order) with their direct hosts and child groups, hosts
 * with their inline variables. Filled by the YAML parser or from ansible-inventory's JSON; then
 * {@link #reconcile()} applies Ansible's rules (every group under {@code all}, hosts in no group in
 * {@code ungrouped}), {@link #hostOrder()} and {@link #flattened} give the {@link Inventory}'s order and groups.
 */
final class GroupGraph {
    static final String ALL = Inventory.ALL;
    static final String UNGROUPED = Inventory.UNGROUPED;

    /** A variable's value and where it came from (a file, or ansible-inventory). */
    static final class Group {
        final String name;
        final Set<String> hosts = new LinkedHashSet<>();
        final Set<String> children = new LinkedHashSet<>();
        final Set<String> parents = new LinkedHashSet<>();
        /** Inline variables ({@code vars:} in the inventory file). */
        final Map<String, SourcedValue> vars = new LinkedHashMap<>();
        int priority = 1;

        Group(String name) {
            this.name = name;
        }
    }

    static final class Host {
        final String name;
        /** Inline host variables; for ansible-inventory, every variable Ansible resolved. */
        final Map<String, SourcedValue> vars = new LinkedHashMap<>();

        Host(String name) {
            this.name = name;
        }
    }

    final Map<String, Group> groups = new LinkedHashMap<>();
    final Map<String, Host> hosts = new LinkedHashMap<>();
    private final int maxHosts;

    GroupGraph(int maxHosts) {
        this.maxHosts = maxHosts;
        group(ALL);
        group(UNGROUPED);
        addChild(ALL, UNGROUPED, "");
    }

    Group group(String name) {
        return groups.computeIfAbsent(name, Group::new);
    }

    /** Adds the host (once) to the group; a new host gets the port its key carried as a host variable. */
    Host addHost(String groupName, String hostName, Integer port, String origin) {
        Host host = hosts.get(hostName);
        if (host == null) {
            if (hosts.size() >= maxHosts) {
                throw CtguardException.data(origin + ": more than " + maxHosts + " hosts; refusing an inventory this large");
            }
            host = new Host(hostName);
            hosts.put(hostName, host);
            if (port != null) {
                host.vars.put(ConnectionVars.PORT, new SourcedValue(port, origin));
            }
        }
        group(groupName).hosts.add(hostName);
        return host;
    }

    /** Makes child a child of parent, refusing a loop as Ansible does. */
    void addChild(String parent, String child, String origin) {
        if (parent.equals(child) || descendants(child).contains(parent)) {
            throw CtguardException.data(origin + ": group '" + child + "' as a child of '" + parent + "' makes a loop of groups");
        }
        group(parent).children.add(child);
        group(child).parents.add(parent);
    }

    /** Ansible's reconcile_inventory: orphan groups go under all; hosts in no other group go to ungrouped. */
    void reconcile() {
        for (Group g : List.copyOf(groups.values())) {
            if (!g.name.equals(ALL) && g.parents.isEmpty()) {
                addChild(ALL, g.name, "");
            }
        }
        Group ungrouped = groups.get(UNGROUPED);
        Map<String, Set<String>> direct = new HashMap<>();
        for (Group g : groups.values()) {
            for (String h : g.hosts) {
                direct.computeIfAbsent(h, k -> new HashSet<>()).add(g.name);
            }
        }
        for (Host h : hosts.values()) {
            Set<String> mine = new HashSet<>(direct.getOrDefault(h.name, Set.of()));
            mine.remove(ALL);
            if (mine.contains(UNGROUPED)) {
                if (mine.size() > 1) {
                    ungrouped.hosts.remove(h.name);
                }
            } else if (mine.isEmpty()) {
                ungrouped.hosts.add(h.name);
            }
        }
    }

    /** Groups in breadth-first order from all (children in the order they were added). */
    List<String> groupOrder() {
        List<String> order = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(ALL);
        seen.add(ALL);
        while (!queue.isEmpty()) {
            String g = queue.poll();
            order.add(g);
            for (String c : groups.get(g).children) {
                if (seen.add(c)) {
                    queue.add(c);
                }
            }
        }
        for (String g : groups.keySet()) {
            if (seen.add(g)) {
                order.add(g);
            }
        }
        return order;
    }

    /**
     * The inventory order: each group's own hosts, groups taken breadth-first from all's children (all's own host
     * list is skipped: ansible-inventory does not report it, and its hosts are in ungrouped or another group).
     * This is the order in which {@code ansible all --list-hosts} lists them, it is the same for both readers, and it
     * is the file order for the usual one-level inventory.
     */
    List<String> hostOrder() {
        Set<String> order = new LinkedHashSet<>();
        for (String g : groupOrder()) {
            if (!g.equals(ALL)) {
                order.addAll(groups.get(g).hosts);
            }
        }
        order.addAll(hosts.keySet());
        return List.copyOf(order);
    }

    /** Every group to its hosts, children included, in groupOrder(). */
    Map<String, Set<String>> flattened() {
        Map<String, Set<String>> memo = new HashMap<>();
        Map<String, Set<String>> result = new LinkedHashMap<>();
        for (String g : groupOrder()) {
            result.put(g, flatten(g, memo));
        }
        return result;
    }

    private Set<String> flatten(String root, Map<String, Set<String>> memo) {
        return postOrder(root, g -> groups.get(g).children, memo, (g, childSets) -> {
            Set<String> all = new LinkedHashSet<>(groups.get(g).hosts);
            childSets.forEach(all::addAll);
            return all;
        });
    }

    /**
     * Each group's value computed from its neighbours' (children, or parents) once those are known, with an
     * explicit stack rather than recursion, so a chain of thousands of nested groups cannot overflow the
     * stack. The relation has no loops: {@link #addChild} refuses them.
     */
    private static <T> T postOrder(String root, java.util.function.Function<String, Collection<String>> next, Map<String, T> memo,
                                   java.util.function.BiFunction<String, List<T>, T> combine) {
        Deque<String> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            String g = stack.peek();
            if (memo.containsKey(g)) {
                stack.pop();
                continue;
            }
            List<String> pending = next.apply(g).stream().filter(n -> !memo.containsKey(n)).toList();
            if (pending.isEmpty()) {
                stack.pop();
                memo.put(g, combine.apply(g, next.apply(g).stream().map(memo::get).toList()));
            } else {
                pending.forEach(stack::push);
            }
        }
        return memo.get(root);
    }

    /** Ansible's group depth: the longest chain of parents up to all (all is 0). */
    Map<String, Integer> depths() {
        Map<String, Integer> depth = new HashMap<>();
        for (String g : groups.keySet()) {
            depth(g, depth);
        }
        return depth;
    }

    private int depth(String root, Map<String, Integer> memo) {
        return postOrder(root, g -> groups.get(g).parents, memo,
                (g, parentDepths) -> parentDepths.stream().mapToInt(d -> d + 1).max().orElse(0));
    }

    /** Ansible's sort_groups: by depth, then ansible_group_priority, then name. */
    Comparator<String> precedence() {
        Map<String, Integer> depth = depths();
        return Comparator.<String>comparingInt(depth::get)
                .thenComparingInt(g -> groups.get(g).priority)
                .thenComparing(Comparator.naturalOrder());
    }

    private Set<String> descendants(String g) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(g);
        while (!todo.isEmpty()) {
            Group group = groups.get(todo.poll());
            if (group == null) {
                continue;
            }
            for (String c : group.children) {
                if (seen.add(c)) {
                    todo.add(c);
                }
            }
        }
        return seen;
    }
}
