package ctguard.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The check action's counter baseline over the window, on in-memory ports. */
class CheckTest {
    /** A counter history in memory that counts its writes. */
    private static final class MemoryHistory implements CounterHistory {
        CounterSample kept;
        int writes;
        String refuse;

        @Override
        public Optional<CounterSample> last() {
            return Optional.ofNullable(kept);
        }

        @Override
        public String record(CounterSample sample) {
            if (refuse != null) {
                return refuse;
            }
            kept = sample;
            writes++;
            return null;
        }

        @Override
        public String location() {
            return "/state/counters.json";
        }
    }

    private static final KernelLog QUIET = since -> new LogScan(true, "test", 0, null, since.toSeconds(), null, java.util.Map.of());
    private static final Check.Options HOUR = new Check.Options(CheckPolicy.DEFAULT, MemoryBudget.DEFAULT, Duration.ofHours(1));

    private static Result check(FakeNode node, MemoryHistory history) {
        return new Check(node, QUIET, history, node).run(HOUR);
    }

    private static void drops(FakeNode node, long drop) {
        node.stats = new ConntrackStats(drop, 0L, 0L, 0L, 0L, 0L);
    }

    @Test
    void anOldDropWarnsOnceThenNotAgainAndANewOneWarnsUntilTheWindowHasPassed() {
        FakeNode node = new FakeNode();
        MemoryHistory history = new MemoryHistory();
        drops(node, 41);
        assertEquals(Status.WARNING, check(node, history).verdict().status(), "no baseline yet: totals since boot");
        node.now = node.now.plusSeconds(60);
        assertEquals(Status.OK, check(node, history).verdict().status(), "nothing rose since the baseline");

        drops(node, 44);
        node.now = node.now.plusSeconds(60);
        Result rose = check(node, history);
        assertEquals(Status.WARNING, rose.verdict().status());
        assertEquals(3L, rose.statsIncrease().increase().drop());
        node.now = node.now.plusSeconds(60);
        assertEquals(Status.WARNING, check(node, history).verdict().status(), "a retry within the window sees the same rise");
        assertEquals(1, history.writes, "the baseline is kept while younger than the window");

        node.now = node.now.plusSeconds(3600);
        assertEquals(Status.WARNING, check(node, history).verdict().status(), "the check that renews the baseline still judges the old window");
        assertEquals(2, history.writes);
        node.now = node.now.plusSeconds(60);
        assertEquals(Status.OK, check(node, history).verdict().status(), "after the window the old drop no longer counts");
    }

    @Test
    void anotherBootStartsAFreshBaseline() {
        FakeNode node = new FakeNode();
        MemoryHistory history = new MemoryHistory();
        drops(node, 41);
        check(node, history);
        node.bootId = "3c0ffee0-0000-4000-8000-000000000000";
        drops(node, 2);
        node.now = node.now.plusSeconds(60);
        Result afterReboot = check(node, history);
        assertNull(afterReboot.statsIncrease());
        assertEquals(Status.WARNING, afterReboot.verdict().status(), "drops since this boot");
        assertEquals("3c0ffee0-0000-4000-8000-000000000000", history.kept.bootId());
    }

    @Test
    void anUnwritableHistoryIsSaidAndTotalsAreJudged() {
        FakeNode node = new FakeNode();
        MemoryHistory history = new MemoryHistory();
        history.refuse = "permission denied";
        drops(node, 41);
        Result r = check(node, history);
        assertEquals(Status.WARNING, r.verdict().status());
        assertTrue(r.warnings().stream().anyMatch(w -> w.contains("/state/counters.json not kept (permission denied)")), r.warnings().toString());
    }

    @Test
    void whatANonRootUserCannotReadIsNamedInTheVerdictAndNothingWhenAllWasRead() {
        FakeNode node = new FakeNode();
        MemoryHistory history = new MemoryHistory();
        assertEquals(java.util.List.of(), check(node, history).verdict().notRead());

        history.refuse = "cannot write /var/lib/conntrack-guard: permission denied";
        node.namespacesNote = "12 processes' network namespaces are not readable (needs root)";
        node.slabUnreadable = true;
        node.stats = null;
        KernelLog restricted = since -> LogScan.unreadable("dmesg", since.toSeconds(), "dmesg failed: Operation not permitted");
        Result r = new Check(node, restricted, history, node).run(HOUR);
        assertEquals(java.util.List.of("kernel log", "conntrack counters", "other namespaces", "slab (entry size assumed)"),
                r.verdict().notRead());
        assertEquals(Status.OK, r.verdict().status(), "what was not read is said, not judged");
    }

    @Test
    void aKernelLogTheOperatorTurnedOffIsNotReportedAsUnread() {
        FakeNode node = new FakeNode();
        KernelLog off = since -> LogScan.unreadable("none", since.toSeconds(), "kernel log not searched (--kernel-log none)");
        assertEquals(java.util.List.of(), new Check(node, off, new MemoryHistory(), node).run(HOUR).verdict().notRead());
    }

    @Test
    void anUnkeptBaselineIsUnreadWhenTheCountersThemselvesWereRead() {
        FakeNode node = new FakeNode();
        MemoryHistory history = new MemoryHistory();
        history.refuse = "permission denied";
        assertEquals(java.util.List.of("counter baseline (drops judged since boot)"), check(node, history).verdict().notRead());
    }
}
