package ctguard.io.fleet;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.fleet.HostPattern;
import ctguard.core.fleet.Inventory;
import ctguard.core.fleet.InventoryHost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

/** ctguard's own YAML reader: the loader is given an ansible-inventory that does not exist. */
class InventoryLoaderTest {
    static final InventoryLoader YAML = new InventoryLoader("/nonexistent/bin/ansible-inventory");

    /** What Ansible 2.19 resolves for inventories/precedence (checked against ansible-inventory in the other test). */
    static final List<InventoryHost> PRECEDENCE = List.of(
            new InventoryHost("lonely.example.org", "lonely.example.org", 22, "nobody-in-particular", null),
            new InventoryHost("edge1.example.org", "edge1.example.org", 2222, "edge", null),
            new InventoryHost("edge2.example.org", "edge2.example.org", 2223, "edge", null),
            new InventoryHost("2001:db8::7", "2001:db8::7", 2224, "edge", null),
            new InventoryHost("web01.example.org", "192.0.2.1", 2022, "webadmin2", "/keys/datacenter"),
            new InventoryHost("web02.example.org", "web02.example.org", 8022, "override", "/keys/datacenter"),
            new InventoryHost("web03.example.org", "192.0.2.3", 8022, "legacy", "/keys/datacenter"),
            new InventoryHost("web04.example.org", "10.0.0.4", 8022, "from-host-vars", "/keys/datacenter"),
            new InventoryHost("shared.example.org", "shared.example.org", 5022, "dba", "/keys/datacenter"),
            new InventoryHost("db-a.example.org", "db-a.example.org", 5022, "dba", "/keys/datacenter"),
            new InventoryHost("db-b.example.org", "db-b.example.org", 5022, "dba", "/keys/datacenter"),
            new InventoryHost("db-c.example.org", "db-c.example.org", 5022, null, "/keys/datacenter"));

