import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Baseline for bench/startup.sh: the least a JVM can do to answer "status", namely read the same
 * four conntrack sysctls as ctguard and print them. Not part of the product; compiled by the script
 * into a temporary directory.
 *
 * <p>procfs reports a size of 0, and Files.readString trusts the size and can return a single byte,
 * so each file is read as a stream to end of file.
 */
public final class BareRead {
    private static final Path DIR = Path.of("/proc/sys/net/netfilter");
    private static final String[] NAMES = {
        "nf_conntrack_count",
        "nf_conntrack_max",
        "nf_conntrack_buckets",
        "nf_conntrack_tcp_timeout_time_wait",
    };

    private BareRead() {
    }

    public static void main(String[] args) throws IOException {
        StringBuilder out = new StringBuilder();
        for (String name : NAMES) {
            try (InputStream in = Files.newInputStream(DIR.resolve(name))) {
                String value = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                out.append(name).append('=').append(value).append('\n');
            }
        }
        System.out.print(out);
    }
}
