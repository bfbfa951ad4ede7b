package ctguard.io.fleet.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host key verification against a known_hosts file, matched as OpenSSH matches it ({@link KnownHosts}:
 * patterns, negation, hashed names, {@code @revoked}). JSch runs with StrictHostKeyChecking=yes, so
 * anything but OK here aborts the handshake; this class remembers why, so that the caller can say it
 * precisely. A revoked key is never accepted, not even with accept-new.
 *
 * <p>With accept-new, a key is recorded only when the file holds no key at all for the host: a host that
 * is known with another key type and now presents a new type is refused like a changed key (a
 * man-in-the-middle chooses the key type it offers). The entry is written hashed, as {@code ssh-keygen -H}
 * would, under a lock (threads of this JVM and other processes), after re-reading the file: concurrent
 * connections to one address record it once.
 */
final class HostKeyVerifier implements HostKeyRepository {
    enum Outcome { NOT_CHECKED, KNOWN, RECORDED, UNKNOWN, CHANGED, OTHER_TYPE_KNOWN, REVOKED, CERT_AUTHORITY_ONLY }

    private static final ConcurrentHashMap<Path, Object> FILE_LOCKS = new ConcurrentHashMap<>();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KnownHosts known;
    private final Path file;
    private final boolean acceptNew;
    private volatile Outcome outcome = Outcome.NOT_CHECKED;
    private volatile String checkedHost;
    private volatile byte[] offeredKey;
    private volatile String knownTypes;
    private volatile String recordFailure;
    private volatile int line;

    private HostKeyVerifier(KnownHosts known, Path file, boolean acceptNew) {
        this.known = known;
        this.file = file;
        this.acceptNew = acceptNew;
    }

    /** Loads {@code file} (absent: no known hosts); parsed once per version of the file, whatever the number of hosts. */
    static HostKeyVerifier load(Path file, boolean acceptNew) throws IOException {
        return new HostKeyVerifier(KnownHosts.load(file), file, acceptNew);
    }

    /** The line of the file that decided (revoked, changed, certificate authority), or 0. */
    int line() {
        return line;
    }

    Outcome outcome() {
        return outcome;
    }

    /** The host string looked up: address, [address]:port or the HostKeyAlias. */
    String checkedHost() {
        return checkedHost;
    }

    /** The offered key as OpenSSH shows it: "ssh-ed25519 SHA256:...", or null before the check. */
    String offeredKeyDescription() {
        byte[] key = offeredKey;
        return key == null ? null : KnownHosts.keyType(key) + " " + fingerprint(key);
    }

    /** The key types the file holds for the host when the offered one is not among them. */
    String knownTypes() {
        return knownTypes;
    }

    @Override
    public int check(String host, byte[] key) {
        checkedHost = host;
        offeredKey = key.clone();
        Integer verdict = judge(known, host, key);
        if (verdict != null) {
            return verdict;
        }
        if (!acceptNew) {
            outcome = Outcome.UNKNOWN;
            return NOT_INCLUDED;
        }
        try {
            return record(host, key);
        } catch (IOException | GeneralSecurityException e) {
            outcome = Outcome.UNKNOWN;
            recordFailure = e.getMessage();
            return NOT_INCLUDED;
        }
    }

    /** What a known_hosts view says of the key (recording the outcome), or null when it has no key for the host. */
    private Integer judge(KnownHosts view, String host, byte[] key) {
        KnownHosts.Verdict v = view.check(host, key);
        line = v.line();
        switch (v.outcome()) {
            case KNOWN -> {
                outcome = Outcome.KNOWN;
                return OK;
            }
            case CHANGED -> {
                outcome = Outcome.CHANGED;
                return CHANGED;
            }
            case REVOKED -> {
                outcome = Outcome.REVOKED;
                return CHANGED;
            }
            case OTHER_TYPE_KNOWN -> {
                knownTypes = v.knownTypes();
                outcome = Outcome.OTHER_TYPE_KNOWN;
                return NOT_INCLUDED;
            }
            case CERT_AUTHORITY_ONLY -> {
                outcome = Outcome.CERT_AUTHORITY_ONLY;
                return NOT_INCLUDED;
            }
            default -> {
                return null;
            }
        }
    }

    /** Why an accept-new recording failed, or null. */
    String recordFailure() {
        return recordFailure;
    }

    private int record(String host, byte[] key) throws IOException, GeneralSecurityException {
        Path target = file.toAbsolutePath().normalize();
        synchronized (FILE_LOCKS.computeIfAbsent(target, p -> new Object())) {
            Path dir = target.getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                // another process or thread may have recorded this host since the file was loaded
                Integer verdict = judge(KnownHosts.parse(new String(Files.readAllBytes(target), StandardCharsets.UTF_8)), host, key);
                if (verdict != null) {
                    return verdict;
                }
                long size = ch.size();
                boolean needsNewline = false;
                if (size > 0) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    ch.read(last, size - 1);
                    needsNewline = last.get(0) != '\n';
                }
                String line = (needsNewline ? "\n" : "") + hashedLine(host, key) + "\n";
                ch.position(size);
                ByteBuffer out = ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII));
                while (out.hasRemaining()) {
                    ch.write(out);
                }
                ch.force(false);
            }
            outcome = Outcome.RECORDED;
            return OK;
        }
    }

    /** A known_hosts line hashed like ssh-keygen -H: |1|base64(salt)|base64(HMAC-SHA1(salt, host)) type key. */
    static String hashedLine(String host, byte[] key) throws GeneralSecurityException {
        byte[] salt = new byte[20];
        RANDOM.nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal(host.getBytes(StandardCharsets.UTF_8));
        Base64.Encoder b64 = Base64.getEncoder();
        return "|1|" + b64.encodeToString(salt) + "|" + b64.encodeToString(hash) + " " + KnownHosts.keyType(key) + " " + b64.encodeToString(key);
    }

    /** The key type named at the start of an SSH public key blob. */
    /** OpenSSH's SHA256 fingerprint: SHA256:base64 without padding. */
    static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // never through JSch: StrictHostKeyChecking=yes, and accept-new records in check()
    }

    @Override
    public void remove(String host, String type) {
        // known_hosts is never edited
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        // known_hosts is never edited
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return file.toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return new HostKey[0];
    }

    /** The plain keys known for the host, so JSch can prefer their types in the key exchange. */
    @Override
    public HostKey[] getHostKey(String host, String type) {
        List<HostKey> keys = new ArrayList<>();
        for (byte[] key : known.plainKeysFor(host)) {
            try {
                HostKey k = new HostKey(host, HostKey.GUESS, key);
                if (type == null || type.equals(k.getType())) {
                    keys.add(k);
                }
            } catch (JSchException unknownType) {
                // a key type JSch cannot name is no preference
            }
        }
        return keys.toArray(HostKey[]::new);
    }
}
