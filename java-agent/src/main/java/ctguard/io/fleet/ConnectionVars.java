package ctguard.io.fleet;

import ctguard.core.CtguardException;
import ctguard.core.fleet.InventoryHost;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ansible's connection variables turned into an {@link InventoryHost}. As in Ansible's ssh connection plugin, each
 * setting has an older alias, and when both are set the later one in the plugin's list wins:
 * ansible_host &lt; ansible_ssh_host, ansible_port &lt; ansible_ssh_port, ansible_user &lt; ansible_ssh_user,
 * ansible_private_key_file &lt; ansible_ssh_private_key_file. A null value counts as unset.
 * Templates ({@code {{ }}}, {@code {% %}}) are never evaluated: the value is kept verbatim (a port falls back to
 * 22) and a warning says so.
 */
final class ConnectionVars {
    static final String HOST = "ansible_host";
    static final String PORT = "ansible_port";
    static final String USER = "ansible_user";
    static final String KEY = "ansible_ssh_private_key_file";
    static final String CONNECTION = "ansible_connection";
    private static final List<String> HOST_VARS = List.of(HOST, "ansible_ssh_host");
    private static final List<String> PORT_VARS = List.of(PORT, "ansible_ssh_port");
    private static final List<String> USER_VARS = List.of(USER, "ansible_ssh_user");
    private static final List<String> KEY_VARS = List.of("ansible_private_key_file", KEY);
    /** Every variable read; the others are not even merged. */
    static final Set<String> NAMES = Set.of(HOST, "ansible_ssh_host", PORT, "ansible_ssh_port", USER, "ansible_ssh_user",
            "ansible_private_key_file", KEY, CONNECTION);
    private static final Set<String> SSH_CONNECTIONS = Set.of("ssh", "smart", "paramiko", "paramiko_ssh",
            "ansible.builtin.ssh", "ansible.builtin.paramiko_ssh", "ansible.legacy.ssh");

    /** Warnings about many hosts at once: one line per (what, value), naming a few hosts. */
    static final class Warnings {
        private final Map<String, List<String>> byMessage = new LinkedHashMap<>();

        void add(String message, String host) {
            byMessage.computeIfAbsent(message, k -> new ArrayList<>()).add(host);
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            byMessage.forEach((message, hosts) -> {
                String who = hosts.size() == 1 ? "host " + hosts.get(0)
                        : hosts.size() + " hosts (" + String.join(", ", hosts.subList(0, Math.min(3, hosts.size())))
                        + (hosts.size() > 3 ? ", ..." : "") + ")";
                lines.add(who + ": " + message);
            });
            return lines;
        }
    }

    private ConnectionVars() {
    }

    static InventoryHost resolve(String name, Map<String, SourcedValue> vars, Warnings warnings) {
        SourcedValue address = last(vars, HOST_VARS);
        SourcedValue port = last(vars, PORT_VARS);
        SourcedValue user = last(vars, USER_VARS);
        SourcedValue key = last(vars, KEY_VARS);
        SourcedValue connection = vars.get(CONNECTION);
        String connectionName = text(name, CONNECTION, connection, warnings);
        if (connectionName != null && !SSH_CONNECTIONS.contains(connectionName)) {
            warnings.add("ansible_connection is '" + connectionName + "'; it is reached over SSH anyway", name);
        }
        String addressText = text(name, varName(vars, HOST_VARS), address, warnings);
        if (addressText != null && addressText.isBlank()) {
            warnings.add(varName(vars, HOST_VARS) + " is empty; the host name is used", name);
            addressText = null;
        }
        return new InventoryHost(name, addressText, port(name, varName(vars, PORT_VARS), port, warnings),
                text(name, varName(vars, USER_VARS), user, warnings), text(name, varName(vars, KEY_VARS), key, warnings));
    }

    /** The last of the names with a non-null value, as Ansible's config manager picks it. */
    private static SourcedValue last(Map<String, SourcedValue> vars, List<String> names) {
        SourcedValue found = null;
        for (String n : names) {
            SourcedValue v = vars.get(n);
            if (v != null && v.value() != null) {
                found = v;
            }
        }
        return found;
    }

    private static String varName(Map<String, SourcedValue> vars, List<String> names) {
        String found = names.get(0);
        for (String n : names) {
            SourcedValue v = vars.get(n);
            if (v != null && v.value() != null) {
                found = n;
            }
        }
        return found;
    }

    private static String text(String host, String var, SourcedValue v, Warnings warnings) {
        if (v == null || v.value() == null) {
            return null;
        }
        Object value = v.value();
        if (value instanceof YamlFiles.Unsafe unsafe) {
            return unsafe.value();
        }
        if (isVault(value)) {
            warnings.add(var + " is vault-encrypted, which ctguard does not decrypt; it is ignored", host);
            return null;
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw CtguardException.data(v.origin() + ": " + var + " of host " + host + " must be a single value, not a "
                    + (value instanceof Map<?, ?> ? "mapping" : "list"));
        }
        String s = value instanceof BigDecimal d ? d.toPlainString() : String.valueOf(value);
        if (isTemplate(s)) {
            warnings.add(var + " '" + s + "' is a Jinja2 template that ctguard does not evaluate; kept verbatim", host);
        }
        return s;
    }

    private static int port(String host, String var, SourcedValue v, Warnings warnings) {
        if (v == null || v.value() == null) {
            return InventoryHost.UNSET_PORT;
        }
        Object value = v.value();
        if (isVault(value)) {
            warnings.add(var + " is vault-encrypted, which ctguard does not decrypt; the SSH client's port is used (~/.ssh/config, else 22)", host);
            return InventoryHost.UNSET_PORT;
        }
        if (value instanceof YamlFiles.Unsafe unsafe) {
            value = unsafe.value();
        }
        if (value instanceof String s && isTemplate(s)) {
            warnings.add(var + " '" + s + "' is a Jinja2 template that ctguard does not evaluate; the SSH client's port is used (~/.ssh/config, else 22)", host);
            return InventoryHost.UNSET_PORT;
        }
        long number;
        try {
            if (value instanceof Number n) {
                BigDecimal d = new BigDecimal(n.toString());
                number = d.stripTrailingZeros().scale() > 0 ? -1 : d.longValueExact();
            } else if (value instanceof String s) {
                number = Long.parseLong(s.strip());
            } else {
                number = -1;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            number = -1;
        }
        if (number < 1 || number > 65535) {
            throw CtguardException.data(v.origin() + ": " + var + " '" + value + "' of host " + host + " is not a port number (1-65535)");
        }
        return (int) number;
    }

    static boolean isTemplate(String s) {
        return s.contains("{{") || s.contains("{%") || s.contains("{#");
    }

    private static boolean isVault(Object value) {
        return value instanceof YamlFiles.Vault || value instanceof Map<?, ?> m && m.containsKey("__ansible_vault");
    }
}
