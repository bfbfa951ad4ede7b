package ctguard.io;

import ctguard.core.top.NodeFirewall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What this node's firewall says for top's advice: Neutron's stateful security-group chains in the ruleset
 * ({@code iptables-save}, else {@code nft list ruleset}), and OVS's conntrack zone limits
 * ({@code ovs-appctl dpctl/ct-get-limits}) where OVS is on the PATH. Each answer is bounded in size and
 * time; a tool that is missing or fails means "not known", never an error.
 */
public final class SystemFirewall implements NodeFirewall {
    private static final int MAX_OUTPUT = 16 << 20;
    private static final long TIMEOUT_SECONDS = 10;
    private static final Pattern ZONE_LIMIT = Pattern.compile("zone=(\\d+),limit=(\\d+)");
    private static final Pattern DEFAULT_LIMIT = Pattern.compile("default limit=(\\d+)");

    @Override
    public boolean neutronSecurityGroups() {
        String rules = run("iptables-save");
        if (rules == null) {
            rules = run("nft", "list", "ruleset");
        }
        return rules != null && rules.contains("neutron-openvswi-");
    }

    @Override
    public Map<Integer, Long> ovsZoneLimits() {
        if (!onPath("ovs-appctl")) {
            return null;
        }
        String out = run("ovs-appctl", "dpctl/ct-get-limits");
        if (out == null) {
            return null;
        }
        return parseLimits(out);
    }

    /** "default limit=N" and "zone=Z,limit=N,count=C" lines; the default as zone -1. */
    static Map<Integer, Long> parseLimits(String out) {
        Map<Integer, Long> limits = new LinkedHashMap<>();
        Matcher d = DEFAULT_LIMIT.matcher(out);
        if (d.find()) {
            limits.put(-1, Long.parseLong(d.group(1)));
        }
        Matcher z = ZONE_LIMIT.matcher(out);
        while (z.find() && limits.size() < 65537) {
            limits.put(Integer.parseInt(z.group(1)), Long.parseLong(z.group(2)));
        }
        return limits;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(String... argv) {
        if (!onPath(argv[0]) && !Files.isExecutable(Path.of("/usr/sbin", argv[0])) && !Files.isExecutable(Path.of("/sbin", argv[0]))) {
            return null;
        }
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readNBytes(MAX_OUTPUT);
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
