package ctguard.core;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The original values, recorded before the first change, with what this tool has written since and
 * where it was taken, so that restore can tell a value changed by someone else (drift) and a snapshot of
 * another boot (stale) from its own work.
 *
 * @param path    where it is stored (informational)
 * @param bootId  /proc/sys/kernel/random/boot_id when taken; null in snapshots of older versions
 * @param values  tunable name to its original value, for every name in {@link Tunables#MANAGED}
 * @param written tunable name to every value prepare, tune or guard wrote (recorded before writing);
 *                null in snapshots of older versions, which cannot tell drift
 */
public record Snapshot(String path, String takenAt, String host, String kernel, String bootId, Map<String, Long> values,
                       Map<String, List<Long>> written) {
    public static final String SCHEMA = "ctguard-snapshot/v1";
    /** A snapshot older than this is still used, with a warning: an upgrade window is hours, not weeks. */
    public static final Duration OLD = Duration.ofDays(7);
    private static final int MAX_WRITTEN = 32;

    /** The same snapshot with these values added to what was written (at most the last 32 per tunable). */
    public Snapshot withWritten(Map<String, Long> targets) {
        Map<String, List<Long>> more = new LinkedHashMap<>();
        for (String name : Tunables.MANAGED) {
            List<Long> list = new ArrayList<>(written == null ? List.of() : written.getOrDefault(name, List.of()));
            Long target = targets.get(name);
            if (target != null && !list.contains(target)) {
                list.add(target);
            }
            more.put(name, List.copyOf(list.subList(Math.max(0, list.size() - MAX_WRITTEN), list.size())));
        }
        return new Snapshot(path, takenAt, host, kernel, bootId, values, more);
    }

    /** Why this snapshot does not describe the running kernel, or null when it does (or cannot be told). */
    public String staleness(NodeState node) {
        if (bootId != null && node.bootId() != null && !bootId.equals(node.bootId())) {
            return "it was taken in another boot (boot id %s, now %s): the kernel has booted with its own values since".formatted(bootId, node.bootId());
        }
        if (!kernel.equals(node.kernel())) {
            return "it was taken under kernel %s, this is %s".formatted(kernel, node.kernel());
        }
        return null;
    }

    /** Refuses (65) a snapshot that does not describe the running kernel, saying how to discard it. */
    public void requireCurrent(NodeState node) {
        String why = staleness(node);
        if (why != null) {
            throw new CtguardException(ExitCode.DATA_ERROR, ("the snapshot %s is stale: %s. Nothing was changed; its values are no longer "
                    + "this kernel's originals. Check them, then set it aside: restore with %s (it is kept beside, renamed) "
                    + "and rerun").formatted(path, why, Option.DISCARD));
        }
    }

    /** A warning when the snapshot is older than {@link #OLD}, else null. */
    public String ageWarning(Instant now) {
        Duration age = age(now);
        return age == null || age.compareTo(OLD) < 0 ? null
                : "the snapshot %s was taken %d days ago (%s): is that upgrade window still open?".formatted(path, age.toDays(), takenAt);
    }

    /** A tunable someone else changed since: now neither the original nor any value this tool wrote. */
    public record Drift(String tunable, long original, List<Long> written, long now) {
        public String describe() {
            String set = written.isEmpty() ? "never set by ctguard" : "set by ctguard " + (written.size() == 1 ? written.get(0) : written.toString());
            return "%s: original %d, %s, now %d".formatted(tunable, original, set, now);
        }
    }

    /** The drifted tunables; empty when none, or when this snapshot does not record what was written. */
    public List<Drift> drift(NodeState node) {
        if (written == null) {
            return List.of();
        }
        List<Drift> drift = new ArrayList<>();
        for (String name : Tunables.MANAGED) {
            long now = node.value(name);
            long original = values.get(name);
            List<Long> ours = written.getOrDefault(name, List.of());
            if (now != original && !ours.contains(now)) {
                drift.add(new Drift(name, original, ours, now));
            }
        }
        return drift;
    }

    /** How long ago it was taken, or null when the time is unknown. */
    public Duration age(Instant now) {
        try {
            return takenAt == null ? null : Duration.between(Instant.parse(takenAt), now);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
