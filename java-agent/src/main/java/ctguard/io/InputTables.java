package ctguard.io;

import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.top.ConntrackTables;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A saved entry list as top's only table: a file (a pipe too, as {@code <(conntrack -L)} gives) or stdin.
 * It describes some node at some time, so a namespace selection does not apply to it.
 */
public final class InputTables implements ConntrackTables {
    private final String input;
    private final InputStream stdin;

    /** @param input a path, or "-" for stdin */
    public InputTables(String input, InputStream stdin) {
        this.input = input;
        this.stdin = stdin;
    }

    @Override
    public List<Table> select(Selection selection) {
        if (input.equals("-")) {
            return List.of(new ProcConntrackTables.Streamed("stdin", sink -> {
                try {
                    ProcConntrackTables.pump(stdin, sink);
                } catch (IOException e) {
                    throw new CtguardException(ExitCode.UNAVAILABLE, "cannot read stdin: " + Errors.describe(e));
                }
            }));
        }
        Path path = Path.of(input);
        if (Files.isDirectory(path)) {
            throw CtguardException.usage("--input " + ctguard.core.Printable.of(input) + " is a directory: name a saved entry list, or - for stdin");
        }
        if (!Files.isReadable(path)) {
            throw new CtguardException(Files.exists(path) ? ExitCode.NO_PERMISSION : ExitCode.USAGE,
                    "cannot read --input " + ctguard.core.Printable.of(input) + (Files.exists(path) ? ": permission denied" : ": no such file"));
        }
        return List.of(ProcConntrackTables.file(ctguard.core.Printable.of(input), path));
    }
}
