package io.dataworks.migrations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import com.mongodb.reactivestreams.client.MongoClient;

import io.dataworks.core.config.Flavour;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.plan.PlanOptions;
import io.dataworks.migrations.plan.Planner;
import io.dataworks.migrations.strategy.CopyStrategy;
import io.dataworks.monitoring.MetricsCollector;

/**
 * Everything a {@link MigrationEngine} needs, immutable; {@code withX} methods return changed copies.
 * Start from {@link #of(MongoClient, String, MongoClient, String)}.
 *
 * @param source the source deployment (reactive driver client; the caller owns and closes it)
 * @param sourceIdentity what identifies the source in checkpoints (e.g. its hosts); never a password
 * @param target the target deployment
 * @param targetIdentity what identifies the target in checkpoints
 * @param sourceDatabase database read when {@code namespaces} is empty (then every collection but {@code system.*})
 * @param targetDatabase database written when {@code namespaces} is empty; {@code null} = same as the source
 * @param namespaces explicit collections to copy, possibly renamed; empty = every collection of {@code sourceDatabase}
 * @param strategy what happens to each document
 * @param planner how a collection is split when no checkpoint holds its plan
 * @param parallelCursors partitions read at once, across all namespaces
 * @param insertWorkers bulk writes in flight at most, across all namespaces
 * @param sourceBatchSize cursor batch size on the source
 * @param batchSize documents per bulk write at most
 * @param maxBatchBytes bytes per bulk write at most (at most 48 MB, the server's message limit)
 * @param batchTimeout a partly filled batch is written after this long
 * @param writeMode insert, upsert or replace
 * @param matchFields upsert/replace filter fields; empty = {@code _id}
 * @param checkpointDir where checkpoints (and by default the dead-letter file) live
 * @param fresh delete this run's checkpoints first and start over
 * @param checkpointInterval how often checkpoints are written while copying (and always at stop)
 * @param errorStrategy continue or stop when a document cannot be written
 * @param maxErrors with CONTINUE, give up after this many failed documents; 0 = no limit
 * @param deadLetter JSON Lines file for documents that could not be written; {@code null} = {@code checkpointDir/dead-letter.jsonl}
 * @param copyIndexes copy indexes (unique ones before the data, the others after)
 * @param targetFlavour the target's kind (Cosmos DB targets get their index-option quirks)
 * @param targetMaxDocumentBytes larger documents are dead-lettered without being sent
 * @param retryPolicy retries of throttled and transient failures
 * @param metrics where counters and latencies go
 */
