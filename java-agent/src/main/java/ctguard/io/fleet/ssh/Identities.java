package ctguard.io.fleet.ssh;

import com.jcraft.jsch.AgentIdentityRepository;
import com.jcraft.jsch.AgentProxyException;
import com.jcraft.jsch.Identity;
import com.jcraft.jsch.IdentityRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.SSHAgentConnector;
import com.jcraft.jsch.UnixDomainSocketFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Vector;

/**
 * The keys offered to one host, in this order: the inventory's key and the ~/.ssh/config IdentityFile
 * keys; then the ssh-agent's keys (unless IdentitiesOnly); then, only when no key file was named,
 * OpenSSH's default key files. Named keys go first so that an agent full of keys does not exhaust the
 * server's MaxAuthTries before the right one is offered. A key already offered is not offered again.
 *
 * <p>This is a read-only repository: JSch's own {@code JSch.addIdentity} would, with an agent repository
 * installed, push unencrypted key files into the user's ssh-agent; here nothing is ever added to it.
 * Passphrase-protected key files are skipped by JSch (there is no one to ask); load them into the agent.
 */
final class Identities implements IdentityRepository {
    private final List<Identity> named;
    private final IdentityRepository agent;
    private final List<Identity> defaults;
    private final List<String> described = new ArrayList<>();
    private final String agentProblem;

    private Identities(List<Identity> named, IdentityRepository agent, String agentProblem, List<Identity> defaults) {
        this.named = named;
        this.agent = agent;
        this.agentProblem = agentProblem;
        this.defaults = defaults;
    }

    /** Loads the key files; a named key that is missing or unreadable is a CONFIG error. */
    static Identities of(SshTarget target, SshOptions options) {
        List<Identity> named = new ArrayList<>();
        List<String> descriptions = new ArrayList<>();
        if (target.identityFile() != null) {
            addUsable(named, loadNamed(target, target.identityFile(), descriptions));
        }
        for (Path p : target.configIdentityFiles()) {
            // OpenSSH ignores configured identity files that do not exist
            if (Files.isRegularFile(p)) {
                addUsable(named, loadNamed(target, p, descriptions));
            }
        }
        IdentityRepository agent = null;
        String agentProblem = null;
        if (options.agentSocket() != null && !target.identitiesOnly()) {
            try {
                agent = new AgentIdentityRepository(new SSHAgentConnector(new UnixDomainSocketFactory(), options.agentSocket()));
            } catch (AgentProxyException | LinkageError e) {
                agentProblem = "ssh-agent unusable: " + e.getMessage();
            }
        }
        List<Identity> defaults = new ArrayList<>();
        if (target.identityFile() == null && target.configIdentityFiles().isEmpty()) {
            for (Path p : options.defaultIdentityFiles()) {
                Identity id = loadQuietly(p);
                if (id != null) {
                    addUsable(defaults, id);
                    descriptions.add(describe(p, id));
                }
            }
        }
        Identities ids = new Identities(named, agent, agentProblem, defaults);
        ids.described.addAll(descriptions);
        return ids;
    }

    /**
     * JSch aborts the whole publickey method on an encrypted key when there is no UserInfo to ask for the
     * passphrase (decryptKey throws "USERAUTH fail"), so such keys are never handed to it.
     */
    private static void addUsable(List<Identity> list, Identity id) {
        if (!id.isEncrypted()) {
            list.add(id);
        }
    }

    private static Identity loadNamed(SshTarget target, Path p, List<String> descriptions) {
        if (!Files.isRegularFile(p)) {
            throw new SshException(SshException.Kind.CONFIG, target.hostName(), "%s: identity file %s does not exist".formatted(target.hostName(), p));
        }
        try {
            Identity id = load(p);
            descriptions.add(describe(p, id));
            return id;
        } catch (JSchException e) {
            throw new SshException(SshException.Kind.CONFIG, target.hostName(),
                    "%s: cannot load identity file %s: %s".formatted(target.hostName(), p, e.getMessage()), e);
        }
    }

    private static Identity loadQuietly(Path p) {
        try {
            return Files.isRegularFile(p) ? load(p) : null;
        } catch (JSchException e) {
            return null;
        }
    }

    /** One key file as a JSch identity, without touching any agent (a throwaway JSch with a local repository). */
    private static Identity load(Path p) throws JSchException {
        JSch scratch = new JSch();
        scratch.addIdentity(p.toString());
        Vector<Identity> ids = scratch.getIdentityRepository().getIdentities();
        if (ids.isEmpty()) {
            throw new JSchException("no key in " + p);
        }
        return ids.get(0);
    }

    private static String describe(Path p, Identity id) {
        return id.isEncrypted() ? p + " (passphrase-protected: skipped; load it into ssh-agent)" : p.toString();
    }

    /** What was offered, for an authentication failure message. */
    String describeOffered() {
        List<String> parts = new ArrayList<>(described);
        if (agent != null) {
            int n = agentIdentities().size();
            parts.add("ssh-agent: " + n + (n == 1 ? " key" : " keys"));
        } else if (agentProblem != null) {
            parts.add(agentProblem);
        }
        return parts.isEmpty() ? "no key to offer: name one (ansible_ssh_private_key_file), create ~/.ssh/id_ed25519 or start ssh-agent"
                : "offered: " + String.join(", ", parts);
    }

    private List<Identity> agentIdentities() {
        if (agent == null) {
            return List.of();
        }
        try {
            return new ArrayList<>(agent.getIdentities());
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    @Override
    public Vector<Identity> getIdentities() {
        Vector<Identity> all = new Vector<>();
        List<byte[]> blobs = new ArrayList<>();
        for (List<Identity> group : List.of(named, agentIdentities(), defaults)) {
            for (Identity id : group) {
                byte[] blob = id.getPublicKeyBlob();
                if (blob != null && blobs.stream().anyMatch(b -> Arrays.equals(b, blob))) {
                    continue;
                }
                if (blob != null) {
                    blobs.add(blob);
                }
                all.add(id);
            }
        }
        return all;
    }

    @Override
    public String getName() {
        return "ctguard";
    }

    @Override
    public int getStatus() {
        return RUNNING;
    }

    @Override
    public boolean add(byte[] identity) {
        return false;
    }

    @Override
    public boolean remove(byte[] blob) {
        return false;
    }

    @Override
    public void removeAll() {
        // read-only
    }
}
