package ctguard.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Finds sysctl settings that would override ours at boot. systemd-sysctl and `sysctl --system` read
 * *.conf from these directories; a name in an earlier directory masks the same name in later ones; the
 * survivors apply in lexicographic order of file name, so a later name wins; /etc/sysctl.conf is read
 * last by procps.
 */
public final class SysctlPrecedence {
    public static final List<String> DIRECTORIES = List.of(
            "/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d");
    public static final String SYSCTL_CONF = "/etc/sysctl.conf";

    private SysctlPrecedence() {
    }

    /** One line elsewhere that sets one of our keys after our file ({@code ours}). */
    public record Override(String path, int line, String key, String value, String ours) {
        public String describe() {
            return "%s:%d sets %s = %s after %s and wins at boot".formatted(path, line, key, value, ours);
        }
    }

    public static List<Override> overrides(ConfigFiles files, String ourPath, Set<String> keys) {
        String ourName = ourPath.substring(ourPath.lastIndexOf('/') + 1);
        Map<String, String> effective = new TreeMap<>();
        for (String dir : DIRECTORIES) {
            for (String name : files.list(dir)) {
                if (name.endsWith(".conf")) {
                    effective.putIfAbsent(name, dir + "/" + name);
                }
            }
        }
        List<String> later = new ArrayList<>();
        effective.forEach((name, path) -> {
            if (name.compareTo(ourName) > 0) {
                later.add(path);
            }
        });
        later.add(SYSCTL_CONF);
        List<Override> found = new ArrayList<>();
        for (String path : later) {
            try {
                files.read(path).ifPresent(bytes -> found.addAll(settings(path, new String(bytes, java.nio.charset.StandardCharsets.UTF_8), keys, ourPath)));
            } catch (CtguardException unreadable) {
                // over a MiB, or unreadable: not a file of sysctl settings this check can judge
            }
        }
        return found;
    }

    static List<Override> settings(String path, String text, Set<String> keys, String ourPath) {
        List<Override> found = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].trim();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String key = line.substring(0, eq).trim();
            if (key.startsWith("-")) {
                key = key.substring(1);
            }
            key = key.replace('/', '.');
            if (keys.contains(key)) {
                found.add(new Override(path, i + 1, key, line.substring(eq + 1).trim(), ourPath));
            }
        }
        return found;
    }
}
