package ctguard.io;

import ctguard.core.NetnsDirectory;
import ctguard.core.NetnsUsage;

import java.io.IOException;
import java.util.List;

/**
 * The files {@link ProcfsKernel} judges a node by, named by their absolute paths (/proc/...): a directory
 * tree standing for / ({@link RootedFiles}), or what one remote read brought back from a node.
 */
public interface NodeFiles {
    /** Whether the file is there (for a remote read: there and readable). */
    boolean exists(String path);

    /** The content, or null when the file is absent or unreadable. */
    String read(String path);

    /** The names in a directory. */
    List<String> list(String dir) throws IOException;

    /** The permission bits, or null when unknown. */
    Integer mode(String path);

    /** Whether the user reading the node may write the file. */
    boolean writable(String path);

    /** The uid of the user reading the node, or -1 when unknown. */
    long uid();

    /** The target of a symbolic link, or null. */
    String link(String path);

    /** The node's other network namespaces that hold conntrack entries. */
    OtherNamespaces otherNamespaces(Long ownNetnsInode);

    /** Where the files are, for messages: " under ROOT" for a tree that is not /, else empty. */
    String where();

    /** Namespaces with entries, largest first, what could not be read (null: nothing), and every namespace seen. */
    record OtherNamespaces(List<NetnsUsage> found, String note, NetnsDirectory directory) {
    }
}
