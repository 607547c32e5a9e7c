package io.dataworks.migrations.follow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import io.dataworks.migrations.checkpoint.CheckpointHeader;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.DeadLetters;

import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.strategy.CopyStrategy;

/**
 * How changes are followed.
 *
 * @param checkpointDir  the checkpoint directory, where the follow records (start point, resume token, counts) are kept when no {@code store} is given
 * @param batchSize      changes applied per bulk write at most
 * @param batchTimeout   a partial batch is applied after this long (when the previous batch is done: batching follows
 *                       the target's pace, it never queues batches the target has not asked for)
 * @param cosmos         Cosmos DB flavour: its change streams need a {@code $match} on insert/update/replace and a
 *                       {@code $project} of {@code _id, fullDocument, ns, documentKey}, carry no deletes and no
 *                       {@code clusterTime} (lag is then measured from when an event was received)
 * @param startMargin    when the server reports no {@code operationTime}, the change stream starts this long before
 *                       the server's clock said "now" (replaying a few seconds is harmless: applying is idempotent)
 * @param sampleInterval how often lag is published, the cut-over condition checked and stalls looked for
 * @param cutover        stop on its own when this holds, or {@code null} to run until stopped
 * @param maxEvents      stop after this many events (0: no limit), e.g. to apply a backlog in slices
 * @param documents      the strategy (filter, transform, id mapping) and the target's size limit, as for the copy
 * @param stallTimeout   a namespace with events pending and nothing applied for this long is reported stuck (a WARN);
 *                       {@code FRAMEWORK_STALL_TIMEOUT_SECONDS}, 60 s by default; zero turns the watch off
 * @param store          where the follow records are kept ({@link CheckpointStore.Kind#FOLLOW}); {@code null}: the
 *                       files of {@code checkpointDir}, unlocked
 * @param headers        the common header of each source namespace's follow record (identities, namespaces,
 *                       strategy), or {@code null} to write none; a stored record whose header differs is not resumed
 * @param deadLetters    where documents the target cannot take (too large) are kept, as the copy keeps its refused ones,
 *                       or {@code null}: they are only counted and logged
 */
public record FollowOptions(Path checkpointDir, int batchSize, Duration batchTimeout, boolean cosmos, Duration startMargin,
                            Duration sampleInterval, Cutover cutover, long maxEvents, DocumentStage documents,
                            Duration stallTimeout, CheckpointStore store,
                            java.util.function.Function<io.dataworks.migrations.Namespace, CheckpointHeader> headers,
                            DeadLetters deadLetters) {

    /** MongoDB's largest document, the default size limit. */
    public static final long MONGODB_MAX_DOCUMENT_BYTES = 16L * 1024 * 1024;

    public FollowOptions {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(batchTimeout, "batchTimeout");
        Objects.requireNonNull(startMargin, "startMargin");
        Objects.requireNonNull(sampleInterval, "sampleInterval");
        Objects.requireNonNull(documents, "documents");
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        if (maxEvents < 0) {
            throw new IllegalArgumentException("maxEvents must be >= 0, was " + maxEvents);
        }
        if (batchTimeout.isNegative() || batchTimeout.isZero()) {
            throw new IllegalArgumentException("batchTimeout must be > 0, was " + batchTimeout);
        }
        if (stallTimeout.isNegative()) {
            throw new IllegalArgumentException("stallTimeout must be >= 0 (0: not watched), was " + stallTimeout);
        }
    }

    /** 500 changes / 200 ms per batch, the {@code copy} strategy, a 16 MiB target, stalls reported after 60 s. */
    public static FollowOptions defaults(Path checkpointDir) {
        return new FollowOptions(checkpointDir, 500, Duration.ofMillis(200), false, Duration.ofSeconds(2), Duration.ofSeconds(1), null, 0,
                DocumentStage.create(new CopyStrategy(), MONGODB_MAX_DOCUMENT_BYTES), Duration.ofSeconds(60), null, null, null);
    }

    public FollowOptions withBatchSize(int value) {
        return new FollowOptions(checkpointDir, value, batchTimeout, cosmos, startMargin, sampleInterval, cutover, maxEvents, documents, stallTimeout, store, headers, deadLetters);
    }

    public FollowOptions withBatchTimeout(Duration value) {
        return new FollowOptions(checkpointDir, batchSize, value, cosmos, startMargin, sampleInterval, cutover, maxEvents, documents, stallTimeout, store, headers, deadLetters);
    }

    public FollowOptions withCosmos(boolean value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, value, startMargin, sampleInterval, cutover, maxEvents, documents, stallTimeout, store, headers, deadLetters);
    }

    public FollowOptions withStartMargin(Duration value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, value, sampleInterval, cutover, maxEvents, documents, stallTimeout, store, headers, deadLetters);
    }

    public FollowOptions withSampleInterval(Duration value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, value, cutover, maxEvents, documents, stallTimeout, store, headers, deadLetters);
    }

    public FollowOptions withCutover(Cutover value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, sampleInterval, value, maxEvents, documents, stallTimeout, store, headers, deadLetters);
    }

    public FollowOptions withMaxEvents(long value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, sampleInterval, cutover, value, documents, stallTimeout, store, headers, deadLetters);
    }

    public FollowOptions withDocuments(DocumentStage value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, sampleInterval, cutover, maxEvents, value, stallTimeout, store, headers, deadLetters);
    }

    public FollowOptions withStallTimeout(Duration value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, sampleInterval, cutover, maxEvents, documents, value, store, headers, deadLetters);
    }

    /** Keeps the follow records in the run's {@code store}, each with the header {@code headers} gives its namespace. */
    public FollowOptions withStore(CheckpointStore value, java.util.function.Function<io.dataworks.migrations.Namespace,
            CheckpointHeader> headerOf) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, sampleInterval, cutover, maxEvents,
                documents, stallTimeout, value, headerOf, deadLetters);
    }

    /** Keeps the documents the target cannot take in {@code value} (loaded and closed by the caller). */
    public FollowOptions withDeadLetters(DeadLetters value) {
        return new FollowOptions(checkpointDir, batchSize, batchTimeout, cosmos, startMargin, sampleInterval, cutover, maxEvents,
                documents, stallTimeout, store, headers, value);
    }

    /** The store the records go to: the given one, or the unlocked files of {@code checkpointDir}. */
    CheckpointStore records() {
        return store != null ? store : CheckpointStore.unlocked(checkpointDir);
    }
}
