package ctguard.io.fleet.ssh;

import com.jcraft.jsch.ConfigRepository;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and as whom to connect for one inventory host, after applying ~/.ssh/config the way OpenSSH does
 * for {@code ssh -l USER -p PORT -i KEY ADDRESS} (what Ansible runs): the config is looked up by the
 * address; its HostName replaces the address; the inventory's user, port and key win over the config's,
 * which win over the defaults.
 *
 * @param hostName       the inventory name, for messages
 * @param address        what is connected to and looked up in known_hosts (unless hostKeyAlias is set)
 * @param identityFile   the key named by the inventory (ansible_ssh_private_key_file), or null
 * @param configIdentityFiles IdentityFile entries of ~/.ssh/config for this host, in order
 * @param identitiesOnly ~/.ssh/config IdentitiesOnly yes: offer no ssh-agent key
 * @param hostKeyAlias   ~/.ssh/config HostKeyAlias, or null
 */
public record SshTarget(
        String hostName,
        String address,
        int port,
        String user,
        Path identityFile,
        List<Path> configIdentityFiles,
        boolean identitiesOnly,
        String hostKeyAlias) {

    public static final int DEFAULT_PORT = 22;

    public SshTarget {
        configIdentityFiles = List.copyOf(configIdentityFiles);
    }

    /**
     * Resolves a host: address, port (0 or negative: unset), user and identityFile may each be null or
     * blank. {@code config} is the parsed ~/.ssh/config, or null.
     */
    public static SshTarget resolve(String hostName, String address, int port, String user, String identityFile,
                                    SshOptions options, ConfigRepository config) {
        if (blank(hostName) && blank(address)) {
            throw new IllegalArgumentException("a host needs a name or an address");
        }
        String name = blank(hostName) ? address : hostName;
        String lookup = blank(address) ? hostName : address.trim();
        ConfigRepository.Config c = config == null ? null : config.getConfig(lookup);

        String proxy = c == null ? null : firstNonNone(c.getValue("ProxyJump"), c.getValue("ProxyCommand"));
        if (proxy != null) {
            throw new SshException(SshException.Kind.CONFIG, name, "%s: %s sets ProxyJump/ProxyCommand (%s), which ctguard fleet does not support: reach the node directly or run ctguard from the bastion"
                    .formatted(name, options.sshConfigFile(), proxy));
        }
        String connectHost = c == null || blank(c.getHostname()) ? lookup : expand(c.getHostname().trim(), lookup, null, null);
        int resolvedPort = port > 0 ? port : c != null && c.getPort() > 0 ? c.getPort() : DEFAULT_PORT;
        String resolvedUser = !blank(user) ? user.trim() : c != null && !blank(c.getUser()) ? c.getUser().trim() : options.defaultUser();
        Path explicit = blank(identityFile) ? null : Path.of(expand(identityFile.trim(), connectHost, resolvedUser, null));
        List<Path> configured = new ArrayList<>();
        if (c != null && c.getValues("IdentityFile") != null) {
            for (String v : c.getValues("IdentityFile")) {
                if (!blank(v) && !v.trim().equalsIgnoreCase("none")) {
                    Path p = Path.of(expand(unquote(v.trim()), connectHost, resolvedUser, null));
                    if (!configured.contains(p) && !p.equals(explicit)) {
                        configured.add(p);
                    }
                }
            }
        }
        boolean identitiesOnly = c != null && "yes".equalsIgnoreCase(trim(c.getValue("IdentitiesOnly")));
        String alias = c == null || blank(c.getValue("HostKeyAlias")) ? null : c.getValue("HostKeyAlias").trim();
        return new SshTarget(name, connectHost, resolvedPort, resolvedUser, explicit, configured, identitiesOnly, alias);
    }

    /** ADDRESS:PORT, with brackets around an IPv6 address. */
    public String endpoint() {
        return (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }

    /** OpenSSH tokens of IdentityFile and HostName: ~, %d, %u, %r, %h, %%. */
    static String expand(String value, String host, String remoteUser, Path home) {
        Path h = home != null ? home : Path.of(System.getProperty("user.home"));
        String v = value;
        if (v.equals("~")) {
            v = h.toString();
        } else if (v.startsWith("~/")) {
            v = h + v.substring(1);
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (ch != '%' || i + 1 == v.length()) {
                out.append(ch);
                continue;
            }
            char t = v.charAt(++i);
            switch (t) {
                case '%' -> out.append('%');
                case 'd' -> out.append(h);
                case 'u' -> out.append(System.getProperty("user.name"));
                case 'r' -> out.append(remoteUser == null ? "%r" : remoteUser);
                case 'h' -> out.append(host);
                default -> out.append('%').append(t);
            }
        }
        return out.toString();
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    private static String firstNonNone(String... values) {
        for (String v : values) {
            if (!blank(v) && !v.trim().equalsIgnoreCase("none")) {
                return v.trim();
            }
        }
        return null;
    }

    private static String trim(String s) {
        return s == null ? null : s.trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
