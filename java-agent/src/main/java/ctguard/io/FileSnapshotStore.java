package ctguard.io;

import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import ctguard.core.CtguardException;
import ctguard.core.ExitCode;
import ctguard.core.Snapshot;
import ctguard.core.Tunables;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The snapshot as a JSON file in the state directory, root-only (0600). */
public final class FileSnapshotStore implements ctguard.core.SnapshotStore {
    private static final long MAX_BYTES = 64 * 1024;
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
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (Files.isSymbolicLink(file)) {
            throw corrupt("it is a symbolic link, which is never followed");
        }
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw corrupt("it is larger than " + MAX_BYTES + " bytes");
            }
            return Optional.of(parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new CtguardException(ExitCode.NO_PERMISSION, "cannot read snapshot %s: %s".formatted(displayPath, Errors.describe(e)), e);
        }
    }

    private Snapshot parse(String text) {
        JsonObject root;
        try {
            root = JsonParser.parseString(text).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw corrupt("it is not a JSON object (truncated?)");
        }
        if (!root.has("schema") || !Snapshot.SCHEMA.equals(root.get("schema").getAsString())) {
            throw corrupt("its schema is not " + Snapshot.SCHEMA);
        }
        try {
            JsonObject values = root.getAsJsonObject("values");
            Map<String, Long> parsed = new LinkedHashMap<>();
            for (String name : Tunables.MANAGED) {
                if (values == null || !values.has(name)) {
                    throw corrupt("it has no value for " + name);
                }
                long v = values.get(name).getAsJsonPrimitive().getAsBigDecimal().longValueExact();
                try {
                    Tunables.validateRecorded(name, v);
                } catch (CtguardException e) {
                    throw corrupt(e.getMessage());
                }
                parsed.put(name, v);
            }
            return new Snapshot(displayPath, root.get("taken_at").getAsString(), root.get("host").getAsString(),
                    root.get("kernel").getAsString(), parsed);
        } catch (RuntimeException e) {
            if (e instanceof CtguardException ce) {
                throw ce;
            }
            throw corrupt("a field has the wrong type or is missing (" + e.getMessage() + ")");
        }
    }

    @Override
    public Snapshot create(Snapshot snapshot) {
        JsonObject root = new JsonObject();
        root.addProperty("schema", Snapshot.SCHEMA);
        root.addProperty("taken_at", snapshot.takenAt());
        root.addProperty("host", snapshot.host());
        root.addProperty("kernel", snapshot.kernel());
        JsonObject values = new JsonObject();
        snapshot.values().forEach(values::addProperty);
        root.add("values", values);
        DurableFiles.ensurePrivateDirectory(stateDir);
        // registered first: a crash in between leaves a pointer to no file, which is ignored
        node.register(displayPath);
        DurableFiles.create(file, root + "\n", DurableFiles.PRIVATE);
        return new Snapshot(displayPath, snapshot.takenAt(), snapshot.host(), snapshot.kernel(), snapshot.values());
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
                + "check the original values in it, then move it aside and rerun").formatted(displayPath, why));
    }
}
