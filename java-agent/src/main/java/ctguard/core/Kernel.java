package ctguard.core;

/** The node's conntrack tunables: the one way actions read and change the kernel. */
public interface Kernel {
    /** Reads every value and its writability; throws UNAVAILABLE when nf_conntrack is not loaded. */
    NodeState read();

    /** Writes one tunable; throws {@link KernelWriteException} when the kernel refuses. */
    void write(String tunable, long value);
}
