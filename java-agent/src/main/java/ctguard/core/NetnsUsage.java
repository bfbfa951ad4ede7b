package ctguard.core;

/**
 * Another network namespace whose conntrack table holds entries, each counted against the one global max.
 *
 * @param id    net:[inode]
 * @param name  its name under /run/netns, or null
 * @param pid   a process living in it, or null
 * @param drops its own drop counter (packets the kernel dropped for want of room in its table), or null when not read
 */
public record NetnsUsage(String id, String name, Integer pid, long count, Long drops) {
    public String label() {
        return name != null ? name : pid != null ? id + " (pid " + pid + ")" : id;
    }
}
