package ctguard.io.fleet.ssh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** known_hosts matched as OpenSSH matches it: patterns, negation, [host]:port, hashed names, markers. */
class KnownHostsTest {
    private static final byte[] KEY = blob("ssh-ed25519", 1);
    private static final byte[] OTHER = blob("ssh-ed25519", 2);
    private static final byte[] RSA = blob("ssh-rsa", 3);

    /** A syntactically plausible key blob: string type, then filler. */
    private static byte[] blob(String type, int fill) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(4 + t.length + 36);
        b.putInt(t.length).put(t).putInt(32);
        for (int i = 0; i < 32; i++) {
            b.put((byte) fill);
        }
        return b.array();
    }

    private static String line(String names, byte[] key) {
        return names + " " + KnownHosts.keyType(key) + " " + Base64.getEncoder().encodeToString(key);
    }

    private static KnownHosts.Outcome check(String file, String host, byte[] key) {
        return KnownHosts.parse(file).check(host, key).outcome();
    }

    @ParameterizedTest(name = "{0} vs {1}: {2}")
    @CsvSource(delimiter = ';', value = {
            "10.1.2.3;10.1.2.3;KNOWN",
            "*;10.1.2.3;KNOWN",
            "10.1.2.*;10.1.2.3;KNOWN",
            "10.1.2.?;10.1.2.3;KNOWN",
            "10.1.2.?;10.1.2.33;UNKNOWN",
            "10.1.*.3,10.9.9.9;10.1.77.3;KNOWN",
            "*,!10.1.2.3;10.1.2.3;UNKNOWN",
            "!10.1.2.3,*;10.1.2.3;UNKNOWN",
            "*,!10.1.2.4;10.1.2.3;KNOWN",
            "!10.1.2.4;10.1.2.3;UNKNOWN",
            "[10.1.2.3]:2222;[10.1.2.3]:2222;KNOWN",
            "[10.1.2.3]:*;[10.1.2.3]:2222;KNOWN",
            "[10.1.2.3]:2222;10.1.2.3;UNKNOWN",
            "10.1.2.3;[10.1.2.3]:2222;UNKNOWN",
            "Node-1.Example.ORG;node-1.example.org;KNOWN",
            "node-*.example.org;NODE-7.EXAMPLE.ORG;KNOWN"})
    void patternsMatchAsOpenSshMatchesThem(String patterns, String host, KnownHosts.Outcome expected) {
        assertEquals(expected, check(line(patterns, KEY), host, KEY));
    }

    @Test
    void aHashedNameMatchesOnlyItsHost() throws Exception {
        String hashed = HostKeyVerifier.hashedLine("10.1.2.3", KEY);
        assertEquals(KnownHosts.Outcome.KNOWN, check(hashed, "10.1.2.3", KEY));
        assertEquals(KnownHosts.Outcome.UNKNOWN, check(hashed, "10.1.2.4", KEY));
        assertEquals(KnownHosts.Outcome.CHANGED, check(hashed, "10.1.2.3", OTHER));
    }

    @Test
    void aRevokedKeyIsRefusedWhateverElseTheFileSays() {
        String file = line("10.1.2.3", KEY) + "\n@revoked " + line("*", KEY) + "\n";
        KnownHosts.Verdict v = KnownHosts.parse(file).check("10.1.2.3", KEY);
        assertEquals(KnownHosts.Outcome.REVOKED, v.outcome());
        assertEquals(2, v.line());
        assertEquals(KnownHosts.Outcome.REVOKED, check("@revoked " + line("10.1.*", KEY), "10.1.9.9", KEY), "an unknown host too");
        assertEquals(KnownHosts.Outcome.UNKNOWN, check("@revoked " + line("10.9.*", KEY), "10.1.2.3", KEY), "revocation applies where its patterns match");
    }

    @Test
    void changedAndOtherTypesAndCertificateAuthorities() {
        assertEquals(KnownHosts.Outcome.CHANGED, check(line("*", OTHER), "10.1.2.3", KEY));
        assertEquals(KnownHosts.Outcome.KNOWN, check(line("*", OTHER) + "\n" + line("10.1.2.3", KEY), "10.1.2.3", KEY), "any matching key is enough");
        KnownHosts.Verdict other = KnownHosts.parse(line("10.1.2.3", RSA)).check("10.1.2.3", KEY);
        assertEquals(KnownHosts.Outcome.OTHER_TYPE_KNOWN, other.outcome());
        assertEquals("ssh-rsa", other.knownTypes());
        assertEquals(KnownHosts.Outcome.CERT_AUTHORITY_ONLY, check("@cert-authority " + line("*", OTHER), "10.1.2.3", KEY));
    }

    @Test
    void malformedLinesAreSkippedNotFatal() {
        String file = "# comment\n\n@bogus " + line("*", OTHER) + "\nnot-a-line\n10.1.2.3 ssh-ed25519 !!!notbase64\n" + line("10.1.2.3", KEY) + "\n";
        KnownHosts.Verdict v = KnownHosts.parse(file).check("10.1.2.3", KEY);
        assertEquals(KnownHosts.Outcome.KNOWN, v.outcome());
        assertEquals(6, v.line());
    }

    @Test
    void globIsLinearEnoughForHostileStars() {
        String stars = "*a".repeat(20) + "*b";
        long start = System.nanoTime();
        assertEquals(0, KnownHosts.matchHostname("a".repeat(40), stars));
        assertEquals(true, System.nanoTime() - start < 5_000_000_000L, "no exponential blow-up");
    }
}
