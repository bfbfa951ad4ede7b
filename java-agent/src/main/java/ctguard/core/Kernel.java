package ctguard.core;

/** The node's conntrack tunables: the one way actions read and change the kernel. */
public interface Kernel {
    /** Reads every value and its writability; throws UNAVAILABLE when nf_conntrack is not loaded. */
    NodeState read();

    /** Writes one tunable; throws {@link KernelWriteException} when the kernel refuses. */
    void write(String tunable, long value);

    /** A node already read (e.g. over SSH): reading gives that state, writing is refused. */
    static Kernel readOnly(NodeState node) {
        return new Kernel() {
            @Override
            public NodeState read() {
                return node;
            }

            @Override
            public void write(String tunable, long value) {
                throw new KernelWriteException(tunable, ExitCode.NO_PERMISSION, "this node was read remotely and is not written", null);
            }
        };
    }
}
