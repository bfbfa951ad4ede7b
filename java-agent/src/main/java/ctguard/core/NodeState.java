package ctguard.core;

import java.util.Map;

/**
 * Everything read from one node, before any judgement. Built by the io layer (locally or from a
 * remote read) and consumed by the pure planning and checking code.
 *
 * @param tunables        every tunable read, by name, in a stable order
 * @param hashsize        the module parameter, null when /sys/module is not readable
 * @param stats           null when /proc/net/stat/nf_conntrack is absent or unreadable
 * @param statsNote       why stats are null
 * @param initialNetns    true/false when known, null when the namespace cannot be identified
 * @param netns           the namespace identity, e.g. net:[4026531833]
 * @param bucketsBySysctl the kernel accepts buckets through the nf_conntrack_buckets sysctl (else only
 *                        through the hashsize module parameter)
 * @param namespaces      the other network namespaces with entries, fullest first
 * @param namespacesNote  why the list may be incomplete, or null
 * @param netnsDirectory  every namespace seen, to name the one a kernel log line points at
 * @param bootId          /proc/sys/kernel/random/boot_id, null when unreadable: counters restart with it
 */
public record NodeState(
        String host,
        String kernel,
        long count,
        Map<String, TunableState> tunables,
        Long hashsize,
        ConntrackStats stats,
        String statsNote,
        long ramBytes,
        EntrySize entrySize,
        Boolean initialNetns,
        String netns,
        boolean bucketsBySysctl,
        java.util.List<NetnsUsage> namespaces,
        String namespacesNote,
        NetnsDirectory netnsDirectory,
        String bootId) {

    /** The largest count of any namespace, this one included: the one that hits max first. */
    public long fullestCount() {
        return namespaces.isEmpty() ? count : Math.max(count, namespaces.get(0).count());
    }

    /**
     * The drop counters of this namespace and of every other with entries whose counters were read, summed (null when
     * none was): the one global max fills for all of them at once, and the namespace that fills it is seldom the
     * reader's own (guard's samples).
     */
    public Long dropsInEveryNamespace() {
        Long own = stats == null ? null : stats.drop();
        boolean any = own != null;
        long sum = own == null ? 0 : own;
        for (NetnsUsage ns : namespaces) {
            if (ns.drops() != null) {
                sum += ns.drops();
                any = true;
            }
        }
        return any ? sum : null;
    }

    /** Where the fullest table is: null when it is this namespace's. */
    public NetnsUsage fullestOther() {
        return namespaces.isEmpty() || namespaces.get(0).count() <= count ? null : namespaces.get(0);
    }

    /** Namespaces whose tables fill independently up to max: the others with entries, and this one. */
    public int activeNamespaces() {
        return 1 + namespaces.size();
    }

    /** nf_conntrack_max = 0: the kernel sets no limit on entries (and none on their memory). */
    public boolean unlimited() {
        return max() == 0;
    }

    /** This namespace's inode, or null when it cannot be identified. */
    public Long netnsInode() {
        return ProcFormats.netnsInode(netns);
    }

    public long max() {
        return value(Tunables.MAX);
    }

    public long buckets() {
        return value(Tunables.BUCKETS);
    }

    public long value(String name) {
        TunableState t = tunables.get(name);
        if (t == null) {
            throw new CtguardException(ExitCode.UNAVAILABLE, name + " is not available on this kernel");
        }
        return t.value();
    }

    /** The node as it would stand after these writes, for a dry run's preview. */
    public NodeState with(java.util.List<TunableWrite> writes) {
        Map<String, TunableState> changed = new java.util.LinkedHashMap<>(tunables);
        for (TunableWrite w : writes) {
            TunableState t = changed.get(w.name());
            changed.put(w.name(), new TunableState(t.name(), w.after(), t.writable(), t.reason()));
        }
        return new NodeState(host, kernel, count, java.util.Collections.unmodifiableMap(changed), hashsize, stats, statsNote, ramBytes,
                entrySize, initialNetns, netns, bucketsBySysctl, namespaces, namespacesNote, netnsDirectory, bootId);
    }

    public TunableState tunable(String name) {
        return tunables.get(name);
    }
}
