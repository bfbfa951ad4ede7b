package ctguard.core;

/** One tunable's change: from what the node holds to what an action sets. */
public record TunableWrite(String name, long before, long after) {
}
