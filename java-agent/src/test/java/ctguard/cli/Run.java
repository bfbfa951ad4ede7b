package ctguard.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One ctguard run as the tests see it: exit code, stdout, stderr. */
record Run(int exit, String out, String err) {
    JsonObject json() {
        return JsonParser.parseString(out).getAsJsonObject();
    }

    /** The same, failing the test instead of hanging when the run does not end within the limit. */
    static Run inProcessWithin(java.time.Duration limit, String... argv) {
        return org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(limit, () -> inProcess(argv));
    }

    /** The command line in this JVM as Main builds it for these arguments, its output captured. */
    static Run inProcess(String... argv) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Cli.forArguments(argv);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = Cli.execute(cl, argv);
        return new Run(exit, out.toString(), err.toString());
    }
}
