package ctguard.io.fleet;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        String text;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw CtguardException.data(file + ": larger than 4 MiB; refusing to read it as YAML");
            }
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw CtguardException.data(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new CtguardException(ExitCode.USAGE, file + ": cannot read it: " + describe(e), e);
        }
        if (text.startsWith(VAULT_HEADER)) {
            return VAULT_FILE;
        }
        try {
            return new Yaml(new AnsibleSafeConstructor(options())).load(text);
        } catch (YAMLException e) {
            throw new CtguardException(ExitCode.DATA_ERROR, file + ": " + explain(e), e);
        } catch (StackOverflowError e) {
            throw CtguardException.data(file + ": YAML nested too deeply");
        }
    }

    static LoaderOptions options() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowDuplicateKeys(false);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        return options;
    }

    /** One line: what is wrong and where. */
    static String explain(YAMLException e) {
        return explainLines(e).replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static String explainLines(YAMLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("aliases for non-scalar nodes")) {
            return "refused: more than " + MAX_ALIASES + " YAML aliases of collections (an alias bomb?)";
        }
        if (message.contains("exceeds the limit")) {
            return "refused: larger than 4 MiB";
        }
        if (e instanceof MarkedYAMLException marked) {
            String problem = marked.getProblem() == null ? firstLine(message) : marked.getProblem();
            Mark mark = marked.getProblemMark() != null ? marked.getProblemMark() : marked.getContextMark();
            String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            String context = marked.getContext() == null ? "" : " (" + marked.getContext() + ")";
            return "malformed YAML: " + problem + context + where;
        }
        return "malformed YAML: " + firstLine(message);
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

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
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
