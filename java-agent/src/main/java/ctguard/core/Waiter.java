package ctguard.core;

import java.time.Duration;
import java.time.Instant;

/** Time as actions see it, so waiting can be tested without sleeping. */
public interface Waiter {
    Instant now();

    void sleep(Duration duration) throws InterruptedException;

    Waiter SYSTEM = new Waiter() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            Thread.sleep(duration.toMillis());
        }
    };
}
