package ctguard.core.fleet;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InventoryTest {
    private static Map<String, InventoryHost> hosts(String... names) {
        Map<String, InventoryHost> hosts = new LinkedHashMap<>();
        for (String n : names) {
            hosts.put(n, InventoryHost.named(n));
        }
        return hosts;
    }

    @Test
    void allAndUngroupedAreAddedWhenMissing() {
        Inventory inv = new Inventory(hosts("a", "b", "c"), Map.of("g", Set.of("b")), Inventory.SOURCE_YAML);
        assertEquals(List.of("a", "b", "c"), List.copyOf(inv.groups().get("all")));
        assertEquals(List.of("a", "c"), List.copyOf(inv.groups().get("ungrouped")));
        assertEquals(List.of(), inv.warnings());
    }

    @Test
    void groupMembersAreInInventoryOrder() {
        Inventory inv = new Inventory(hosts("a", "b", "c"), Map.of("g", Set.of("c", "a", "b")), Inventory.SOURCE_YAML);
        assertEquals(List.of("a", "b", "c"), List.copyOf(inv.groups().get("g")));
    }

    @Test
    void groupsOfAHost() {
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        groups.put("g1", Set.of("a"));
        groups.put("g2", Set.of("a", "b"));
        Inventory inv = new Inventory(hosts("a", "b"), groups, Inventory.SOURCE_YAML);
        assertEquals(List.of("g1", "g2"), inv.groupsOf("a"));
        assertEquals(List.of("g2"), inv.groupsOf("b"));
        assertEquals(List.of(), inv.groupsOf("zz"));
        Inventory lonely = new Inventory(hosts("a"), Map.of(), Inventory.SOURCE_YAML);
        assertEquals(List.of("ungrouped"), lonely.groupsOf("a"));
    }

    @Test
    void aGroupNamingAnUnknownHostIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new Inventory(hosts("a"), Map.of("g", Set.of("zz")), Inventory.SOURCE_YAML));
    }

    @Test
    void hostDefaults() {
        InventoryHost h = new InventoryHost("web1", null, 22, null, null);
        assertEquals("web1", h.address());
        assertEquals(InventoryHost.UNSET_PORT, InventoryHost.named("web1").port(), "the SSH client picks the port");
        assertThrows(IllegalArgumentException.class, () -> new InventoryHost("web1", null, -1, null, null));
        assertThrows(IllegalArgumentException.class, () -> new InventoryHost("web1", null, 65536, null, null));
        assertThrows(IllegalArgumentException.class, () -> new InventoryHost(" ", null, 22, null, null));
    }
}
