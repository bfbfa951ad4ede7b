package ctguard.core;

/** One tunable as read from the node, with whether this process could write it and why not. */
public record TunableState(String name, long value, boolean writable, String reason) {
}
