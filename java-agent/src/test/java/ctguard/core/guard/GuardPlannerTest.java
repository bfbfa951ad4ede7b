package ctguard.core.guard;

import ctguard.core.RehashStall;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** guard's decisions: trigger, lead (time-to-full), step, ceiling, cooldown, buckets and the stall bound. */
class GuardPlannerTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final GuardPolicy POLICY = new GuardPolicy(0.70, Duration.ofSeconds(30), Duration.ofSeconds(20), 8,
            Duration.ofMillis(50), new RehashStall(Duration.ofNanos(100), Duration.ZERO), Duration.ofSeconds(10));

    /** One sample a second with these counts against max and buckets. */
    private static List<GuardSample> samples(long max, long buckets, long... counts) {
        List<GuardSample> s = new ArrayList<>();
        for (int i = 0; i < counts.length; i++) {
            s.add(new GuardSample(T0.plusSeconds(i), counts[i], max, buckets, 0L));
        }
        return s;
    }

    private static GuardDecision decide(List<GuardSample> samples, long ceiling, Instant lastRaise) {
        return GuardPlanner.decide(samples, POLICY, ceiling, lastRaise, false);
    }

    @Test
    void belowTheTriggerAndFarFromFullNothingIsDone() {
        GuardDecision d = decide(samples(100_000, 65536, 10_000, 10_100, 10_200), 1 << 20, null);
        assertEquals(GuardDecision.Kind.NONE, d.kind());
        assertEquals(898, d.secondsToFull(), 1, "89,800 free at 100 inserts/s");
    }

    @Test
    void atTheTriggerMaxDoubles() {
        GuardDecision d = decide(samples(100_000, 65536, 70_000, 70_000), 1 << 20, null);
        assertEquals(GuardDecision.Kind.RAISE, d.kind());
        assertEquals(200_000, d.newMax());
        assertEquals(0, d.newBuckets(), "200000 over 65536 buckets is 3 a chain");
        assertTrue(d.reason().startsWith("70.0% full, at or above the trigger 70.0%; max 100000 -> 200000"), d.reason());
    }

    @Test
    void aFastRiseRaisesBeforeTheTriggerWhenTimeToFullIsUnderTheLead() {
        // 40 % full, rising 2000/s: 60000 free is 30 s away... 2500/s makes it 24 s
        GuardDecision d = decide(samples(100_000, 65536, 30_000, 32_500, 35_000, 37_500, 40_000), 1 << 20, null);
        assertEquals(GuardDecision.Kind.RAISE, d.kind());
        assertEquals(24, d.secondsToFull(), 0.5);
        assertTrue(d.reason().startsWith("full in 24 s at 2500 inserts/s, within the lead of 30s"), d.reason());
    }

    @Test
    void theStepStopsAtTheCeilingAndAtItGuardSaysSoOnce() {
        GuardDecision capped = decide(samples(100_000, 65536, 90_000), 150_000, null);
        assertEquals(150_000, capped.newMax());
        assertTrue(capped.reason().contains("(the budget's ceiling)"), capped.reason());
        GuardDecision at = decide(samples(150_000, 65536, 140_000), 150_000, null);
        assertEquals(GuardDecision.Kind.AT_CEILING, at.kind());
        assertTrue(at.reason().contains("already at the memory budget's ceiling 150000"), at.reason());
        assertEquals(GuardDecision.Kind.NONE, GuardPlanner.decide(samples(150_000, 65536, 140_000), POLICY, 150_000, null, true).kind(),
                "said once, then it keeps watching quietly");
    }

    @Test
    void noTwoRaisesWithinTheCooldown() {
        List<GuardSample> s = samples(200_000, 65536, 150_000);
        assertEquals(GuardDecision.Kind.NONE, decide(s, 1 << 22, T0.minusSeconds(10)).kind());
        assertEquals(GuardDecision.Kind.RAISE, decide(s, 1 << 22, T0.minusSeconds(20)).kind());
    }

    @Test
    void bucketsRiseWithMaxWhenChainsWouldGrowAndTheRehashIsShort() {
        GuardDecision d = decide(samples(262_144, 32768, 200_000), 1 << 22, null);
        assertEquals(524_288, d.newMax());
        assertEquals(65536, d.newBuckets(), "524288 / 8 per chain");
        assertTrue(d.reason().endsWith("buckets 32768 -> 65536 (about 20 ms of rehash)"), d.reason());
    }

    @Test
    void aBucketRaiseThatWouldStallInsertsTooLongIsRefusedAndSaid() {
        // 1,000,000 entries at 100 ns each: 100 ms, above the 50 ms allowed
        GuardDecision d = decide(samples(1_310_720, 131072, 1_000_000), 1 << 23, null);
        assertEquals(GuardDecision.Kind.RAISE, d.kind());
        assertEquals(2_621_440, d.newMax());
        assertEquals(0, d.newBuckets());
        assertTrue(d.reason().endsWith("buckets left at 131072: rehashing 1000000 entries would stall inserts about 100 ms, above the 50 ms allowed"),
                d.reason());
    }

    @Test
    void theInsertRateIsMeasuredOverTheWindowAndNeverNegative() {
        assertEquals(0, GuardPlanner.insertRate(samples(100, 1024, 50, 40), POLICY.rateWindow()));
        assertEquals(0, GuardPlanner.insertRate(samples(100, 1024, 50), POLICY.rateWindow()));
        long[] counts = new long[30];
        for (int i = 0; i < 30; i++) {
            counts[i] = i < 20 ? 0 : (i - 19) * 100L;
        }
        assertEquals(100, GuardPlanner.insertRate(samples(1_000_000, 1024, counts), POLICY.rateWindow()), 1e-9,
                "only the last 10 s count: the flat start is out of the window");
    }

    /** The measured model: a new table's buckets cost too, so even a small table's resize stalls tens of ms. */
    @Test
    void theExpectedStallCountsTheNewTablesBucketsAsWellAsTheEntries() {
        assertEquals(57, RehashStall.MEASURED.expected(10_000, 524_288).toMillis(), 1, "bench/rehash.sh: 57 ms");
        assertEquals(519, RehashStall.MEASURED.expected(1_000_000, 524_288).toMillis(), 5, "bench/rehash.sh: 521 ms");
    }
}
