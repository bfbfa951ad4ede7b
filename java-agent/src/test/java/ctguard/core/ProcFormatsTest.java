package ctguard.core;

import ctguard.io.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcFormatsTest {
    private static final String HEADER_6X =
            "entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart";
    private static final String HEADER_4X =
            "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart";
    /** 5.9 to 5.14: clashres replaced searched, delete_list not yet chainlength. */
    private static final String HEADER_5X =
            "entries  clashres found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart";
    /** 2.6-era layout: no search_restart column. */
    private static final String HEADER_OLD =
            "entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete";

    private static String fixture(String tree, String file) throws IOException {
        return Files.readString(Fixtures.source(tree).resolve(file));
    }

    private static CtguardException dataError(Runnable r) {
        CtguardException e = assertThrows(CtguardException.class, r::run);
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        return e;
    }

    // --- stats -------------------------------------------------------------------------------------

    @Test
    void statsSumsTheLinux618FixtureByHeaderName() throws IOException {
        // rows: drop 0x1a+0x0f, early_drop 0x3+0, insert_failed 0x1+0x2, search_restart 0x10+0xff
        ConntrackStats s = ProcFormats.stats(fixture(Fixtures.LINUX_6_18, "proc/net/stat/nf_conntrack"));
        assertEquals(new ConntrackStats(41L, 3L, 3L, 271L, 5L, 5L), s);
    }

    @Test
    void statsSumsTheLinux415FixtureWithTheOlderHeader() throws IOException {
        // drop 0x1f+0x0a+0+0x100, early_drop 0+2+0+0, insert_failed 0xc+0x7+0+0x1, search_restart 0x2b+0x11+0x5+0
        ConntrackStats s = ProcFormats.stats(fixture(Fixtures.LINUX_4_15, "proc/net/stat/nf_conntrack"));
        assertEquals(new ConntrackStats(297L, 2L, 20L, 65L, null, null), s);
    }

    @Test
    void statsSumsInlineRowsForBothLayouts() {
        String row1 = "000003e8  00000001 00000002 00000003 00000004 00000005 00000006 00000007 00000008 00000009 0000000a 0000000b 0000000c  0000000d 0000000e 0000000f 00000010";
        String row2 = "000003e8  00000100 00000200 00000300 00000400 00000500 00000600 00000700 00000800 00000900 00000a00 00000b00 00000c00  00000d00 00000e00 00000f00 00001000";
        // 6.x (5.15+): clashres is column 1, chainlength column 7; 5.9-5.14: clashres but still delete_list; 4.x: neither
        assertEquals(new ConntrackStats(0xa + 0xa00L, 0xb + 0xb00L, 0x9 + 0x900L, 0x10 + 0x1000L, 0x7 + 0x700L, 0x1 + 0x100L),
                ProcFormats.stats(HEADER_6X + "\n" + row1 + "\n" + row2 + "\n"));
        assertEquals(new ConntrackStats(0xa + 0xa00L, 0xb + 0xb00L, 0x9 + 0x900L, 0x10 + 0x1000L, null, 0x1 + 0x100L),
                ProcFormats.stats(HEADER_5X + "\n" + row1 + "\n" + row2 + "\n"));
        assertEquals(new ConntrackStats(0xa + 0xa00L, 0xb + 0xb00L, 0x9 + 0x900L, 0x10 + 0x1000L, null, null),
                ProcFormats.stats(HEADER_4X + "\n" + row1 + "\n" + row2 + "\n"));
    }

    @Test
    void statsFindsColumnsByNameNotPosition() {
        String text = """
                search_restart drop entries insert_failed early_drop
                00000001 00000010 000003e8 00000100 00001000
                00000002 00000020 000003e8 00000200 00002000
                """;
        assertEquals(new ConntrackStats(0x30L, 0x3000L, 0x300L, 0x3L, null, null), ProcFormats.stats(text));
    }

    @Test
    void statsDoesNotSumEntries() {
        // "entries" is the global count repeated on every row; a column called drop/early_drop/... never
        // takes it. Putting large values only in entries checks none of them leaks into a sum.
        String text = HEADER_6X + "\n"
                + "ffffffff  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n"
                + "ffffffff  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n";
        assertEquals(new ConntrackStats(0L, 0L, 0L, 0L, 0L, 0L), ProcFormats.stats(text));
    }

    @Test
    void statsReturnsNullForAColumnTheHeaderLacks() {
        String text = HEADER_OLD + "\n"
                + "00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000004 00000005 00000006 00000000  00000000 00000000 00000000\n"
                + "00000010  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001 00000001 00000001 00000000  00000000 00000000 00000000\n";
        ConntrackStats s = ProcFormats.stats(text);
        assertEquals(6L, s.drop());
        assertEquals(7L, s.earlyDrop());
        assertEquals(5L, s.insertFailed());
        assertNull(s.searchRestart());
    }

    @Test
    void statsRejectsARowWithTheWrongColumnCount() {
        String text = HEADER_6X + "\n"
                + "000003e8  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000\n"
                + "000003e8  00000000 00000000\n";
        CtguardException e = dataError(() -> ProcFormats.stats(text));
        assertTrue(e.getMessage().contains("row 2 has 3 columns, its header 17"), e.getMessage());
    }

    @Test
    void statsRejectsNonHexCells() {
        String text = HEADER_6X + "\n"
                + "000003e8  00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 0000zz00 00000000 00000000  00000000 00000000 00000000 00000000\n";
        CtguardException e = dataError(() -> ProcFormats.stats(text));
        assertTrue(e.getMessage().contains("'0000zz00' is not hexadecimal"), e.getMessage());
    }

    @Test
    void statsRejectsAHeaderWithoutRows() {
        dataError(() -> ProcFormats.stats(HEADER_6X + "\n"));
        dataError(() -> ProcFormats.stats(""));
    }

    // --- memTotal ----------------------------------------------------------------------------------

    @Test
    void memTotalIsInBytes() throws IOException {
        assertEquals(24731708L * 1024, ProcFormats.memTotal(fixture(Fixtures.LINUX_6_18, "proc/meminfo")));
        assertEquals(16390424L * 1024, ProcFormats.memTotal(fixture(Fixtures.LINUX_4_15, "proc/meminfo")));
        assertEquals(2048L * 1024, ProcFormats.memTotal("MemFree:  1 kB\nMemTotal:    2048 kB\n"));
    }

    @Test
    void memTotalMissingOrMalformedIsADataError() {
        dataError(() -> ProcFormats.memTotal("MemFree:  1 kB\nMemAvailable: 2 kB\n"));
        dataError(() -> ProcFormats.memTotal("MemTotal:  lots kB\n"));
    }

    // --- slabObjectSize ----------------------------------------------------------------------------

    @Test
    void slabObjectSizeReadsTheObjsizeColumn() throws IOException {
        assertEquals(256L, ProcFormats.slabObjectSize(fixture(Fixtures.LINUX_6_18, "proc/slabinfo")));
        // the 4.15 slabinfo lists nf_conntrack_expect (224) first: only the exact name counts
        assertEquals(320L, ProcFormats.slabObjectSize(fixture(Fixtures.LINUX_4_15, "proc/slabinfo")));
    }

    @Test
    void slabObjectSizeIsNullWhenTheSlabIsNotListed() throws IOException {
        assertNull(ProcFormats.slabObjectSize(fixture(Fixtures.LINUX_NOPROCFS, "proc/slabinfo")));
        assertNull(ProcFormats.slabObjectSize(""));
    }

    @Test
    void slabObjectSizeNonNumericIsADataError() {
        dataError(() -> ProcFormats.slabObjectSize("nf_conntrack 10 10 big 16 1 : tunables 0 0 0 : slabdata 1 1 0\n"));
    }

    // --- netnsInode --------------------------------------------------------------------------------

    @Test
    void netnsInodeParsesTheLinkTarget() {
        assertEquals(ProcFormats.INITIAL_NETNS_INODE, ProcFormats.netnsInode("net:[4026531833]"));
        assertEquals(4026532177L, ProcFormats.netnsInode(" net:[4026532177]\n"));
    }

    @Test
    void netnsInodeIsNullForAnythingElse() {
        assertNull(ProcFormats.netnsInode(null));
        assertNull(ProcFormats.netnsInode(""));
        assertNull(ProcFormats.netnsInode("mnt:[4026531841]"));
        assertNull(ProcFormats.netnsInode("net:[]"));
        assertNull(ProcFormats.netnsInode("net:[abc]"));
        assertNull(ProcFormats.netnsInode("/proc/self/ns/net"));
    }

    @Test
    void netnsInodeFromTheFixtureLinks() throws IOException {
        Path net = Path.of("proc", "self", "ns", "net");
        assertEquals(4026531833L, ProcFormats.netnsInode(Files.readSymbolicLink(Fixtures.source(Fixtures.LINUX_6_18).resolve(net)).toString()));
        assertEquals(4026531833L, ProcFormats.netnsInode(Files.readSymbolicLink(Fixtures.source(Fixtures.LINUX_4_15).resolve(net)).toString()));
        assertEquals(4026532177L, ProcFormats.netnsInode(Files.readSymbolicLink(Fixtures.source(Fixtures.LINUX_NOPROCFS).resolve(net)).toString()));
    }

    // --- integer -----------------------------------------------------------------------------------

    @Test
    void integerTrimsWhitespace() {
        assertEquals(262144L, ProcFormats.integer("nf_conntrack_max", "262144\n"));
        assertEquals(-1L, ProcFormats.integer("x", "  -1 \n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\n", "abc", "12 34", "0x10", "1.5", "99999999999999999999"})
    void integerRejectsBadInput(String text) {
        CtguardException e = dataError(() -> ProcFormats.integer("/proc/sys/net/netfilter/nf_conntrack_max", text));
        assertTrue(e.getMessage().startsWith("/proc/sys/net/netfilter/nf_conntrack_max holds '"), e.getMessage());
        assertTrue(e.getMessage().endsWith("not an integer"), e.getMessage());
    }

    @Test
    void integerAbbreviatesLongInput() {
        CtguardException e = dataError(() -> ProcFormats.integer("src", "x".repeat(100)));
        assertTrue(e.getMessage().contains("'" + "x".repeat(40) + "…'"), e.getMessage());
    }
}
