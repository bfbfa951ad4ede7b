package ctguard.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.Option;
import ctguard.core.Printable;
import ctguard.core.Snapshot;
import ctguard.core.Tunables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The snapshot as a JSON file in the state directory, root-only (0600 in a 0700 directory). */
public final class FileSnapshotStore implements ctguard.core.SnapshotStore {
    private static final int MAX_BYTES = 64 * 1024;
    private final Path stateDir;
    private final Path file;
    private final String displayPath;
    private final NodeDir node;

    /**
     * @param displayPath the state dir as the operator names it (without the --root prefix)
     * @param node        where the node's live snapshot is registered, whatever the state dir
     */
    public FileSnapshotStore(Path stateDir, String displayPath, NodeDir node) {
        this.stateDir = stateDir;
        this.file = stateDir.resolve("snapshot.json");
        this.displayPath = displayPath + "/snapshot.json";
        this.node = node;
    }

    @Override
    public Optional<Snapshot> load() {
        if (!exists()) {
            return Optional.empty();
        }
        if (Files.isSymbolicLink(file)) {
            throw corrupt("it is a symbolic link, which is never followed");
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw corrupt("it is not a regular file");
        }
        String text;
        try {
            text = BoundedFiles.readUtf8(file, MAX_BYTES);
        } catch (BoundedFiles.TooLarge e) {
            throw corrupt("it is larger than " + MAX_BYTES + " bytes");
        } catch (BoundedFiles.NotText e) {
            throw corrupt("it is not UTF-8 text");
        } catch (IOException e) {
            throw new CtguardException(ExitCode.CANT_CREATE, "cannot read snapshot %s: %s".formatted(displayPath, Errors.describe(e)), e);
        }
        return Optional.of(parse(text));
    }

    @Override
    public boolean exists() {
        return Files.exists(file, LinkOption.NOFOLLOW_LINKS);
    }

    private Snapshot parse(String text) {
        try {
            JsonElement parsed = JsonParser.parseString(text);
            if (!parsed.isJsonObject()) {
                throw corrupt("it is not a JSON object (truncated?)");
            }
            JsonObject root = parsed.getAsJsonObject();
            if (!Snapshot.SCHEMA.equals(string(root, "schema"))) {
                throw corrupt("its schema is not " + Snapshot.SCHEMA);
            }
            JsonObject values = root.has("values") && root.get("values").isJsonObject() ? root.getAsJsonObject("values") : null;
            Map<String, Long> parsedValues = new LinkedHashMap<>();
            for (String name : Tunables.MANAGED) {
                if (values == null || !values.has(name)) {
                    throw corrupt("it has no value for " + name);
                }
                parsedValues.put(name, bounded(name, values.get(name)));
            }
            return new Snapshot(displayPath, Printable.of(string(root, "taken_at")), Printable.of(required(root, "host")),
                    Printable.of(required(root, "kernel")), Printable.of(string(root, "boot_id")), parsedValues, written(root));
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | ArithmeticException | NumberFormatException e) {
            throw corrupt("a field has the wrong type or is missing (" + e.getMessage() + ")");
        }
    }

    /** What prepare, tune and guard wrote; null when the snapshot predates the record. */
    private Map<String, List<Long>> written(JsonObject root) {
        if (!root.has("written") || root.get("written").isJsonNull()) {
            return null;
        }
        JsonObject w = root.getAsJsonObject("written");
        Map<String, List<Long>> written = new LinkedHashMap<>();
        for (String name : Tunables.MANAGED) {
            List<Long> list = new ArrayList<>();
            if (w.has(name)) {
                for (JsonElement e : w.getAsJsonArray(name)) {
                    list.add(bounded(name, e));
                }
            }
            written.put(name, List.copyOf(list));
        }
        return written;
    }

    private long bounded(String name, JsonElement e) {
        long v = e.getAsJsonPrimitive().getAsBigDecimal().longValueExact();
        try {
            return Tunables.validateRecorded(name, v);
        } catch (CtguardException bound) {
            throw corrupt(bound.getMessage());
        }
    }

    private static String string(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? null : e.getAsJsonPrimitive().getAsString();
    }

    private String required(JsonObject o, String key) {
        String v = string(o, key);
        if (v == null) {
            throw corrupt("it has no " + key);
        }
        return v;
    }

    @Override
    public Snapshot create(Snapshot snapshot) {
        DurableFiles.ensurePrivateDirectory(stateDir);
        // registered first: a crash in between leaves a pointer to no file, which is ignored
        node.register(displayPath);
        DurableFiles.create(file, json(snapshot), DurableFiles.PRIVATE);
        return located(snapshot);
    }

    @Override
    public void update(Snapshot snapshot) {
        Snapshot stored = load().orElseThrow(() -> new CtguardException(ExitCode.INTERNAL, "no snapshot to update at " + displayPath));
        if (!stored.values().equals(snapshot.values())) {
            throw new CtguardException(ExitCode.INTERNAL, "refusing to change the originals recorded in " + displayPath);
        }
        DurableFiles.replace(file, json(snapshot), DurableFiles.PRIVATE);
    }

    private Snapshot located(Snapshot s) {
        return new Snapshot(displayPath, s.takenAt(), s.host(), s.kernel(), s.bootId(), s.values(), s.written());
    }

    private static String json(Snapshot snapshot) {
        JsonObject root = new JsonObject();
        root.addProperty("schema", Snapshot.SCHEMA);
        root.addProperty("taken_at", snapshot.takenAt());
        root.addProperty("host", snapshot.host());
        root.addProperty("kernel", snapshot.kernel());
        root.addProperty("boot_id", snapshot.bootId());
        JsonObject values = new JsonObject();
        snapshot.values().forEach(values::addProperty);
        root.add("values", values);
        if (snapshot.written() != null) {
            JsonObject written = new JsonObject();
            snapshot.written().forEach((name, list) -> {
                JsonArray a = new JsonArray();
                list.forEach(a::add);
                written.add(name, a);
            });
            root.add("written", written);
        }
        return root + "\n";
    }

    @Override
    public void delete() {
        DurableFiles.delete(file);
        node.unregister(displayPath);
    }

    @Override
    public Optional<String> liveElsewhere() {
        return node.liveOtherThan(displayPath);
    }

    @Override
    public String archive(String reason) {
        String name = "snapshot." + reason + ".json";
        DurableFiles.move(file, stateDir.resolve(name));
        node.unregister(displayPath);
        return displayPath.substring(0, displayPath.lastIndexOf('/') + 1) + name;
    }

    @Override
    public String location() {
        return displayPath;
    }

    private CtguardException corrupt(String why) {
        return new CtguardException(ExitCode.DATA_ERROR, ("snapshot %s is corrupt: %s. Nothing was changed and the file was kept; "
                + "check the original values in it, then set it aside (restore with %s) and rerun").formatted(displayPath, why, Option.DISCARD));
    }
}
