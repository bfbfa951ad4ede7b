package ctguard.core;

import java.util.Optional;

/** Where check keeps the counters it last saw (a small file in the state dir, or one the operator names). */
public interface CounterHistory {
    /** The sample the previous check left; empty when there is none or it is unreadable. */
    Optional<CounterSample> last();

    /** Keeps this sample for the next check; returns why it could not, or null. */
    String record(CounterSample sample);

    /** Where it lives, for messages. */
    String location();

    /** For a node whose history is not kept (a remote read): every check judges totals since boot. */
    CounterHistory NONE = new CounterHistory() {
        @Override
        public Optional<CounterSample> last() {
            return Optional.empty();
        }

        @Override
        public String record(CounterSample sample) {
            return null;
        }

        @Override
        public String location() {
            return "nowhere";
        }
    };
}
