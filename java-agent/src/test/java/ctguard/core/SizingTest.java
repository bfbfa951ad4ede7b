package ctguard.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SizingTest {
    private static final long GIB = 1L << 30;

    @Test
    void hashTableIsRoundedUpToWholePagesOfHeads() {
        assertEquals(512 * 8, Sizing.hashBytes(1));
        assertEquals(1024 * 8, Sizing.hashBytes(513));
        assertEquals(1048576L * 8, Sizing.hashBytes(1048576));
    }

    @Test
    void referenceSizingFor64GiBAnd256ByteEntries() {
        long budget = MemoryBudget.DEFAULT.bytesFor(64 * GIB);
        assertEquals(4194304, Sizing.ceiling(budget, 0, 256));
        assertEquals(1048576, Sizing.bucketsFor(4194304, 0));
    }

    @Test
    void ceilingIsTheLargestPowerOfTwoWithinBudget() {
        long e = 256;
        long max = Sizing.ceiling(100L << 20, 0, e);
        assertEquals(max & (max - 1), 0, "power of two");
        assertEquals(true, Sizing.bytesAt(max, Sizing.bucketsFor(max, 0), e) <= 100L << 20);
        assertEquals(true, Sizing.bytesAt(max * 2, Sizing.bucketsFor(max * 2, 0), e) > 100L << 20);
    }

    @Test
    void largeCurrentBucketsCountAgainstTheBudget() {
        long withSmall = Sizing.ceiling(64L << 20, 0, 256);
        long withHuge = Sizing.ceiling(64L << 20, 6L << 20, 256);
        assertEquals(true, withHuge < withSmall);
    }

    @Test
    void ceilingIsZeroWhenNothingFits() {
        assertEquals(0, Sizing.ceiling(100, 0, 256));
    }

    @Test
    void marginArithmetic() {
        assertEquals(110, Sizing.maxWithMargin(100, 0.10));
        assertEquals(90, Sizing.countAllowedBy(99, 0.10));
        assertEquals(100, Sizing.countAllowedBy(110, 0.10));
        assertEquals(238312, Sizing.countAllowedBy(262144, 0.10));
        assertEquals(0, Sizing.maxWithMargin(0, 0.10));
    }
}
