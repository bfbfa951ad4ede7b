package ctguard.io.fleet;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.fleet.Inventory;
import ctguard.core.fleet.InventoryHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The ansible-inventory path: stand-in scripts for the process handling, the real one when installed. */
class InventoryLoaderAnsibleTest {
    @TempDir
    Path dir;

    private Path script(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private static InventoryLoader real() {
        return real(InventoryLoader.DEFAULT_TIMEOUT);
    }

    private static InventoryLoader real(Duration timeout) {
        Path exe = Inventories.ansibleInventory();
        assumeTrue(Files.isExecutable(exe), "no " + exe + " (make venv)");
        return new InventoryLoader(exe.toString(), timeout);
    }

    private static final String JSON = """
            {"_meta": {"hostvars": {
                "a1": {"ansible_host": "10.0.0.1", "ansible_port": "2200", "ansible_user": {"__ansible_vault": "$ANSIBLE_VAULT;..."}},
                "b1": {"ansible_port": 22.0, "ansible_ssh_private_key_file": "~/.ssh/b", "other": [1, 2]},
                "u1": {"ansible_user": "{{ lookup('env', 'USER') }}"}}},
             "all": {"children": ["ungrouped", "alpha", "beta", "empty"]},
             "alpha": {"hosts": ["a1"], "children": ["beta"]},
             "beta": {"hosts": ["b1"]},
             "ungrouped": {"hosts": ["u1"]}}
            """;

    @Test
    void theJsonOfAnsibleInventory() {
        Inventory inv = AnsibleInventory.parse(JSON, "ansible-inventory -i x", 1000, List.of("ansible-inventory: earlier"));
        assertEquals(Inventory.SOURCE_ANSIBLE_INVENTORY, inv.source());
        assertEquals(List.of(new InventoryHost("u1", "u1", InventoryHost.UNSET_PORT, "{{ lookup('env', 'USER') }}", null),
                new InventoryHost("a1", "10.0.0.1", 2200, null, null),
                new InventoryHost("b1", "b1", 22, null, "~/.ssh/b")), List.copyOf(inv.hosts().values()));
        assertEquals(Map.of("all", Set.of("u1", "a1", "b1"), "ungrouped", Set.of("u1"), "alpha", Set.of("a1", "b1"),
                "beta", Set.of("b1"), "empty", Set.of()), inv.groups());
        assertEquals(List.of("all", "ungrouped", "alpha", "beta", "empty"), List.copyOf(inv.groups().keySet()));
        assertEquals(3, inv.warnings().size(), inv.warnings().toString());
        assertEquals("ansible-inventory: earlier", inv.warnings().get(0));
        assertTrue(inv.warnings().get(1).startsWith("host u1: ansible_user '{{ lookup('env', 'USER') }}' is a Jinja2 template"),
                inv.warnings().get(1));
        assertTrue(inv.warnings().get(2).startsWith("host a1: ansible_user is vault-encrypted"), inv.warnings().get(2));
    }

    @Test
    void badJsonIsBadData() {
        CtguardException e = assertThrows(CtguardException.class, () -> AnsibleInventory.parse("[1]", "ansible-inventory -i x", 10, List.of()));
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        e = assertThrows(CtguardException.class,
                () -> AnsibleInventory.parse("{\"g\": {\"hosts\": \"a\"}, \"all\": {\"children\": [\"g\"]}}", "ansible-inventory -i x", 10, List.of()));
        assertTrue(e.getMessage().contains("'hosts' of group 'g' is not a list"), e.getMessage());
    }

    @Test
    void theCommandIsRunWithoutAShellAndItsWarningsKept() throws IOException {
        Path args = dir.resolve("args");
        Path exe = script("ansible-inventory", "printf '%s\\n' \"$@\" > '" + args + "'\n"
                + "echo '[WARNING]: something Ansible said' >&2\n"
                + "cat <<'JSON'\n" + JSON + "JSON");
        Path inventory = Files.writeString(dir.resolve("my hosts;rm -rf x.yml"), "irrelevant");
        Inventory inv = new InventoryLoader(exe.toString()).read(inventory);
        assertEquals(List.of("-i", inventory.toString(), "--list"), Files.readAllLines(args));
        assertEquals(Inventory.SOURCE_ANSIBLE_INVENTORY, inv.source());
        assertEquals(3, inv.hosts().size());
        assertEquals("ansible-inventory: something Ansible said", inv.warnings().get(0));
    }

    @Test
    void theCommandIsFoundOnPath() throws IOException {
        Path exe = script("ansible-inventory", "exit 0");
        assertEquals(exe, new InventoryLoader("ansible-inventory", "/nonexistent:" + dir, Duration.ofSeconds(5)).ansibleInventory().orElseThrow());
        assertTrue(new InventoryLoader("ansible-inventory", "/nonexistent::/also-not", Duration.ofSeconds(5)).ansibleInventory().isEmpty());
        Path notExecutable = Files.writeString(dir.resolve("plain"), "");
        assertTrue(new InventoryLoader(notExecutable.toString()).ansibleInventory().isEmpty());
    }

    @Test
    void aFailingAnsibleInventoryIsBadDataWithItsReason() throws IOException {
        Path exe = script("ansible-inventory", "echo '[WARNING]: Unable to parse /x as an inventory source' >&2\n"
                + "echo '[ERROR]: No inventory was parsed, please check your configuration and options.' >&2\nexit 1");
        CtguardException e = assertThrows(CtguardException.class,
                () -> new InventoryLoader(exe.toString()).read(Inventories.resource("precedence")));
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertEquals("ansible-inventory -i " + Inventories.resource("precedence") + " --list failed (exit 1): No inventory was parsed, "
                + "please check your configuration and options. (Unable to parse /x as an inventory source)", e.getMessage());
    }

    @Test
    void garbageOnStdoutIsBadData() throws IOException {
        Path exe = script("ansible-inventory", "echo 'not json {'");
        CtguardException e = assertThrows(CtguardException.class,
                () -> new InventoryLoader(exe.toString()).read(Inventories.resource("precedence")));
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertTrue(e.getMessage().contains("printed no valid JSON"), e.getMessage());
    }

    @Test
    void aHangingAnsibleInventoryIsKilledAtTheTimeout() throws IOException {
        Path exe = script("ansible-inventory", "sleep 30 & wait");
        CtguardException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(CtguardException.class,
                () -> new InventoryLoader(exe.toString(), Duration.ofMillis(500)).read(Inventories.resource("precedence"))));
        assertEquals(ExitCode.TEMP_FAIL, e.exitCode());
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
    }

