package ctguard.core;

import java.util.Optional;

/** Where the original values are kept between prepare or tune and restore or persist. */
public interface SnapshotStore {
    /** The snapshot, if one exists; throws DATA_ERROR (65) when it is corrupt, leaving it in place. */
    Optional<Snapshot> load();

    /** Writes a new snapshot durably; never replaces one that exists. Returns it with its path. */
    Snapshot create(Snapshot snapshot);

    /**
     * Replaces the stored snapshot with this one, which must carry the same originals (only what was
     * written grows), durably and atomically.
     */
    void update(Snapshot snapshot);

    void delete();

    /** Whether a snapshot file is there, readable or not. */
    boolean exists();

    /** Moves the snapshot aside so restore no longer finds it; returns where it went. */
    String archive(String reason);

    String location();

    /** The node's live snapshot when it is kept somewhere else (another state dir): a second one would record raised values as original. */
    Optional<String> liveElsewhere();
}
