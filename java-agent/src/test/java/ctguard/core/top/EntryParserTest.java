package ctguard.core.top;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both entry-list formats, every field top counts, malformed lines and lines split across reads. */
class EntryParserTest {
    static TopReport.Counts parse(String text, int chunk) {
        TopCounts counts = new TopCounts(Top.STANDARD_CANDIDATES);
        EntryParser parser = new EntryParser(counts);
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        for (int off = 0; off < bytes.length; off += chunk) {
            parser.accept(bytes, off, Math.min(chunk, bytes.length - off));
        }
        parser.end();
        return counts.report(10);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = EntryParserTest.class.getResourceAsStream("/top/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void procAndConntrackToolFormatsOfTheSameTableCountTheSame() throws IOException {
        TopReport.Counts proc = parse(resource("proc-6.18.txt"), 1 << 16);
        TopReport.Counts tool = parse(resource("conntrack-L-6.18.txt"), 1 << 16);
        for (TopReport.Counts c : List.of(proc, tool)) {
            assertEquals(5, c.entries());
            assertEquals(0, c.malformed().count(), c.malformed().lines().toString());
            assertEquals(Map.of("ipv4", 3L, "ipv6", 2L), c.byL3());
            assertEquals(Map.of("tcp", 2L, "udp", 2L, "icmp", 1L), c.byL4proto());
            assertEquals(Map.of("CLOSE", 1L, "TIME_WAIT", 1L), c.byState());
            assertEquals(2L, c.byFlag().get("assured"));
            assertEquals(2L, c.byFlag().get("unreplied"));
            assertEquals(List.of(new TopReport.PortCount("tcp", 443, 1), new TopReport.PortCount("tcp", 8080, 1),
                    new TopReport.PortCount("udp", 53, 1), new TopReport.PortCount("udp", 4789, 1)), c.topDport());
            assertEquals(List.of(new TopReport.PrefixCount("127.0.0.0/24", 3), new TopReport.PrefixCount("::/64", 2)), c.topSrcPrefix());
            assertEquals(Map.of("0", 5L), c.byZone());
            assertEquals(Map.of("0", 5L), c.byMark());
        }
        assertEquals(proc, tool);
    }

    @Test
    void aLineSplitAcrossReadsOfAnySizeParsesTheSame() throws IOException {
        String text = resource("proc-6.18.txt");
        TopReport.Counts whole = parse(text, 1 << 16);
        for (int chunk : new int[] {1, 2, 7, 100, 333}) {
            assertEquals(whole, parse(text, chunk), "chunk " + chunk);
        }
        assertEquals(whole, parse(text.strip(), 64), "no newline after the last line");
        assertEquals(whole, parse(text.replace("\n", "\r\n"), 50), "CRLF");
    }

    @Test
    void accountingOffloadZonesSecctxAndLabelsAreParsed() {
        String text = String.join("\n",
                "ipv4     2 tcp      6 431999 ESTABLISHED src=10.0.0.5 dst=192.0.2.10 sport=40000 dport=443 packets=12 bytes=3400 "
                        + "src=192.0.2.10 dst=10.0.0.5 sport=443 dport=40000 packets=10 bytes=9000 [ASSURED] mark=16 secctx=system_u:object_r:unlabeled_t:s0 zone=7 use=2",
                // an offloaded entry has no timeout field, and its flag stands where [ASSURED] would
                "ipv4     2 tcp      6 ESTABLISHED src=10.0.0.6 dst=192.0.2.10 sport=40001 dport=443 src=192.0.2.10 dst=10.0.0.6 sport=443 dport=40001 [OFFLOAD] mark=0 zone=7 use=3",
                "ipv4     2 udp      17 src=10.0.1.6 dst=192.0.2.20 sport=5000 dport=6081 src=192.0.2.20 dst=10.0.1.6 sport=6081 dport=5000 [HW_OFFLOAD] mark=0 use=2",
                "ipv6     10 udp      17 25 src=2001:0db8:0000:0001:0000:0000:0000:0005 dst=2001:0db8:0000:0002:0000:0000:0000:0009 sport=5353 dport=5353 "
                        + "[UNREPLIED] src=2001:db8:0:2::9 dst=2001:db8:0:1::5 sport=5353 dport=5353 mark=0 labels=0x00000000000000000000000000000001 zone=3 use=1",
                "ipv4     2 gre      47 179 src=10.0.0.1 dst=10.0.0.2 srckey=0x0 dstkey=0x0 src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x0 [ASSURED] mark=0 use=1");
        TopReport.Counts c = parse(text, 4096);
        assertEquals(0, c.malformed().count(), c.malformed().toString());
        assertEquals(5, c.entries());
        assertEquals(Map.of("assured", 2L, "unreplied", 1L, "offload", 2L, "hw_offload", 1L), c.byFlag());
        assertEquals(1L, c.byL4proto().get("gre"));
        assertEquals(Map.of("7", 2L, "0", 2L, "3", 1L), c.byZone());
        assertEquals(4L, c.byMark().get("0"));
        assertEquals(1L, c.byMark().get("16"));
        assertEquals(new TopReport.PortCount("tcp", 443, 2), c.topDport().get(0));
        assertTrue(c.topSrcPrefix().contains(new TopReport.PrefixCount("2001:db8:0:1::/64", 1)), c.topSrcPrefix().toString());
        assertTrue(c.topDstPrefix().contains(new TopReport.PrefixCount("192.0.2.0/24", 3)), c.topDstPrefix().toString());
    }

    @Test
    void malformedLinesAreCountedWithTheirNumbersNeverThrown() {
        String good = "ipv4     2 tcp      6 119 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=1 dport=80 src=127.0.0.1 dst=127.0.0.1 sport=80 dport=1 [ASSURED] mark=0 use=2";
        String text = String.join("\n", good,
                "garbage",
                "ipv4     2 tcp      6 119 TIME_WAIT src=300.0.0.1 dst=127.0.0.1 sport=1 dport=80",
                "ipv4     2 tcp      6 119 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=1 dport=99999",
                "ipv6     10 udp      17 29 src=1:2:3 dst=::1 sport=1 dport=53",
                "ipv4     2 tcp      6 119 TIME_WAIT dst=127.0.0.1 sport=1 dport=80",
                "",
                "ipv4     2 tcp      6 119 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=1 dport=80 [BROKEN",
                "x".repeat(EntryParser.MAX_LINE + 10),
                "\u00ff\u00fe binary",
                good);
        TopReport.Counts c = parse(text, 13);
        assertEquals(2, c.entries());
        assertEquals(8, c.malformed().count());
        assertEquals(List.of("2", "3", "4", "5", "6", "8", "9", "10"), c.malformed().lines());
    }

    @Test
    void compressedAndFullIpv6AgreeIncludingAnIpv4Tail() {
        String full = "ipv6 10 udp 17 29 src=2001:0db8:00aa:0000:0000:0000:0000:0001 dst=0000:0000:0000:0000:0000:ffff:c000:0201 sport=1 dport=53 mark=0 use=1";
        String compressed = "ipv6 10 udp 17 29 src=2001:db8:aa::1 dst=::ffff:192.0.2.1 sport=1 dport=53 mark=0 use=1";
        assertEquals(parse(full, 100), parse(compressed, 100));
        assertEquals("2001:db8:aa::/64", parse(compressed, 100).topSrcPrefix().get(0).prefix());
        assertEquals("::/64", parse(compressed, 100).topDstPrefix().get(0).prefix());
    }

    @Test
    void notrackCandidatesAreCountedAndZonedOnesKeptApart() {
        String text = String.join("\n",
                "ipv4 2 udp 17 29 src=10.0.0.1 dst=10.0.0.2 sport=33000 dport=4789 src=10.0.0.2 dst=10.0.0.1 sport=4789 dport=33000 mark=0 use=1",
                "ipv4 2 udp 17 29 src=10.0.0.1 dst=10.0.0.3 sport=33001 dport=4789 src=10.0.0.3 dst=10.0.0.1 sport=4789 dport=33001 mark=0 zone=4 use=1",
                "ipv4 2 udp 17 29 src=10.0.0.1 dst=10.0.0.3 sport=33001 dport=6081 src=10.0.0.3 dst=10.0.0.1 sport=6081 dport=33001 mark=0 use=1",
                "ipv4 2 tcp 6 100 ESTABLISHED src=127.0.0.1 dst=127.0.0.1 sport=1 dport=3306 src=127.0.0.1 dst=127.0.0.1 sport=3306 dport=1 [ASSURED] mark=0 use=1");
        TopReport.Counts c = parse(text, 4096);
        Map<String, long[]> byName = new java.util.HashMap<>();
        c.candidates().forEach(k -> byName.put(k.candidate().name(), new long[] {k.entries(), k.zoned()}));
        assertEquals(List.of(2L, 1L), List.of(byName.get("VXLAN")[0], byName.get("VXLAN")[1]));
        assertEquals(1L, byName.get("GENEVE")[0]);
        assertEquals(0L, byName.get("GRE")[0]);
        assertEquals(1L, byName.get("loopback")[0]);
    }
}
