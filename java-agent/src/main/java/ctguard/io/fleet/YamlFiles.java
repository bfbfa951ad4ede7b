package ctguard.io.fleet;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.io.SafeYaml;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Safe YAML loading for inventories and vars files: SnakeYAML's {@link SafeConstructor} (plain maps, lists and
 * scalars only), at most {@value #MAX_ALIASES} aliases of collections (no billion laughs), no duplicate keys, at
 * most 4 MiB per file. Ansible's two scalar tags are understood so that real vars files load: {@code !vault}
 * (inline encrypted value, kept as {@link Vault}: never decrypted here) and {@code !unsafe} (a string Ansible
 * never templates, kept as {@link Unsafe}).
 */
final class YamlFiles {
    static final int MAX_BYTES = 4 * 1024 * 1024;
    static final int MAX_ALIASES = 50;
    private static final String VAULT_HEADER = "$ANSIBLE_VAULT;";

    /** A whole file encrypted with ansible-vault, which is not read. */
    static final Object VAULT_FILE = new Object();

    /** An inline {@code !vault} value. */
    record Vault(String ciphertext) {
    }

    /** An {@code !unsafe} string. */
    record Unsafe(String value) {
    }

    private YamlFiles() {
    }

    /**
     * The file's single YAML document: null when empty, {@link #VAULT_FILE} when vault-encrypted.
     *
     * @throws CtguardException (bad data) naming the file when it is too large, not UTF-8 or not valid YAML
     */
    static Object load(Path file) {
        try {
            String text = SafeYaml.text(file, MAX_BYTES);
            if (text.startsWith(VAULT_HEADER)) {
                return VAULT_FILE;
            }
            return SafeYaml.parse(text, MAX_BYTES, MAX_ALIASES, AnsibleSafeConstructor::new);
        } catch (SafeYaml.Refused e) {
            throw CtguardException.data(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw new CtguardException(ExitCode.USAGE, file + ": cannot read it: " + describe(e), e);
        }
    }

    static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** SafeConstructor plus Ansible's {@code !vault} and {@code !unsafe}; still constructs no arbitrary type. */
    private static final class AnsibleSafeConstructor extends SafeConstructor {
        AnsibleSafeConstructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(new Tag("!vault"), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof ScalarNode scalar) {
                        return new Vault(scalar.getValue());
                    }
                    throw new YAMLException("!vault must tag a string" + at(node));
                }
            });
            yamlConstructors.put(new Tag("!unsafe"), new AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    if (node instanceof ScalarNode scalar) {
                        return new Unsafe(scalar.getValue());
                    }
                    if (node instanceof MappingNode) {
                        node.setTag(Tag.MAP);
                        return yamlConstructors.get(Tag.MAP).construct(node);
                    }
                    if (node instanceof SequenceNode) {
                        node.setTag(Tag.SEQ);
                        return yamlConstructors.get(Tag.SEQ).construct(node);
                    }
                    throw new YAMLException("!unsafe on an unexpected node" + at(node));
                }
            });
        }

        private static String at(Node node) {
            return node.getStartMark() == null ? "" : " at line " + (node.getStartMark().getLine() + 1);
        }
    }
}
