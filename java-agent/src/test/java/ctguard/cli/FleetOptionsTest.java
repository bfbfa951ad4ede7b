package ctguard.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fleet's bad options are usage errors found before any host is read. */
class FleetOptionsTest {
    private static final String INVENTORY = Path.of(System.getProperty("basedir", "."), "src", "test", "resources", "inventories", "ini", "hosts.ini")
            .toString();

    @ParameterizedTest
    @ValueSource(strings = {"--command-timeout 0s", "--connect-timeout 0", "--html /nonexistent-dir/report.html", "--html /tmp",
            "--inventory-timeout 0s", "--since 0"})
    void refusedBeforeTheScan(String option) {
        String[] o = option.split(" ");
        Run run = Run.inProcessWithin(java.time.Duration.ofSeconds(20), "fleet", "-i", INVENTORY, o[0], o[1], "--connect-timeout", "1s");
        if (o[0].equals("--connect-timeout")) {
            run = Run.inProcessWithin(java.time.Duration.ofSeconds(20), "fleet", "-i", INVENTORY, o[0], o[1]);
        }
        assertEquals(64, run.exit(), run.err());
        assertTrue(run.err().contains(o[0]), run.err());
        assertEquals("", run.out());
    }
}
