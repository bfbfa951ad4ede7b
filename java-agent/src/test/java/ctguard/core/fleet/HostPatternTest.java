package ctguard.core.fleet;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostPatternTest {
    /** ctl1-3 (control), net1-2 (network), cmp001-010 (compute; cmp009-010 also gpu), openstack = all three; lonely. */
    private static final Inventory INV = inventory();

    private static Inventory inventory() {
        Map<String, InventoryHost> hosts = new LinkedHashMap<>();
        List<String> control = List.of("ctl1", "ctl2", "ctl3");
        List<String> network = List.of("net1", "net2");
        List<String> compute = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            compute.add(String.format("cmp%03d", i));
        }
        for (List<String> names : List.of(control, network, compute, List.of("lonely.example.org"))) {
            names.forEach(n -> hosts.put(n, InventoryHost.named(n)));
        }
        Set<String> openstack = new LinkedHashSet<>(control);
        openstack.addAll(network);
        openstack.addAll(compute);
        Map<String, Set<String>> groups = new LinkedHashMap<>();
        groups.put("openstack", openstack);
        groups.put("control", Set.copyOf(control));
        groups.put("network", Set.copyOf(network));
        groups.put("compute", Set.copyOf(compute));
        groups.put("gpu", Set.of("cmp010", "cmp009"));
        return new Inventory(hosts, groups, Inventory.SOURCE_YAML);
    }

    private static List<String> select(String limit) {
        return HostPattern.select(INV, limit);
    }

    private static List<String> compute(int... numbers) {
        List<String> names = new ArrayList<>();
        for (int n : numbers) {
            names.add(String.format("cmp%03d", n));
        }
        return names;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static CtguardException refused(String limit) {
        CtguardException e = assertThrows(CtguardException.class, () -> select(limit));
        assertEquals(ExitCode.USAGE, e.exitCode());
        return e;
    }

    @Test
    void noLimitSelectsEveryHostInInventoryOrder() {
        List<String> all = List.copyOf(INV.hosts().keySet());
        assertEquals(16, all.size());
        assertEquals(all, select(null));
        assertEquals(all, select(""));
        assertEquals(all, select("  "));
        assertEquals(all, select("all"));
        assertEquals(all, select("*"));
    }

    @Test
    void hostAndGroupNames() {
        assertEquals(List.of("net2"), select("net2"));
        assertEquals(List.of("ctl1", "ctl2", "ctl3"), select("control"));
        assertEquals(List.of("lonely.example.org"), select("ungrouped"));
        assertEquals(List.of("lonely.example.org"), select("lonely.example.org"));
    }

    @Test
    void aParentGroupIncludesItsChildren() {
        assertEquals(15, select("openstack").size());
        assertTrue(!select("openstack").contains("lonely.example.org"));
    }

    @Test
    void unionWithColonsOrCommasAndWhitespace() {
        List<String> expected = List.of("ctl1", "ctl2", "ctl3", "net1", "net2");
        assertEquals(expected, select("network:control"));
        assertEquals(expected, select("network,control"));
        assertEquals(expected, select(" network , control "));
        assertEquals(expected, select("control:network:control"));
    }

    @Test
    void resultIsInInventoryOrderWhateverTheOrderOfTerms() {
        assertEquals(List.of("ctl3", "net1", "cmp002"), select("cmp002,net1,ctl3"));
        assertEquals(concat(List.of("ctl1"), compute(9, 10)), select("gpu:ctl1"));
    }

    @Test
    void globsOnHostNames() {
        assertEquals(compute(1, 2, 3, 4, 5, 6, 7, 8, 9), select("cmp00*"));
        assertEquals(List.of("ctl1", "ctl2", "ctl3"), select("ctl?"));
        assertEquals(compute(1, 2, 3), select("cmp00[1-3]*"));
        assertEquals(compute(4, 5, 6, 7, 8, 9), select("cmp00[!1-3]*"));
        assertEquals(List.of("net2"), select("net[!1]"));
        assertEquals(List.of("lonely.example.org"), select("*.example.org"));
        assertEquals(List.of("lonely.example.org"), select("lonely.*"));
    }

    @Test
    void globsOnGroupNames() {
        assertEquals(compute(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), select("comp*"));
        assertEquals(List.of("net1", "net2"), select("*work"));
        assertEquals(concat(List.of("ctl1", "ctl2", "ctl3"), compute(9, 10)), select("[cg][op][nu]*"));
    }

    @Test
    void regexAfterTildeIsAnchoredAtTheStartOnly() {
        assertEquals(compute(1, 2, 3, 10), select("~cmp0(0[1-3]|10)"));
        assertEquals(List.of("ctl1", "ctl2", "ctl3"), select("~ctl"));
        assertEquals(List.of("ctl1", "net1"), select("~(net|ctl)1$"));
        assertEquals(compute(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), select("~c.mp.*"), "regex on group names too");
    }

    @Test
    void anInvalidRegexIsAUsageError() {
        assertTrue(refused("~(cmp").getMessage().contains("not a valid regular expression"));
    }

    @Test
    void exclusion() {
        assertEquals(List.of("ctl1", "ctl2", "ctl3", "net1", "net2"), select("openstack:!compute"));
        assertEquals(List.of("ctl1", "ctl2", "ctl3", "net1", "net2", "cmp010", "lonely.example.org"), select("all:!cmp00*"));
        assertEquals(List.of("ctl1", "ctl2", "ctl3", "net1", "net2", "lonely.example.org"), select("!compute"),
                "only exclusions: from all");
        assertEquals(List.of("ctl2", "ctl3"), select("control,!ctl1"));
    }

    @Test
    void intersection() {
        assertEquals(compute(9, 10), select("compute:&gpu"));
        assertEquals(List.of("ctl1", "net1", "cmp001"), select("openstack:&~.*1$"));
        assertEquals(compute(9, 10), select("&gpu"), "only an intersection: with all");
    }

    @Test
    void unionFirstThenIntersectionsThenExclusionsWhateverTheOrderWritten() {
        assertEquals(List.of("ctl2", "ctl3"), select("!ctl1:control"));
        assertEquals(compute(9), select("&gpu:compute:!cmp010"));
        assertEquals(compute(9), select("!cmp010:&gpu:compute"));
        assertEquals(List.of("ctl1", "ctl3"), select("control:!ctl2:&ctl*"));
        // the intersection applies to the whole union, not just the term before it
        assertEquals(List.of("ctl1", "net1"), select("control:&~.*1$:network"));
        // an exclusion also beats a host named in the union
        assertEquals(List.of("ctl1", "ctl3"), select("ctl2:!ctl2:control"));
    }

    @Test
    void subscriptsSelectByPosition() {
        assertEquals(compute(1), select("compute[0]"));
        assertEquals(compute(10), select("compute[-1]"));
        assertEquals(compute(2, 3, 4), select("compute[1:3]"));
        assertEquals(compute(9, 10), select("compute[8:]"));
        assertTrue(refused("compute[10]").getMessage().contains("no host at position 10"));
    }

    @Test
    void aTrailingBracketIsASubscriptAsInAnsibleNotAGlobSet() {
        // 'cmp00[1-3]' means hosts 1 to 3 of 'cmp00', which matches nothing; 'cmp00[1-3]*' is the glob
        CtguardException e = refused("cmp00[1-3]");
        assertEquals("{limit} 'cmp00[1-3]' matches no host in the inventory", e.getMessage());
    }

    @Test
    void aLimitMatchingNothingIsAUsageError() {
        assertEquals("{limit} 'nosuch' matches no host in the inventory", refused("nosuch").getMessage());
        assertEquals("{limit} 'x' matches no host in the inventory", refused("x").getMessage());
        assertEquals("{limit} 'control:&network' matches no host in the inventory", refused("control:&network").getMessage());
        assertEquals("{limit} 'openstack:!openstack' matches no host in the inventory", refused("openstack:!openstack").getMessage());
    }

    @Test
    void aTermMatchingNothingIsAnErrorEvenWhenOthersMatch() {
        assertEquals("{limit} 'control:contrl': 'contrl' matches no host or group in the inventory",
                refused("control:contrl").getMessage());
        assertTrue(refused("control:!cmp9*").getMessage().contains("'cmp9*' matches no host or group"));
        assertTrue(refused("control:&nosuch").getMessage().contains("'nosuch' matches no host or group"));
    }

    @Test
    void anEmptyGroupIsNotATypo() {
        Inventory inv = new Inventory(Map.of("a", InventoryHost.named("a")), Map.of("empty", Set.of(), "g", Set.of("a")), Inventory.SOURCE_YAML);
        assertEquals(List.of("a"), HostPattern.select(inv, "g:empty"));
        CtguardException e = assertThrows(CtguardException.class, () -> HostPattern.select(inv, "empty"));
        assertEquals("{limit} 'empty' matches no host in the inventory", e.getMessage());
    }

    @Test
    void limitFilesAreRefused() {
        assertTrue(refused("@retry.txt").getMessage().contains("not supported"));
    }

    @Test
    void splitFollowsAnsible() {
        assertEquals(List.of("a", "!b", "&c"), HostPattern.split("a:!b:&c"));
        assertEquals(List.of("a", "b:c"), HostPattern.split("a, b:c"), "with a comma, colons do not separate");
        assertEquals(List.of("web1:2222"), HostPattern.split("web1:2222"));
        assertEquals(List.of("::1"), HostPattern.split("::1"));
        assertEquals(List.of("cmp[001:003]"), HostPattern.split("cmp[001:003]"));
        assertEquals(List.of("cmp[01:03]", "!x"), HostPattern.split("cmp[01:03]:!x"));
        assertEquals(List.of("a", "b"), HostPattern.split("a,,b,"));
    }

    @Test
    void selectHostsGivesTheHosts() {
        assertEquals(List.of(INV.host("net1"), INV.host("net2")), HostPattern.selectHosts(INV, "network"));
    }
}
