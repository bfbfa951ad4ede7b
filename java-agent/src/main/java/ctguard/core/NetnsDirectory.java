package ctguard.core;

import java.util.Map;
import java.util.Set;

/**
 * The network namespaces seen on a node when it was read, to name the one a kernel log line points at
 * ("table full in netns 4026532177").
 *
 * @param live     inodes of the other namespaces that a process or a /run/netns mount holds
 * @param names    inode to its /run/netns name, for the named ones
 * @param complete every namespace could be seen (root, on the real /proc): only then does a namespace
 *                 missing from live no longer exist
 */
public record NetnsDirectory(Set<Long> live, Map<Long, String> names, boolean complete) {
    public static final NetnsDirectory UNKNOWN = new NetnsDirectory(Set.of(), Map.of(), false);

    public NetnsDirectory {
        live = Set.copyOf(live);
        names = Map.copyOf(names);
    }

    /** e.g. "qrouter-1 (net:[4026532177])", "net:[4026532177], no longer exists", "the initial namespace". */
    public String describe(long inode, Long ownInode) {
        String id = "net:[" + inode + "]";
        if (inode == ProcFormats.INITIAL_NETNS_INODE) {
            return "the initial namespace " + id;
        }
        String name = names.get(inode);
        String label = name != null ? name + " (" + id + ")" : id;
        if (Long.valueOf(inode).equals(ownInode)) {
            return label + ", this one";
        }
        return !complete || live.contains(inode) ? label : label + ", which no longer exists";
    }
}
