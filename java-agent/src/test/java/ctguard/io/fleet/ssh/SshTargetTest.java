package ctguard.io.fleet.ssh;

import com.jcraft.jsch.OpenSSHConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Resolving a host against the inventory values, ~/.ssh/config and the defaults, as OpenSSH would. */
class SshTargetTest {
    private static final SshOptions OPTIONS = new SshOptions(Path.of("/kh"), false, Duration.ofSeconds(1), Duration.ofSeconds(1),
            "local", List.of(), null, Path.of("/home/u/.ssh/config"));

    private static OpenSSHConfig config(String text) throws IOException {
        return OpenSSHConfig.parse(text);
    }

    @Test
    void withoutConfigTheInventoryAndTheDefaultsDecide() {
        SshTarget t = SshTarget.resolve("web1", null, 0, null, null, OPTIONS, null);
        assertEquals(new SshTarget("web1", "web1", 22, "local", null, List.of(), false, null), t);
        assertEquals("web1:22", t.endpoint());
        assertEquals("[fe80::1]:2222", SshTarget.resolve("v6", "fe80::1", 2222, null, null, OPTIONS, null).endpoint());
    }

    @Test
    void theConfigIsLookedUpByTheAddressAndItsHostNameReplacesIt() throws IOException {
        var c = config("""
                Host 10.0.0.*
                  User admin
                Host db
                  HostName %h.internal.example
                  Port 2200
                  IdentityFile ~/.ssh/db_key
                  IdentityFile /keys/%r@%h
                  IdentitiesOnly yes
                  HostKeyAlias db-cluster
                """);
        assertEquals("admin", SshTarget.resolve("web1", "10.0.0.5", 0, null, null, OPTIONS, c).user());
        SshTarget db = SshTarget.resolve("db-primary", "db", 0, "root", null, OPTIONS, c);
        assertEquals("db.internal.example", db.address());
        assertEquals(2200, db.port());
        assertEquals("root", db.user());
        assertEquals(List.of(Path.of(System.getProperty("user.home"), ".ssh/db_key"), Path.of("/keys/root@db.internal.example")), db.configIdentityFiles());
        assertTrue(db.identitiesOnly());
        assertEquals("db-cluster", db.hostKeyAlias());
    }

    @Test
    void theInventoryWinsOverTheConfig() throws IOException {
        var c = config("Host *\n  User cfg\n  Port 2022\n  IdentityFile /k/cfg\n");
        SshTarget t = SshTarget.resolve("h", "h", 22, "inv", "/k/inv", OPTIONS, c);
        assertEquals(22, t.port());
        assertEquals("inv", t.user());
        assertEquals(Path.of("/k/inv"), t.identityFile());
        assertEquals(List.of(Path.of("/k/cfg")), t.configIdentityFiles(), "-i first, then the config's, as OpenSSH");
        assertFalse(t.identitiesOnly());
        assertNull(t.hostKeyAlias());
    }

    @Test
    void proxyCommandIsRefused() throws IOException {
        var c = config("Host h\n  ProxyCommand ssh -W %h:%p bastion\nHost g\n  ProxyJump none\n");
        SshException e = assertThrows(SshException.class, () -> SshTarget.resolve("h", null, 0, null, null, OPTIONS, c));
        assertEquals(SshException.Kind.CONFIG, e.kind());
        assertEquals("g", SshTarget.resolve("g", null, 0, null, null, OPTIONS, c).address(), "ProxyJump none is no proxy");
    }

    @Test
    void tokensExpand() {
        Path home = Path.of("/home/u");
        assertEquals("/home/u/.ssh/k", SshTarget.expand("~/.ssh/k", "h", "r", home));
        assertEquals("/home/u/r-h-%", SshTarget.expand("%d/%r-%h-%%", "h", "r", home));
    }
}
