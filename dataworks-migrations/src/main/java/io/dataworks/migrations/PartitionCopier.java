package io.dataworks.migrations;

import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.internal.DefaultPartitionCopier;
import reactor.core.publisher.Mono;

/**
 * Copies one partition of a stored plan, the way {@link MigrationEngine#migrate()} copies each of its partitions: from
 * the last acknowledged {@code _id} on, source cursor → document stage (the strategy's filter, transform and size
 * check) → batcher (count, bytes, time) → unordered bulk write (retry, write mode) → the partition's progress written to
 * the store after every acknowledged batch ({@link CheckpointStore#writePartition}), so another process can resume it.
 * What a distributed copy (a Spark task) runs after {@link MigrationEngine#prepareCopy}.
 *
 * <p>One copier per process and settings: it holds the endpoints (their retry and pacing) and the dead-letter file,
 * shared by the partitions it copies at the same time. Thread-safe.
 */
public interface PartitionCopier extends AutoCloseable {

    static PartitionCopier create(MigrationSettings settings) {
        return new DefaultPartitionCopier(settings);
    }

    /**
     * Copies partition {@code partitionIndex} of {@code source}'s stored plan (its copy record in {@code store}, which
     * must have the plan fingerprint {@code planFingerprint}: a task never copies along another plan than its driver's)
     * from where the store says it got. Cold. Emits what happened; fails with a
     * {@link io.dataworks.core.DataWorksException} whose exit code says why.
     */
    Mono<PartitionCopy> copy(Namespace source, String planFingerprint, int partitionIndex, CheckpointStore store);

    /**
     * The source as this copier reaches it: retry, and one pacing for every partition it copies at once (a learned rate
     * of cursor batches). Other work of the same process (a distributed verification's reads) goes through it too.
     */
    io.dataworks.migrations.endpoint.Endpoint source();

    /** The target as this copier reaches it: retry, and one pacing (a learned write rate) for every partition. */
    io.dataworks.migrations.endpoint.Endpoint target();

    /** Closes the dead-letter file; the endpoints' clients are the caller's. Idempotent. */
    @Override
    void close();

    /**
     * One partition copy.
     *
     * @param documentsBefore     source documents the partition's records held acknowledged before this copy
     * @param documentsAfter      ... after it (the partition is done)
     * @param targetDocumentsBefore documents the target was recorded to hold for the partition before
     * @param targetDocumentsAfter  ... after
     * @param documentsFailed     documents the target refused in this copy (dead-lettered)
     * @param bytes               bytes of the batches this copy wrote and the target acknowledged
     * @param resumed             the copy continued after an acknowledged {@code _id} of an earlier attempt or run
     * @param alreadyDone         the records said the partition was done: nothing was read
     */
    record PartitionCopy(Namespace source, int partition, long documentsBefore, long documentsAfter,
                         long targetDocumentsBefore, long targetDocumentsAfter, long documentsFailed, long bytes, boolean resumed,
                         boolean alreadyDone) {
    }
}
