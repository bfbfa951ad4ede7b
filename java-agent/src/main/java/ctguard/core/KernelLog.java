package ctguard.core;

import java.time.Duration;

/** Searches the kernel log for table-full messages. */
public interface KernelLog {
    LogScan scan(Duration since);
}
