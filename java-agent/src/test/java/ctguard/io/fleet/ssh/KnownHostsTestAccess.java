package ctguard.io.fleet.ssh;

import java.security.GeneralSecurityException;

/** Lets tests of other packages write hashed known_hosts lines as ssh-keygen -H does. */
public final class KnownHostsTestAccess {
    private KnownHostsTestAccess() {
    }

    public static String hashedLine(String host, byte[] key) throws GeneralSecurityException {
        return HostKeyVerifier.hashedLine(host, key);
    }
}
