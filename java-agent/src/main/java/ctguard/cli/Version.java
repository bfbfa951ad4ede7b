package ctguard.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven filtered into the jar. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/ctguard-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {"ctguard " + p.getProperty("version", "unknown") + " (schema " + ctguard.core.Result.SCHEMA + ")"};
    }
}
