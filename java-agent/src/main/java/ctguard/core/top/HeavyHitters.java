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
    /** Slot i holds its key at 2i and its count at 2i+1: one cache line for both. */
    private final long[] table;
    private final int mask;
    private int size;
    private long decrements;
    /** Where the table is copied to while it is rebuilt after a decrement; made on the first one. */
    private long[] spare;

    HeavyHitters(int capacity) {
        this.capacity = capacity;
        int slots = Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
        table = new long[slots * 2];
        mask = slots - 1;
        clear();
    }

    private void clear() {
        for (int i = 0; i < table.length; i += 2) {
            table[i] = EMPTY;
        }
        size = 0;
    }

    /** @param key any value but Long.MIN_VALUE */
    void add(long key) {
        int i = slot(key);
        long[] t = table;
        while (t[2 * i] != EMPTY) {
            if (t[2 * i] == key) {
                t[2 * i + 1]++;
                return;
            }
            i = (i + 1) & mask;
        }
        if (size < capacity) {
            t[2 * i] = key;
            t[2 * i + 1] = 1;
            size++;
            return;
        }
        // full: every count loses the median count, and the new key (count 1, not above it) is not kept. This is
        // Misra-Gries with a larger step: at least half the slots are freed, so a rebuild comes at most once per
        // capacity/2 new keys, and the total subtracted, the error bound, stays below 2n/capacity
        if (spare == null) {
            spare = new long[t.length];
        }
        int kept = 0;
        for (int j = 0; j < t.length; j += 2) {
            if (t[j] != EMPTY) {
                spare[kept++] = t[j + 1];
            }
        }
        long median = select(spare, kept, kept / 2);
        decrements += median;
        System.arraycopy(t, 0, spare, 0, t.length);
        clear();
        for (int j = 0; j < spare.length; j += 2) {
            if (spare[j] != EMPTY && spare[j + 1] > median) {
                put(spare[j], spare[j + 1] - median);
            }
        }
    }

    private void put(long key, long count) {
        int i = slot(key);
        while (table[2 * i] != EMPTY) {
            i = (i + 1) & mask;
        }
        table[2 * i] = key;
        table[2 * i + 1] = count;
        size++;
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** The k-th smallest of a[0, n) (quickselect; reorders a). */
    private static long select(long[] a, int n, int k) {
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            long pivot = a[(lo + hi) >>> 1];
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return a[k];
            }
        }
        return a[k];
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
        for (int i = 0; i < table.length; i += 2) {
            if (table[i] != EMPTY) {
                all.add(new Count(table[i], table[i + 1]));
            }
        }
        all.sort(Comparator.comparingLong(Count::count).reversed().thenComparingLong(Count::key));
        return all.subList(0, Math.min(n, all.size()));
    }
}
