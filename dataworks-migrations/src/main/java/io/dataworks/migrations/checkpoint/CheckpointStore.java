package io.dataworks.migrations.checkpoint;

import java.nio.file.Path;
import java.util.Optional;

import org.bson.BsonDocument;

import io.dataworks.migrations.Namespace;

/**
 * The one place a migration keeps what it must remember between runs: for every source namespace a copy record
 * (plan and per-partition progress, {@link NamespaceCheckpoint}), a verification record ({@link VerifyRecord}) and a
 * follow record (start point and resume token). Every record starts with the same {@link CheckpointHeader}: format
 * version, source and target identities, namespaces, strategy, plan fingerprint and the target collection's identity,
 * so the same rules decide for copy, verify and follow whether a record belongs to this run.
 *
 * <p>Implementations must keep records of different namespaces apart whatever their names (dots, spaces, unicode,
 * case-only differences), replace a record atomically (a reader or a crash sees the old or the new one), and refuse a
 * second run on the same store while one holds it ({@link #files(Path)} takes a lock file, {@link #mongo(String, String)}
 * a lease). Two implementations: files in a directory, and a MongoDB database that several machines share (Spark
 * executors, containers without a persistent disk). The refused documents of a run are kept where its records are
 * ({@link #deadLetters(Path)}). Thread-safe; every method may block on I/O: call it on a blocking scheduler.
 */
public interface CheckpointStore extends AutoCloseable {

    /** The kinds of record kept per namespace. */
    enum Kind {
        COPY("checkpoint"), VERIFY("verify"), FOLLOW("follow");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** As in file names and messages: {@code checkpoint}, {@code verify}, {@code follow}. */
        public String label() {
            return label;
        }
    }

    /**
     * A store of files in {@code directory} (created when missing), locked for this process until {@link #close()}.
     * Fails with exit code 2 when another run holds the directory or it cannot be written.
     */
    static CheckpointStore files(Path directory) {
        return FileCheckpointStore.open(directory);
    }

    /**
     * The file store in {@code directory} for reading only, without taking its lock: to look at the records while a
     * run holds them ({@code --dry-run}, tests, tools). Writing through it fails.
     */
    static CheckpointStore readOnly(Path directory) {
        return FileCheckpointStore.readOnly(directory);
    }

    /**
     * The file store in {@code directory} for reading and writing without its lock, for a library caller that keeps
     * other runs out itself (a follower given only a directory). A CLI run always uses {@link #files(Path)}.
     */
    static CheckpointStore unlocked(Path directory) {
        return FileCheckpointStore.unlocked(directory);
    }

    /**
     * A store in MongoDB database {@code database} of the deployment {@code uri} points at, holding the store's lease
     * until {@link #close()}: a document in collection {@code lease} naming this run (host, pid, start) that is renewed
     * every 10 s in the background and expires 60 s after its last renewal. While another run's lease is live this fails
     * with exit code 2 naming its holder and last heartbeat; an expired lease (its run was killed) is taken over with a
     * WARN. A run that loses its lease (paused longer than the expiry) fails its next write rather than overwrite another
     * run's records.
     *
     * <p>Records are in collection {@code checkpoints}, keyed by kind and source namespace, each the same BSON the file
     * store keeps; written with write concern majority (journaled), read with read concern majority from the primary.
     * Refused documents go to collection {@code dead_letters} ({@link #deadLetters(Path)}).
     *
     * @param uri      a MongoDB connection string (a secret: shown masked everywhere)
     * @param database the database, or {@code null}: the connection string's, else {@code dataworks_checkpoints}
     * @throws io.dataworks.core.DataWorksException exit code 2 when the connection string cannot be parsed, the server
     *         cannot be reached, or another run holds the lease
     */
    static CheckpointStore mongo(String uri, String database) {
        return MongoCheckpointStore.open(parseUri(uri), database, MongoCheckpointStore.Mode.LEASED);
    }

    /**
     * The records of {@link #mongo(String, String)}, read and written without taking the lease: for processes that work
     * under a lease another process of the same run holds (Spark executors under their driver's). Never for a run of
     * its own.
     */
    static CheckpointStore mongoShared(String uri, String database) {
        return MongoCheckpointStore.open(parseUri(uri), database, MongoCheckpointStore.Mode.SHARED);
    }

    /**
     * The records of {@link #mongo(String, String)} for reading only, without the lease, like {@link #readOnly(Path)}
     * ({@code --dry-run}, tools). Writing through it fails.
     */
    static CheckpointStore mongoReadOnly(String uri, String database) {
        return MongoCheckpointStore.open(parseUri(uri), database, MongoCheckpointStore.Mode.READ_ONLY);
    }

    /**
     * The database {@link #mongo(String, String)} puts the records in: {@code database} when given, else the connection
     * string's, else {@code dataworks_checkpoints}.
     */
    static String mongoDatabase(String uri, String database) {
        return MongoCheckpointStore.databaseName(parseUri(uri), database);
    }

    private static io.dataworks.core.config.MongoUri parseUri(String uri) {
        try {
            return io.dataworks.core.config.MongoUri.parse("FRAMEWORK_CHECKPOINT_URI", uri);
        } catch (io.dataworks.core.config.ConfigException e) {
            throw new io.dataworks.core.DataWorksException(io.dataworks.core.ExitCode.USAGE, e.getMessage(), e);
        }
    }

    /**
     * The injective file-name form of a namespace that the file store uses ({@code shop.Orders} →
     * {@code shop.^orders}), for other files kept per namespace next to the records (verification diffs).
     */
    static String fileNameOf(Namespace source) {
        return FileCheckpointStore.fileName(source);
    }

    /** Where the records are, for messages: a directory, or a database. */
    String location();

    /** Where one record is, for messages (a file name, or a collection and key). */
    String describe(Kind kind, Namespace source);

    Optional<BsonDocument> read(Kind kind, Namespace source);

    /** Replaces the record atomically. */
    void write(Kind kind, Namespace source, BsonDocument record);

    /**
     * Stores how far one partition of {@code source}'s copy got, beside its copy record and without touching the other
     * partitions: the executors of a distributed copy (Spark) update partitions of one namespace at the same time, and
     * none may overwrite another's progress with a stale copy. The record belongs to the plan with fingerprint
     * {@code planFingerprint}. A record never goes back: a state that is not done over a done one, or with fewer
     * documents than the stored one, is ignored (a task attempt that was given up and still writes). Atomic per
     * partition.
     */
    void writePartition(Namespace source, String planFingerprint, PartitionState state);

    /**
     * The partition records of {@code source}'s copy written with {@link #writePartition} for the plan with fingerprint
     * {@code planFingerprint}, by partition index; records of another plan are left out.
     */
    java.util.Map<Integer, PartitionState> readPartitions(Namespace source, String planFingerprint);

    /** Forgets every record of {@code source} ({@code --fresh}). */
    void delete(Namespace source);

    /** Deletes one record; deleting the copy record deletes its partition records too. */
    void delete(Kind kind, Namespace source);

    /**
     * Where this run's refused documents are kept: the JSON Lines {@code file} when given ({@code --dead-letter});
     * otherwise the store's own place, {@code dead-letter.jsonl} in the file store's directory or collection
     * {@code dead_letters} of the MongoDB store's database. Owned by the caller (close it); the store stays open
     * longer.
     */
    DeadLetters deadLetters(Path file);

    /** Releases the store (the lock); records stay. Idempotent. */
    @Override
    void close();
}
