package ctguard.io.fleet;

/** An inventory variable's value and where it was set (a file, a group), for warnings that point at it. */
record SourcedValue(Object value, String origin) {
}
