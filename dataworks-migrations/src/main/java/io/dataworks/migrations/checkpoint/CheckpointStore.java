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
 * second run on the same store while one holds it ({@link #files(Path)} takes a lock file). Thread-safe.
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

    /** Releases the store (the lock); records stay. Idempotent. */
    @Override
    void close();
}
