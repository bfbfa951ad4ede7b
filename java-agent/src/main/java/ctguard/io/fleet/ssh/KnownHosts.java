package ctguard.io.fleet.ssh;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A known_hosts file matched as OpenSSH matches it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT", hostfile.c,
 * match.c): comma-separated patterns with {@code *} and {@code ?}, negation with {@code !} (a negated
 * match rules the line out), {@code [host]:port} names for ports other than 22, hashed names
 * ({@code |1|salt|hash}), {@code @revoked} keys (refused for every host their patterns match), and
 * {@code @cert-authority} lines (host certificates: not supported, and said so). Names are compared
 * case-insensitively. Parsed once per file version and shared by every host of a run.
 */
final class KnownHosts {
    /** What the file says of a key a host offered. */
    enum Outcome { KNOWN, REVOKED, CHANGED, OTHER_TYPE_KNOWN, CERT_AUTHORITY_ONLY, UNKNOWN }

    record Verdict(Outcome outcome, String knownTypes, int line) {
    }

    private enum Marker { NONE, REVOKED, CERT_AUTHORITY }

    /** One usable line: its host patterns (or hashed name), marker and key. */
    private record Entry(int line, Marker marker, String patterns, byte[] salt, byte[] hash, String type, byte[] key) {
        boolean matches(String host) {
            if (salt != null) {
                return MessageDigest.isEqual(hash, hmac(salt, host));
            }
            return matchHostname(host, patterns) == 1;
        }
    }

    private static final long MAX_BYTES = 64L << 20;
    private static final ConcurrentHashMap<String, KnownHosts> PARSED = new ConcurrentHashMap<>();

    private final List<Entry> entries;

    private KnownHosts(List<Entry> entries) {
        this.entries = entries;
    }

    /** The file parsed, reused while its size and modification time stay the same; absent: no known hosts. */
    static KnownHosts load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return new KnownHosts(List.of());
        }
        Path p = file.toAbsolutePath().normalize();
        long size = Files.size(p);
        if (size > MAX_BYTES) {
            throw new IOException(p + " is larger than " + (MAX_BYTES >> 20) + " MiB");
        }
        String key = p + "\0" + size + "\0" + Files.getLastModifiedTime(p).toMillis();
        KnownHosts cached = PARSED.get(key);
        if (cached == null) {
            cached = parse(new String(Files.readAllBytes(p), StandardCharsets.UTF_8));
            PARSED.put(key, cached);
        }
        return cached;
    }

    static KnownHosts parse(String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Entry e = entry(i + 1, lines[i].strip());
            if (e != null) {
                entries.add(e);
            }
        }
        return new KnownHosts(List.copyOf(entries));
    }

    /** A line as OpenSSH reads it, or null for comments, blanks and lines it would skip as malformed. */
    private static Entry entry(int number, String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        String[] f = line.split("[ \t]+");
        int at = 0;
        Marker marker = Marker.NONE;
        if (f[0].startsWith("@")) {
            marker = switch (f[0]) {
                case "@revoked" -> Marker.REVOKED;
                case "@cert-authority" -> Marker.CERT_AUTHORITY;
                default -> null;
            };
            if (marker == null) {
                return null;
            }
            at = 1;
        }
        if (f.length < at + 3) {
            return null;
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(f[at + 2]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        String names = f[at];
        byte[] salt = null;
        byte[] hash = null;
        if (names.startsWith("|1|")) {
            String[] parts = names.substring(3).split("\\|");
            if (parts.length != 2) {
                return null;
            }
            try {
                salt = Base64.getDecoder().decode(parts[0]);
                hash = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return new Entry(number, marker, names.toLowerCase(Locale.ROOT), salt, hash, keyType(key), key);
    }

    /**
     * What the file says of {@code key} offered by {@code host} (the name OpenSSH looks up: the address,
     * {@code [address]:port} off port 22, or the HostKeyAlias). Revoked beats everything, then a matching
     * key, then a key of the same type that differs (changed), then keys of other types only.
     */
    Verdict check(String host, byte[] key) {
        String name = host.toLowerCase(Locale.ROOT);
        String type = keyType(key);
        Set<String> types = new LinkedHashSet<>();
        Entry known = null;
        Entry changed = null;
        Entry authority = null;
        for (Entry e : entries) {
            if (!e.matches(name)) {
                continue;
            }
            switch (e.marker()) {
                case REVOKED -> {
                    if (java.util.Arrays.equals(e.key(), key)) {
                        return new Verdict(Outcome.REVOKED, null, e.line());
                    }
                }
                case CERT_AUTHORITY -> authority = authority == null ? e : authority;
                case NONE -> {
                    if (java.util.Arrays.equals(e.key(), key)) {
                        known = known == null ? e : known;
                    } else if (e.type().equals(type)) {
                        changed = changed == null ? e : changed;
                    } else {
                        types.add(e.type());
                    }
                }
            }
        }
        if (known != null) {
            return new Verdict(Outcome.KNOWN, null, known.line());
        }
        if (changed != null) {
            return new Verdict(Outcome.CHANGED, null, changed.line());
        }
        if (!types.isEmpty()) {
            return new Verdict(Outcome.OTHER_TYPE_KNOWN, String.join(", ", types), 0);
        }
        if (authority != null) {
            return new Verdict(Outcome.CERT_AUTHORITY_ONLY, null, authority.line());
        }
        return new Verdict(Outcome.UNKNOWN, null, 0);
    }

    /** The keys (type and blob) the file holds for the host, without markers: what JSch may prefer to negotiate. */
    List<byte[]> plainKeysFor(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        return entries.stream().filter(e -> e.marker() == Marker.NONE && e.matches(name)).map(Entry::key).toList();
    }

    /** OpenSSH's match_hostname: 1 when a pattern matches and no negated one does, -1 when a negated one does, else 0. */
    static int matchHostname(String host, String patterns) {
        boolean positive = false;
        for (String p : patterns.split(",", -1)) {
            boolean negated = p.startsWith("!");
            if (negated) {
                p = p.substring(1);
            }
            if (p.isEmpty()) {
                continue;
            }
            if (glob(host, p)) {
                if (negated) {
                    return -1;
                }
                positive = true;
            }
        }
        return positive ? 1 : 0;
    }

    /**
     * OpenSSH's match_pattern: '*' any run (also empty), '?' one character, everything else literally.
     * Iterative, backtracking only to the last star: linear in practice and never exponential, whatever
     * stars a hostile file holds.
     */
    static boolean glob(String s, String p) {
        int si = 0;
        int pi = 0;
        int star = -1;
        int resume = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                si++;
                pi++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                resume = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++resume;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    private static byte[] hmac(byte[] salt, String host) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(salt, "HmacSHA1"));
            return mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key type named inside an SSH public key blob (its first string), or "unknown". */
    static String keyType(byte[] blob) {
        if (blob.length < 4) {
            return "unknown";
        }
        int len = ByteBuffer.wrap(blob, 0, 4).getInt();
        return len <= 0 || len > blob.length - 4 ? "unknown" : new String(blob, 4, len, StandardCharsets.US_ASCII);
    }
}
