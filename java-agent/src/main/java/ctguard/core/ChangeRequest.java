package ctguard.core;

import java.time.Duration;

/** What prepare and tune are asked: the targets, and how far the change may go (rules 3 and 7). */
public record ChangeRequest(PlanRequest request, boolean force, boolean dryRun, boolean allowPartial, Duration lockTimeout) {
}
