package ctguard.core.top;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Counts of long keys in bounded memory: exact while at most {@code capacity} distinct keys were seen, then a
 * Misra-Gries summary of that many counters (docs/architecture.md, "ctguard top"). Once it is approximate, a
 * key's count is a lower bound that is at most {@link #maxError()} below the true one, and every key whose
 * true count is above that bound is kept: the heavy hitters an operator asks for.
 *
 * <p>Open addressing over two primitive arrays, so counting allocates nothing per entry.
 */
final class HeavyHitters {
    private static final long EMPTY = Long.MIN_VALUE;

    private final int capacity;
    private final long[] keys;
    private final long[] counts;
    private final int mask;
    private int size;
    private long decrements;
    /** Where the table is copied to while it is rebuilt after a decrement; made on the first one. */
    private long[] spareKeys;
    private long[] spareCounts;

    HeavyHitters(int capacity) {
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
        keys = new long[slots];
        counts = new long[slots];
        mask = slots - 1;
        java.util.Arrays.fill(keys, EMPTY);
    }

    /** @param key any value but Long.MIN_VALUE */
    void add(long key) {
        int i = slot(key);
        while (keys[i] != EMPTY) {
            if (keys[i] == key) {
                counts[i]++;
                return;
            }
            i = (i + 1) & mask;
        }
        if (size < capacity) {
            keys[i] = key;
            counts[i] = 1;
            size++;
            return;
        }
        // full: the new key and every kept one lose one count (Misra-Gries); the total of those decrements
        // bounds how far any count may be below the truth
        decrements++;
        if (spareKeys == null) {
            spareKeys = new long[keys.length];
            spareCounts = new long[keys.length];
        }
        System.arraycopy(keys, 0, spareKeys, 0, keys.length);
        System.arraycopy(counts, 0, spareCounts, 0, counts.length);
        java.util.Arrays.fill(keys, EMPTY);
        size = 0;
        for (int j = 0; j < spareKeys.length; j++) {
            if (spareKeys[j] != EMPTY && spareCounts[j] > 1) {
                put(spareKeys[j], spareCounts[j] - 1);
            }
        }
    }

    private void put(long key, long count) {
        int i = slot(key);
        while (keys[i] != EMPTY) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        counts[i] = count;
        size++;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    boolean approximate() {
        return decrements > 0;
    }

    /** How far below its true count a reported count may be (0 while exact). */
    long maxError() {
        return decrements;
    }

    record Count(long key, long count) {
    }

    /** The n largest counts, largest first; ties by key, so that the order is stable. */
    List<Count> top(int n) {
        List<Count> all = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                all.add(new Count(keys[i], counts[i]));
            }
        }
        all.sort(Comparator.comparingLong(Count::count).reversed().thenComparingLong(Count::key));
        return all.subList(0, Math.min(n, all.size()));
    }
}