    static CtguardException refused(InventoryLoader loader, Path path, ExitCode code) {
        CtguardException e = assertThrows(CtguardException.class, () -> loader.read(path));
        assertEquals(code, e.exitCode(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    /** A flat chain of 7000 nested groups is read (iteratively), not a StackOverflowError. */
    @Test
    void aLongChainOfNestedGroupsIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        StringBuilder yaml = new StringBuilder("all:\n  children:\n    g0: {}\n");
        int n = 7000;
        for (int i = 0; i < n; i++) {
            yaml.append("g").append(i).append(":\n  children:\n    g").append(i + 1).append(": {}\n");
        }
        yaml.append("g").append(n).append(":\n  hosts:\n    deep.example.org: {}\n");
        java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("chain.yml"), yaml);
        var inventory = YAML.read(file);
        assertEquals(java.util.Set.of("deep.example.org"), inventory.hosts().keySet());
    }

    @Test
    void aMissingCommandMeansTheYamlReader() {
        assertTrue(YAML.ansibleInventory().isEmpty());
        assertTrue(InventoryLoader.yamlOnly().ansibleInventory().isEmpty());
        assertEquals(Inventory.SOURCE_YAML, YAML.read(Inventories.resource("precedence")).source());
    }

    @Test
    void connectionVariablesFollowAnsiblePrecedence() {
        Inventory inv = YAML.read(Inventories.resource("precedence"));
        assertEquals(PRECEDENCE, List.copyOf(inv.hosts().values()));
    }

    @Test
    void groupsAreFlattenedWithAllAndUngrouped() {
        Inventory inv = YAML.read(Inventories.resource("precedence"));
        assertEquals(List.of("all", "ungrouped", "datacenter", "edge", "web", "db"), List.copyOf(inv.groups().keySet()));
        assertEquals(inv.hosts().keySet(), inv.groups().get("all"));
        assertEquals(Set.of("lonely.example.org"), inv.groups().get("ungrouped"));
        assertEquals(List.of("web01.example.org", "web02.example.org", "web03.example.org", "web04.example.org",
                "shared.example.org", "db-a.example.org", "db-b.example.org", "db-c.example.org"), List.copyOf(inv.groups().get("datacenter")));
        assertEquals(List.of("shared.example.org", "db-a.example.org", "db-b.example.org", "db-c.example.org"),
                List.copyOf(inv.groups().get("db")), "members in inventory order");
        assertEquals(List.of("datacenter", "web", "db"), inv.groupsOf("shared.example.org"));
    }

    @Test
    void inlineVaultValuesAreNotAnError() {
        Inventory inv = YAML.read(Inventories.resource("precedence"));
        assertEquals(List.of(), inv.warnings());
    }

    @Test
    void theRepositoryExampleInventory() {
        Inventory inv = YAML.read(Inventories.repository("example"));
        checkExample(inv);
        assertEquals(Inventory.SOURCE_YAML, inv.source());
        assertEquals(List.of(), inv.warnings());
    }

    static void checkExample(Inventory inv) {
        assertEquals(45, inv.hosts().size());
        assertEquals(Set.of("all", "ungrouped", "control", "network", "compute"), inv.groups().keySet());
        assertEquals(List.of("ctl1.example.org", "ctl2.example.org", "ctl3.example.org"), List.copyOf(inv.groups().get("control")));
        assertEquals(List.of("net1.example.org", "net2.example.org"), List.copyOf(inv.groups().get("network")));
        List<String> compute = List.copyOf(inv.groups().get("compute"));
        assertEquals(40, compute.size());
        assertEquals("cmp001.example.org", compute.get(0));
        assertEquals("cmp040.example.org", compute.get(39));
        assertEquals(Set.of(), inv.groups().get("ungrouped"));
        assertEquals("ctl1.example.org", inv.hosts().keySet().iterator().next());
        for (InventoryHost h : inv.hosts().values()) {
            assertEquals(new InventoryHost(h.name(), h.name(), InventoryHost.UNSET_PORT, "deploy", null), h);
        }
        assertEquals(List.of("net1.example.org", "net2.example.org", "cmp040.example.org"),
                HostPattern.select(inv, "network:cmp04*"));
    }

    @Test
    void templatesAreKeptVerbatimWithAWarning() {
        Inventory inv = YAML.read(Inventories.resource("templates"));
        InventoryHost t1 = inv.host("t1.example.org");
        InventoryHost t2 = inv.host("t2.example.org");
        assertEquals("{{ inventory_hostname }}.mgmt.example.org", t1.address());
        assertEquals(InventoryHost.UNSET_PORT, t2.port(), "a template is not evaluated: ~/.ssh/config or 22 decides");
        assertEquals("{{ not a template }}", t2.user(), "!unsafe: a plain string");
        assertEquals(2, inv.warnings().size(), inv.warnings().toString());
        assertTrue(inv.warnings().get(0).startsWith("2 hosts (t1.example.org, t2.example.org): ansible_host "
                + "'{{ inventory_hostname }}.mgmt.example.org' is a Jinja2 template"), inv.warnings().get(0));
        assertTrue(inv.warnings().get(1).startsWith("host t2.example.org: ansible_port '{{ custom_port }}'"), inv.warnings().get(1));
        assertTrue(inv.warnings().get(1).contains("the SSH client's port is used"));
    }

    @Test
    void aDirectoryOfInventoryFiles() {
        Inventory inv = YAML.read(Inventories.resource("directory"));
        assertEquals(List.of("web1.example.org", "web2.example.org", "db1.example.org"), List.copyOf(inv.hosts().keySet()));
        assertEquals(5022, inv.host("db1.example.org").port());
        inv.hosts().values().forEach(h -> assertEquals("ops", h.user(), "group_vars/all/ as a directory"));
        assertEquals(1, inv.warnings().size(), inv.warnings().toString());
        assertTrue(inv.warnings().get(0).contains("directory/hosts: not a YAML inventory"), inv.warnings().get(0));
        assertTrue(inv.warnings().get(0).contains("INI inventory needs ansible-inventory"));
    }

    @Test
    void aVaultEncryptedVarsFileIsSkippedWithAWarning() {
        Inventory inv = YAML.read(Inventories.resource("vaultfile"));
        assertNull(inv.host("v1.example.org").user());
        assertEquals(1, inv.warnings().size());
        assertTrue(inv.warnings().get(0).contains("all.yml is vault-encrypted"), inv.warnings().get(0));
    }

    @Test
    void malformedYamlNamesTheFileAndLine() {
        CtguardException e = refused(YAML, Inventories.resource("malformed"), ExitCode.DATA_ERROR);
        assertTrue(e.getMessage().contains(Path.of("malformed", "hosts.yml").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("malformed YAML"), e.getMessage());
        assertTrue(e.getMessage().contains("line 5"), e.getMessage());
    }

    @Test
    void anAliasBombIsRefusedQuickly() {
        CtguardException e = assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> refused(YAML, Inventories.resource("bomb"), ExitCode.DATA_ERROR));
        assertTrue(e.getMessage().contains("bomb"), e.getMessage());
        assertTrue(e.getMessage().contains("more than 50 YAML aliases"), e.getMessage());
    }

    @Test
    void duplicateKeysAreRefused() {
        CtguardException e = refused(YAML, Inventories.resource("duplicate"), ExitCode.DATA_ERROR);
        assertTrue(e.getMessage().contains("duplicate key ansible_port"), e.getMessage());
    }

    @Test
    void aMissingPathIsAUsageError() {
        Path missing = Inventories.resource("precedence").resolve("nope.yml");
        assertEquals("inventory " + missing + ": no such file or directory", refused(YAML, missing, ExitCode.USAGE).getMessage());
        // checked before ansible-inventory would be run
        assertEquals("inventory " + missing + ": no such file or directory",
                refused(new InventoryLoader("/bin/false"), missing, ExitCode.USAGE).getMessage());
    }

    @Test
    void aLoopOfGroupsIsRefused() {
        CtguardException e = refused(YAML, Inventories.resource("loop"), ExitCode.DATA_ERROR);
        assertTrue(e.getMessage().contains("makes a loop of groups"), e.getMessage());
    }

    @Test
    void aBadPortNamesTheFileItCameFrom() {
        CtguardException e = refused(YAML, Inventories.resource("badport"), ExitCode.DATA_ERROR);
        assertTrue(e.getMessage().contains(Path.of("host_vars", "web1.example.org.yml").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("ansible_port 'ssh' of host web1.example.org is not a port number (1-65535)"), e.getMessage());
    }

    @Test
    void iniAndPluginInventoriesNeedAnsible() {
        CtguardException ini = refused(YAML, Inventories.resource("ini").resolve("hosts.ini"), ExitCode.USAGE);
        assertTrue(ini.getMessage().contains("INI inventories"), ini.getMessage());
        CtguardException plugin = refused(YAML, Inventories.resource("plugin").resolve("aws_ec2.yml"), ExitCode.USAGE);
        assertTrue(plugin.getMessage().contains("inventory plugin 'amazon.aws.aws_ec2'"), plugin.getMessage());
        CtguardException dir = refused(YAML, Inventories.resource("plugin"), ExitCode.USAGE);
        assertTrue(dir.getMessage().contains("no YAML inventory file in this directory"), dir.getMessage());
    }

    @Test
    void hugeRangesAreRefused(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("hosts.yml"), "all:\n  hosts:\n    h[0:99999999]:\n");
        CtguardException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> refused(YAML, file, ExitCode.DATA_ERROR));
        assertTrue(e.getMessage().contains("more than 100000 hosts"), e.getMessage());
    }