    @Test
    void realAnsibleInventoryAgreesWithTheYamlReader() {
        InventoryLoader ansible = real();
        Path inventory = Inventories.resource("precedence");
        Inventory fromAnsible = ansible.read(inventory);
        Inventory fromYaml = InventoryLoaderTest.YAML.read(inventory);
        assertEquals(Inventory.SOURCE_ANSIBLE_INVENTORY, fromAnsible.source());
        assertEquals(InventoryLoaderTest.PRECEDENCE, List.copyOf(fromAnsible.hosts().values()));
        assertEquals(List.copyOf(fromYaml.hosts().values()), List.copyOf(fromAnsible.hosts().values()));
        assertEquals(fromYaml.groups(), fromAnsible.groups());
        assertEquals(List.copyOf(fromYaml.groups().keySet()), List.copyOf(fromAnsible.groups().keySet()));
        assertEquals(List.of(), fromAnsible.warnings());
    }

    @Test
    void realAnsibleInventoryOnTheRepositoryExample() {
        Inventory inv = real().read(Inventories.repository("example"));
        InventoryLoaderTest.checkExample(inv);
        assertEquals(Inventory.SOURCE_ANSIBLE_INVENTORY, inv.source());
        assertEquals(InventoryLoaderTest.YAML.read(Inventories.repository("example")), new Inventory(inv.hosts(), inv.groups(),
                Inventory.SOURCE_YAML, inv.warnings()));
    }

    @Test
    void realAnsibleInventoryAgreesOnDirectoriesAndTemplates() {
        InventoryLoader ansible = real();
        Inventory dirAnsible = ansible.read(Inventories.resource("directory"));
        Inventory dirYaml = InventoryLoaderTest.YAML.read(Inventories.resource("directory"));
        // Ansible also reads the INI file the YAML reader skips
        assertEquals(List.of("web1.example.org", "web2.example.org", "cache1.example.org", "db1.example.org"),
                List.copyOf(dirAnsible.hosts().keySet()));
        dirYaml.hosts().forEach((name, host) -> assertEquals(host, dirAnsible.host(name)));
        Inventory templates = ansible.read(Inventories.resource("templates"));
        assertEquals(InventoryLoaderTest.YAML.read(Inventories.resource("templates")).hosts(), templates.hosts());
        assertTrue(templates.warnings().stream().anyMatch(w -> w.contains("is a Jinja2 template")), templates.warnings().toString());
    }

    /** Ansible tries every plugin; the message is the one of the plugin the file is for, as Ansible printed it. */
    @Test
    void realAnsibleInventorysOwnErrorForALoopOfGroups() {
        InventoryLoader ansible = real();
        CtguardException e = assertThrows(CtguardException.class, () -> ansible.read(Inventories.resource("loop")));
        assertTrue(e.getMessage().contains("Adding group 'a' as child to 'c' creates a recursive dependency loop"), e.getMessage());
        assertFalse(e.getMessage().contains("no root 'plugin' key found"), e.getMessage());
    }

    @Test
    void realAnsibleInventoryOnBrokenInventories() {
        InventoryLoader ansible = real();
        Path malformed = Inventories.resource("malformed");
        CtguardException e = assertThrows(CtguardException.class, () -> ansible.read(malformed));
        assertEquals(ExitCode.DATA_ERROR, e.exitCode());
        assertTrue(e.getMessage().startsWith("ansible-inventory -i " + malformed + " --list failed"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
        Inventory vault = ansible.read(Inventories.resource("duplicate"));
        assertNull(vault.host("a.example.org").user(), "Ansible keeps the last duplicate key, with a warning");
        assertEquals(2202, vault.host("a.example.org").port());
    }

    @Test
    void realAnsibleInventorySpinsOnAnAliasBombAndIsKilled() {
        // Ansible (PyYAML) has no alias limit: the timeout is what protects a fleet run from such a file
        InventoryLoader ansible = real(Duration.ofSeconds(3));
        CtguardException e = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> assertThrows(CtguardException.class, () -> ansible.read(Inventories.resource("bomb"))));
        assertEquals(ExitCode.TEMP_FAIL, e.exitCode(), e.getMessage());
        assertTrue(ProcessHandle.current().children().noneMatch(p -> p.info().commandLine().orElse("").contains("ansible-inventory")),
                "the ansible-inventory process is gone");
    }
}
