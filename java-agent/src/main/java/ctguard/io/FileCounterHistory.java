package ctguard.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import ctguard.core.ConntrackStats;
import ctguard.core.CounterHistory;
import ctguard.core.CounterSample;
import ctguard.core.CtguardException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * The counters the previous check saw, as a small JSON file (schema ctguard-counters/v1), replaced
 * atomically by every check. Anything unreadable or malformed counts as no history: the next check then
 * judges totals since boot, which is what it would do without the file.
 */
public final class FileCounterHistory implements CounterHistory {
    public static final String FILE_NAME = "counters.json";
    private static final String SCHEMA = "ctguard-counters/v1";
    private static final long MAX_BYTES = 4096;
    private final Path file;
    private final String display;

    /** @param display the path as the operator names it (without a --root prefix) */
    public FileCounterHistory(Path file, String display) {
        this.file = file;
        this.display = display;
    }

    @Override
    public Optional<CounterSample> last() {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_BYTES) {
                return Optional.empty();
            }
            JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            if (!SCHEMA.equals(o.get("schema").getAsString())) {
                return Optional.empty();
            }
            JsonObject s = o.getAsJsonObject("stats");
            ConntrackStats stats = new ConntrackStats(counter(s, "drop"), counter(s, "early_drop"), counter(s, "insert_failed"),
                    counter(s, "search_restart"), counter(s, "chain_too_long"), counter(s, "clash_resolved"));
            return Optional.of(new CounterSample(o.get("boot_id").getAsString(), o.get("netns").getAsString(),
                    Instant.parse(o.get("at").getAsString()), stats));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public String record(CounterSample sample) {
        if (sample.bootId() == null || sample.netns() == null) {
            return "the boot id or the network namespace is unknown, so counters cannot be matched across checks";
        }
        JsonObject o = new JsonObject();
        o.addProperty("schema", SCHEMA);
        o.addProperty("boot_id", sample.bootId());
        o.addProperty("netns", sample.netns());
        o.addProperty("at", sample.at().toString());
        JsonObject s = new JsonObject();
        ConntrackStats c = sample.stats();
        s.addProperty("drop", c.drop());
        s.addProperty("early_drop", c.earlyDrop());
        s.addProperty("insert_failed", c.insertFailed());
        s.addProperty("search_restart", c.searchRestart());
        s.addProperty("chain_too_long", c.chainTooLong());
        s.addProperty("clash_resolved", c.clashResolved());
        o.add("stats", s);
        try {
            DurableFiles.replaceUnlocked(file, o + "\n", DurableFiles.PRIVATE);
            return null;
        } catch (CtguardException e) {
            return e.getMessage();
        }
    }

    @Override
    public String location() {
        return display;
    }

    private static Long counter(JsonObject s, String name) {
        return s.has(name) && !s.get(name).isJsonNull() ? s.get(name).getAsLong() : null;
    }
}
