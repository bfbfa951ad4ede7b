package ctguard.core.fleet;

import java.util.Objects;

/**
 * One inventory host and how to reach it over SSH, from Ansible's connection variables.
 *
 * @param name         the inventory host name ({@code inventory_hostname})
 * @param address      {@code ansible_host}, else the name
 * @param port         {@code ansible_port}, else {@link #UNSET_PORT}: the SSH client's choice (~/.ssh/config's Port, else 22), as with Ansible
 * @param user         {@code ansible_user}, or null (the SSH client's default: ~/.ssh/config, then the local user)
 * @param identityFile {@code ansible_ssh_private_key_file}, or null; verbatim (a leading {@code ~} is not expanded)
 */
public record InventoryHost(String name, String address, int port, String user, String identityFile) {
    public static final int UNSET_PORT = 0;

    public InventoryHost {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a host name must not be blank");
        }
        if (address == null || address.isBlank()) {
            address = name;
        }
        if (port != UNSET_PORT && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("host " + name + ": port " + port + " is outside 1-65535");
        }
    }

    /** A host reached by its name with the SSH client's defaults. */
    public static InventoryHost named(String name) {
        return new InventoryHost(name, name, UNSET_PORT, null, null);
    }
}
