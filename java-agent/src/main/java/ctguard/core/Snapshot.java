package ctguard.core;

import java.util.Map;

/**
 * The original values, recorded before prepare's first change.
 *
 * @param path   where it is stored (informational)
 * @param values tunable name to its original value, for every name in {@link Tunables#MANAGED}
 */
public record Snapshot(String path, String takenAt, String host, String kernel, Map<String, Long> values) {
    public static final String SCHEMA = "ctguard-snapshot/v1";
}
