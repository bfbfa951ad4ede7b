package ctguard.core.fleet;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Host ranges and host:port keys in inventories (HostRanges, HostAddress). */
class InventoryRangesTest {
    private static List<String> expand(String pattern) {
        return HostRanges.expand(pattern, HostRanges.DEFAULT_LIMIT);
    }

    private static String refused(String pattern) {
        return assertThrows(IllegalArgumentException.class, () -> HostRanges.expand(pattern, 1000)).getMessage();
    }

    @Test
    void zeroPaddedNumericRange() {
        List<String> names = expand("cmp[001:040].example.org");
        assertEquals(40, names.size());
        assertEquals("cmp001.example.org", names.get(0));
        assertEquals("cmp010.example.org", names.get(9));
        assertEquals("cmp040.example.org", names.get(39));
    }

    @Test
    void unpaddedNumericRangeAndEmptyStart() {
        assertEquals(List.of("n8", "n9", "n10"), expand("n[8:10]"));
        assertEquals(List.of("n0", "n1", "n2"), expand("n[:2]"));
        assertEquals(List.of("n0", "n1"), expand("n[0:1]"));
    }

    @Test
    void alphabeticRange() {
        assertEquals(List.of("node-a", "node-b", "node-c"), expand("node-[a:c]"));
        assertEquals(List.of("xy", "yy", "zy", "Ay", "By"), expand("[x:B]y"), "a-z then A-Z, as Python's ascii_letters");
    }

    @Test
    void step() {
        assertEquals(List.of("n1", "n5", "n9"), expand("n[1:9:4]"));
        assertEquals(List.of("n01", "n04", "n07", "n10"), expand("n[01:10:3]"));
        assertEquals(List.of("a", "c", "e"), expand("[a:e:2]"));
    }

    @Test
    void severalRangesMultiply() {
        assertEquals(List.of("r1-a", "r1-b", "r2-a", "r2-b"), expand("r[1:2]-[a:b]"));
        assertEquals(List.of("10.0.0.1", "10.0.0.2", "10.0.0.3"), expand("10.0.0.[1:3]"));
    }

    @Test
    void noRangeIsTheNameItself() {
        assertEquals(List.of("web1.example.org"), expand("web1.example.org"));
    }

    @Test
    void malformedRangesAreRefused() {
        assertTrue(refused("n[1:2:3:4]").contains("begin:end"));
        assertTrue(refused("n[01:100]").contains("equally long"));
        assertTrue(refused("n[c:a]").contains("begin <= end"));
        assertTrue(refused("n[1:]").contains("end value"));
        assertTrue(refused("n[x:10]").contains("neither a number nor a single letter"));
        assertTrue(refused("n[1:5:0]").contains("positive step"));
        assertTrue(refused("n[1:2]x|y").contains("bracket"));
        assertEquals(List.of("n1", "n2"), expand("n]1:2["), "Ansible takes the first ] wherever it is");
    }

    @Test
    void hugeExpansionsAreRefused() {
        assertTrue(refused("n[0:99999999999]").contains("more than 1000 hosts"));
        assertTrue(refused("n[0:99]-[0:99]").contains("more than 1000 hosts"));
    }

    @Test
    void hostKeysMayCarryAPort() {
        HostRanges.Entry e = HostRanges.expandEntry("web1.example.org:2222", 10);
        assertEquals(List.of("web1.example.org"), e.names());
        assertEquals(2222, e.port());
        e = HostRanges.expandEntry("[2001:db8::7]:2224", 10);
        assertEquals(List.of("2001:db8::7"), e.names());
        assertEquals(2224, e.port());
        e = HostRanges.expandEntry("cmp[01:02]:22", 10);
        assertEquals(List.of("cmp01", "cmp02"), e.names());
        assertEquals(22, e.port());
        e = HostRanges.expandEntry("2001:db8::7", 10);
        assertEquals(List.of("2001:db8::7"), e.names());
        assertNull(e.port());
        e = HostRanges.expandEntry("10.1.2.3:2200", 10);
        assertEquals(List.of("10.1.2.3"), e.names());
        assertEquals(2200, e.port());
    }

    @Test
    void keysThatAreNotHostIdentifiersStayWhole() {
        HostRanges.Entry e = HostRanges.expandEntry("not a host:22", 10);
        assertEquals(List.of("not a host:22"), e.names());
        assertNull(e.port());
    }

    @Test
    void hostAddressParsing() {
        assertEquals(new HostAddress("::1", null), HostAddress.parse("::1", false).orElseThrow());
        assertEquals(new HostAddress("db-1.example.org", 2022), HostAddress.parse("db-1.example.org:2022", false).orElseThrow());
        assertTrue(HostAddress.parse("cmp[01:02]", false).isEmpty(), "ranges not allowed");
        assertTrue(HostAddress.parse("cmp[01:02]", true).isPresent());
        assertTrue(HostAddress.parse("web:db", true).isEmpty());
        assertTrue(HostAddress.parse("bad_", true).isEmpty(), "a label may not end with _ or -");
    }
}
