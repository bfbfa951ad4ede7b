package ctguard.core;

import java.time.Duration;

/** The per-node exclusive lock that keeps two changing runs apart (rule 5). */
public interface NodeLock {
    /** Waits up to the timeout; throws TEMP_FAIL (75) naming the lock when it stays busy. */
    Lease acquire(Duration timeout);

    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
