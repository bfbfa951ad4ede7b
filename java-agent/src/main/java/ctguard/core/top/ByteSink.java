package ctguard.core.top;

/** Where a table's bytes go as they are read, in chunks of any size. */
public interface ByteSink {
    void accept(byte[] buf, int off, int len);
}
