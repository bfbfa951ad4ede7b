package ctguard.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocsTest {
    /** The man page is the command model: every command and every visible option of each is in it. */
    @Test
    void theManPageHasEveryCommandAndOption() {
        CommandLine cl = Cli.commandLine();
        String man = Docs.manPage(cl);
        assertTrue(man.startsWith(".TH CTGUARD 1 "), man.substring(0, 40));
        cl.getSubcommands().forEach((name, sub) -> {
            assertTrue(man.contains(".SS ctguard " + name + "\n"), name);
            sub.getCommandSpec().options().stream().filter(o -> !o.hidden())
                    .forEach(o -> assertTrue(man.contains(".B " + String.join(", ", o.names()).replace("-", "\\-")), name + " " + o.longestName()));
        });
        assertFalse(man.contains("${DEFAULT-VALUE}") || man.contains("%n") || man.contains("%%"), "picocli's markup is resolved");
        assertTrue(man.contains("Default: 2%."), "defaults are filled in");
    }
}
