package ctguard.core;

import java.time.Duration;

/** The per-node exclusive lock that keeps two changing runs apart (rule 5). */
public interface NodeLock {
    /** Waits up to the timeout; throws TEMP_FAIL (75) naming the lock when it stays busy. */
    Lease acquire(Duration timeout);

    /** Runs a changing action under the lock; a dry run writes nothing, not even the lock file. */
    default <T> T guard(boolean dryRun, Duration timeout, java.util.function.Supplier<T> action) {
        if (dryRun) {
            return action.get();
        }
        try (Lease ignored = acquire(timeout)) {
            return action.get();
        }
    }

    interface Lease extends AutoCloseable {
        @Override
        void close();
    }
}
