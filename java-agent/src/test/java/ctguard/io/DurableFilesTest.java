package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void replaceCreatesDirectoriesAndSetsTheModeDespiteUmask() throws IOException {
        Path target = dir.resolve("etc/sysctl.d/90-conntrack-guard.conf");
        DurableFiles.replace(target, "a = 1\n", DurableFiles.PUBLIC);
        DurableFiles.replace(target, "a = 2\n", DurableFiles.PUBLIC);
        assertEquals("a = 2\n", Files.readString(target));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        try (var files = Files.list(target.getParent())) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void refusesToWriteThroughASymlink() throws IOException {
        Path victim = Files.writeString(dir.resolve("shadow"), "root:x\n");
        Path link = Files.createSymbolicLink(dir.resolve("90-conntrack-guard.conf"), victim);
        CtguardException e = assertThrows(CtguardException.class, () -> DurableFiles.replace(link, "x\n", DurableFiles.PUBLIC));
        assertEquals(ExitCode.CANT_CREATE, e.exitCode());
        assertTrue(e.getMessage().contains("symbolic link"));
        assertEquals("root:x\n", Files.readString(victim));
        assertThrows(CtguardException.class, () -> DurableFiles.delete(link));
        assertTrue(Files.exists(victim));
    }

    @Test
    void refusesASymlinkedDirectory() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("state"), real);
        assertThrows(CtguardException.class, () -> DurableFiles.ensureDirectory(link));
    }

    @Test
    void anUnwritableDirectoryIsCantCreate() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "");
        CtguardException e = assertThrows(CtguardException.class, () -> DurableFiles.replace(file.resolve("x.conf"), "x", DurableFiles.PUBLIC));
        assertEquals(ExitCode.CANT_CREATE, e.exitCode());
    }
}