    @Test
    void structuralErrors(@TempDir Path dir) throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.yml"), "---\n");
        assertTrue(refused(YAML, empty, ExitCode.DATA_ERROR).getMessage().contains("empty"));
        Path list = Files.writeString(dir.resolve("list.yml"), "- a\n- b\n");
        assertTrue(refused(YAML, list, ExitCode.DATA_ERROR).getMessage().contains("must be a mapping of group names"));
        Path intHost = Files.writeString(dir.resolve("int.yml"), "all:\n  hosts:\n    1234:\n");
        assertTrue(refused(YAML, intHost, ExitCode.DATA_ERROR).getMessage().contains("host 1234"));
        Path hostsList = Files.writeString(dir.resolve("hostslist.yml"), "web:\n  hosts: [a, b]\n");
        assertTrue(refused(YAML, hostsList, ExitCode.DATA_ERROR).getMessage().contains("'hosts' of group 'web' must be a mapping"));
        Path listUser = Files.writeString(dir.resolve("listuser.yml"), "all:\n  hosts:\n    a:\n      ansible_user: [x]\n");
        assertTrue(refused(YAML, listUser, ExitCode.DATA_ERROR).getMessage().contains("ansible_user of host a must be a single value"));
        Path tab = Files.writeString(dir.resolve("tab.yml"), "all:\n\thosts:\n");
        assertTrue(refused(YAML, tab, ExitCode.DATA_ERROR).getMessage().contains("tab.yml: malformed YAML"));
        Path tag = Files.writeString(dir.resolve("tag.yml"), "all:\n  hosts:\n    a: !!java.io.File [x]\n");
        assertTrue(refused(YAML, tag, ExitCode.DATA_ERROR).getMessage().contains("tag.yml"));
    }

    @Test
    void stringShorthandsAndUnexpectedKeys(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("hosts.yaml"), """
                web:
                  hosts: web1
                  children: api
                  colour: blue
                api:
                  hosts:
                    api1:
                      ansible_user: root
                """);
        Inventory inv = YAML.read(file);
        assertEquals(List.of("web1", "api1"), List.copyOf(inv.hosts().keySet()));
        assertEquals(Set.of("web1", "api1"), inv.groups().get("web"));
        assertEquals("root", inv.host("api1").user());
        assertEquals(1, inv.warnings().size());
        assertTrue(inv.warnings().get(0).contains("skipped key 'colour'"), inv.warnings().get(0));
    }

    @Test
    void groupPrecedenceByDepthThenName(@TempDir Path dir) throws IOException {
        // a host in a parent and in a deeper child: the child's group_vars win, whatever the names
        Files.writeString(dir.resolve("hosts.yml"), """
                zzz:
                  hosts:
                    h1:
                  children:
                    aaa:
                      hosts:
                        h1:
                """);
        Files.createDirectories(dir.resolve("group_vars"));
        Files.writeString(dir.resolve("group_vars").resolve("zzz.yml"), "ansible_user: parent\nansible_port: 2000\n");
        Files.writeString(dir.resolve("group_vars").resolve("aaa"), "ansible_user: child\n");
        Inventory inv = YAML.read(dir);
        assertEquals(new InventoryHost("h1", "h1", 2000, "child", null), inv.host("h1"));
        assertEquals(Map.of("all", Set.of("h1"), "ungrouped", Set.of(), "zzz", Set.of("h1"), "aaa", Set.of("h1")), inv.groups());
    }
}