public record MigrationSettings(
        MongoClient source,
        String sourceIdentity,
        MongoClient target,
        String targetIdentity,
        String sourceDatabase,
        String targetDatabase,
        List<NamespaceMapping> namespaces,
        MigrationStrategy strategy,
        NamespacePlanner planner,
        int parallelCursors,
        int insertWorkers,
        int sourceBatchSize,
        int batchSize,
        long maxBatchBytes,
        Duration batchTimeout,
        WriteMode writeMode,
        List<String> matchFields,
        Path checkpointDir,
        boolean fresh,
        Duration checkpointInterval,
        ErrorStrategy errorStrategy,
        long maxErrors,
        Path deadLetter,
        boolean copyIndexes,
        Flavour targetFlavour,
        long targetMaxDocumentBytes,
        RetryPolicy retryPolicy,
        MetricsCollector metrics) {

    /** The server refuses messages above 48 MB; a bulk write must fit in one. */
    public static final long MAX_MESSAGE_BYTES = 48_000_000L;
    public static final long DEFAULT_MAX_BATCH_BYTES = 8L * 1024 * 1024;
    public static final long DEFAULT_MAX_DOCUMENT_BYTES = 16L * 1024 * 1024;

    public MigrationSettings {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceIdentity, "sourceIdentity");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(targetIdentity, "targetIdentity");
        namespaces = List.copyOf(Objects.requireNonNull(namespaces, "namespaces"));
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(planner, "planner");
        positive("parallelCursors (--parallel-cursors)", parallelCursors);
        positive("insertWorkers (--insert-workers)", insertWorkers);
        positive("sourceBatchSize (FRAMEWORK_SOURCE_DB_BATCH_SIZE)", sourceBatchSize);
        positive("batchSize (--batch-size)", batchSize);
        if (maxBatchBytes < 1024 || maxBatchBytes > MAX_MESSAGE_BYTES) {
            throw new IllegalArgumentException("maxBatchBytes (--max-batch-bytes) must be within 1024.." + MAX_MESSAGE_BYTES
                    + " (the server's message limit), was " + maxBatchBytes);
        }
        Objects.requireNonNull(batchTimeout, "batchTimeout");
        Objects.requireNonNull(writeMode, "writeMode");
        matchFields = List.copyOf(Objects.requireNonNull(matchFields, "matchFields"));
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        Objects.requireNonNull(checkpointInterval, "checkpointInterval");
        Objects.requireNonNull(errorStrategy, "errorStrategy");
        if (maxErrors < 0) {
            throw new IllegalArgumentException("maxErrors (--max-errors) must be >= 0, was " + maxErrors);
        }
        Objects.requireNonNull(targetFlavour, "targetFlavour");
        positive("targetMaxDocumentBytes", targetMaxDocumentBytes);
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        Objects.requireNonNull(metrics, "metrics");
    }

    /** Defaults: copy strategy, the planner's partitioner chain, 4 cursors, 8 writers, 1000-document / 8 MiB batches. */
    public static MigrationSettings of(MongoClient source, String sourceIdentity, MongoClient target, String targetIdentity) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, null, null, List.of(),
                new CopyStrategy(), NamespacePlanner.of(Planner.create(PlanOptions.defaults())), 4, 8, 1000, 1000, DEFAULT_MAX_BATCH_BYTES,
                Duration.ofMillis(100), WriteMode.INSERT, List.of(), Path.of("checkpoints"), false, Duration.ofSeconds(1),
                ErrorStrategy.STOP, 0, null, true, Flavour.MONGODB, DEFAULT_MAX_DOCUMENT_BYTES, RetryPolicy.of(RetryConfig.DEFAULTS),
                MetricsCollector.create());
    }

    /** The dead-letter file actually used. */
    public Path deadLetterPath() {
        return deadLetter != null ? deadLetter : checkpointDir.resolve("dead-letter.jsonl");
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    public MigrationSettings withSource(MongoClient value) {
        return new MigrationSettings(value, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withSourceIdentity(String value) {
        return new MigrationSettings(source, value, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withTarget(MongoClient value) {
        return new MigrationSettings(source, sourceIdentity, value, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withTargetIdentity(String value) {
        return new MigrationSettings(source, sourceIdentity, target, value, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withSourceDatabase(String value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, value, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withTargetDatabase(String value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, value, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withNamespaces(List<NamespaceMapping> value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, value, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withStrategy(MigrationStrategy value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, value, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withPlanner(NamespacePlanner value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, value, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withParallelCursors(int value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, value, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withInsertWorkers(int value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, value, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withSourceBatchSize(int value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, value, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withBatchSize(int value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, value, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withMaxBatchBytes(long value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, value, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withBatchTimeout(Duration value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, value, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withWriteMode(WriteMode value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, value, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withMatchFields(List<String> value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, value, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withCheckpointDir(Path value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, value, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withFresh(boolean value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, value, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withCheckpointInterval(Duration value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, value, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withErrorStrategy(ErrorStrategy value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, value, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withMaxErrors(long value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, value, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withDeadLetter(Path value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, value, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withCopyIndexes(boolean value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, value, targetFlavour, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withTargetFlavour(Flavour value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, value, targetMaxDocumentBytes, retryPolicy, metrics);
    }

    public MigrationSettings withTargetMaxDocumentBytes(long value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, value, retryPolicy, metrics);
    }

    public MigrationSettings withRetryPolicy(RetryPolicy value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, value, metrics);
    }

    public MigrationSettings withMetrics(MetricsCollector value) {
        return new MigrationSettings(source, sourceIdentity, target, targetIdentity, sourceDatabase, targetDatabase, namespaces, strategy, planner, parallelCursors, insertWorkers, sourceBatchSize, batchSize, maxBatchBytes, batchTimeout, writeMode, matchFields, checkpointDir, fresh, checkpointInterval, errorStrategy, maxErrors, deadLetter, copyIndexes, targetFlavour, targetMaxDocumentBytes, retryPolicy, value);
    }
}
