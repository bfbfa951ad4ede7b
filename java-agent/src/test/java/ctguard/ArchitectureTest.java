package ctguard;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The layering docs/architecture.md describes: cli → core ← io, core pure, no cycles, core in its own terms. */
class ArchitectureTest {
    private static JavaClasses agent;

    @BeforeAll
    static void importAgent() {
        agent = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("ctguard");
    }

    @Test
    void coreDependsOnNeitherFrontEndsNorAdaptersNorLibraries() {
        noClasses().that().resideInAPackage("ctguard.core..")
                .should().dependOnClassesThat().resideInAnyPackage("ctguard.cli..", "ctguard.io..", "picocli..", "com.google.gson..",
                        "org.yaml..", "com.jcraft..", "java.io..", "java.nio.file..", "java.net..")
                .check(agent);
    }

    @Test
    void adaptersDoNotDependOnTheCommandLine() {
        noClasses().that().resideInAPackage("ctguard.io..").should().dependOnClassesThat().resideInAPackage("ctguard.cli..").check(agent);
    }

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("ctguard.(**)").should().beFreeOfCycles().check(agent);
    }

    /** Classes of one package depend on each other one way too: each top-level class is its own slice. */
    @Test
    void classesWithinAPackageAreFreeOfCycles() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass c) {
                String name = c.getName();
                int nested = name.indexOf('$');
                return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
            }

            @Override
            public String getDescription() {
                return "top-level classes";
            }
        }).should().beFreeOfCycles().check(agent);
    }

    /**
     * Core names its options by {@code ctguard.core.Option}; each front end spells them (the CLI as flags, the module
     * as its parameters), so no string literal in core holds a flag. The one exception is text written into the
     * node's own files, which names the command a person on that node types.
     */
    @Test
    void coreSpellsNoFlagNames() throws IOException {
        Pattern literal = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
        Pattern flag = Pattern.compile("(^|[\\s'(/])--[a-z]");
        List<String> found = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java/ctguard/core"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                List<String> lines = Files.readAllLines(source);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*") || line.contains("names the command to type on the node")) {
                        continue;
                    }
                    Matcher m = literal.matcher(line);
                    while (m.find()) {
                        if (flag.matcher(m.group().substring(1)).find()) {
                            found.add(source.getFileName() + ":" + (i + 1) + " " + m.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
