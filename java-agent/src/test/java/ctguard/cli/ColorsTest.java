package ctguard.cli;

import ctguard.core.Status;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ColorsTest {
    @Test
    void colourOnlyOnATerminalWithoutNoColor() {
        assertEquals("\u001b[31mCRITICAL\u001b[0m", Colors.of(true, null, "xterm").status(Status.CRITICAL));
        assertEquals("CRITICAL", Colors.of(false, null, "xterm").status(Status.CRITICAL));
        assertEquals("CRITICAL", Colors.of(true, "1", "xterm").status(Status.CRITICAL));
        assertEquals("\u001b[31mCRITICAL\u001b[0m", Colors.of(true, "", "xterm").status(Status.CRITICAL));
        assertEquals("OK", Colors.of(true, null, "dumb").status(Status.OK));
    }
}
