package ctguard.core.top;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeavyHittersTest {
    @Test
    void exactWhileTheDistinctKeysFit() {
        HeavyHitters h = new HeavyHitters(8);
        for (long k = 0; k < 8; k++) {
            for (int i = 0; i <= k; i++) {
                h.add(k);
            }
        }
        assertFalse(h.approximate());
        assertEquals(List.of(new HeavyHitters.Count(7, 8), new HeavyHitters.Count(6, 7), new HeavyHitters.Count(5, 6)), h.top(3));
    }

    /** Past the bound the heavy keys survive a flood of distinct ones, each count within maxError below the truth. */
    @Test
    void heavyKeysSurviveAFloodOfDistinctOnesWithinTheErrorBound() {
        HeavyHitters h = new HeavyHitters(64);
        Random random = new Random(7);
        long[] truth = new long[3];
        for (int i = 0; i < 200_000; i++) {
            int r = random.nextInt(100);
            if (r < 30) {
                h.add(1_000_000 + r % 3);
                truth[r % 3]++;
            } else {
                h.add(random.nextLong() & Long.MAX_VALUE);
            }
        }
        assertTrue(h.approximate());
        List<HeavyHitters.Count> top = h.top(3);
        assertEquals(3, top.size());
        for (HeavyHitters.Count c : top) {
            long key = c.key() - 1_000_000;
            assertTrue(key >= 0 && key < 3, "a heavy key is on top: " + top);
            assertTrue(c.count() <= truth[(int) key] && c.count() >= truth[(int) key] - h.maxError(), c + " truth " + truth[(int) key]);
        }
        assertTrue(h.maxError() <= 2 * 200_000 / 64, "the median-step bound 2n/capacity: " + h.maxError());
    }
}
