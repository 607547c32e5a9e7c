package io.dataworks.migrations;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import com.mongodb.reactivestreams.client.MongoClient;

import io.dataworks.core.config.Flavour;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.plan.PlanOptions;
import io.dataworks.migrations.plan.Planner;
import io.dataworks.migrations.strategy.CopyStrategy;
import io.dataworks.monitoring.MetricsCollector;
import io.dataworks.monitoring.RunProgress;

/**
 * Everything a {@link MigrationEngine} and a {@link MigrationRun} need. Immutable and thread-safe; built, not
 * constructed, as the driver's {@code MongoClientSettings} is:
 *
 * <pre>{@code
 * MigrationSettings settings = MigrationSettings.builder(sourceClient, "src-hosts", targetClient, "dst-hosts")
 *         .sourceDatabase("shop")
 *         .applyToBatching(b -> b.batchSize(500).maxBatchBytes(4 << 20))
 *         .applyToCheckpoints(c -> c.directory(Path.of("cp")))
 *         .build();
 * MigrationSettings other = settings.toBuilder().applyToErrors(e -> e.strategy(ErrorStrategy.CONTINUE)).build();
 * }</pre>
 *
 * The parts that belong together are grouped ({@link Batching}, {@link Checkpoints}, {@link Errors}, {@link Writes});
 * every value is checked once, in {@link Builder#build()}, with a message that names the flag or key that sets it.
 * The source and target clients are the caller's: it creates and closes them.
 */
public final class MigrationSettings {

    /** The server refuses messages above 48 MB; a bulk write must fit in one. */
    public static final long MAX_MESSAGE_BYTES = 48_000_000L;
    public static final long DEFAULT_MAX_BATCH_BYTES = 8L * 1024 * 1024;
    public static final long DEFAULT_MAX_DOCUMENT_BYTES = 16L * 1024 * 1024;

    /**
     * How documents are read and grouped into bulk writes.
     *
     * @param sourceBatchSize cursor batch size on the source ({@code FRAMEWORK_SOURCE_DB_BATCH_SIZE})
     * @param batchSize       documents per bulk write at most ({@code --batch-size})
     * @param maxBatchBytes   bytes per bulk write at most ({@code --max-batch-bytes}; at most 48 MB, the message limit)
     * @param batchTimeout    a partly filled batch is written after this long
     */
    public record Batching(int sourceBatchSize, int batchSize, long maxBatchBytes, Duration batchTimeout) {

        public Batching {
            positive("sourceBatchSize (FRAMEWORK_SOURCE_DB_BATCH_SIZE)", sourceBatchSize);
            positive("batchSize (--batch-size)", batchSize);
            if (maxBatchBytes < 1024 || maxBatchBytes > MAX_MESSAGE_BYTES) {
                throw new IllegalArgumentException("maxBatchBytes (--max-batch-bytes) must be within 1024.." + MAX_MESSAGE_BYTES
                        + " (the server's message limit), was " + maxBatchBytes);
            }
            Objects.requireNonNull(batchTimeout, "batchTimeout");
        }

        static Batching defaults() {
            return new Batching(1000, 1000, DEFAULT_MAX_BATCH_BYTES, Duration.ofMillis(100));
        }

        /** Builds a changed copy; see {@link MigrationSettings.Builder#applyToBatching}. */
        public static final class Builder {
            private int sourceBatchSize;
            private int batchSize;
            private long maxBatchBytes;
            private Duration batchTimeout;

            private Builder(Batching from) {
                sourceBatchSize = from.sourceBatchSize;
                batchSize = from.batchSize;
                maxBatchBytes = from.maxBatchBytes;
                batchTimeout = from.batchTimeout;
            }

            public Builder sourceBatchSize(int value) {
                sourceBatchSize = value;
                return this;
            }

            public Builder batchSize(int value) {
                batchSize = value;
                return this;
            }

            public Builder maxBatchBytes(long value) {
                maxBatchBytes = value;
                return this;
            }

            public Builder batchTimeout(Duration value) {
                batchTimeout = Objects.requireNonNull(value, "batchTimeout");
                return this;
            }

            Batching build() {
                return new Batching(sourceBatchSize, batchSize, maxBatchBytes, batchTimeout);
            }
        }
    }

    /**
     * How documents are written.
     *
     * @param mode                   insert, upsert or replace ({@code --write-mode})
     * @param matchFields            upsert/replace filter fields; empty = {@code _id} ({@code --match-fields})
     * @param copyIndexes            copy indexes: unique ones before the data, the others after ({@code --no-indexes})
     * @param targetFlavour          the target's kind (Cosmos DB targets get their index-option quirks)
     * @param targetMaxDocumentBytes larger documents are dead-lettered without being sent
     */
    public record Writes(WriteMode mode, List<String> matchFields, boolean copyIndexes, Flavour targetFlavour,
                         long targetMaxDocumentBytes) {

        public Writes {
            Objects.requireNonNull(mode, "mode");
            matchFields = List.copyOf(Objects.requireNonNull(matchFields, "matchFields"));
            if (!matchFields.isEmpty() && mode == WriteMode.INSERT) {
                throw new IllegalArgumentException("--match-fields needs --write-mode upsert or replace");
            }
            Objects.requireNonNull(targetFlavour, "targetFlavour");
            positive("targetMaxDocumentBytes", targetMaxDocumentBytes);
        }
    }

    /**
     * Where and how often progress is recorded.
     *
     * @param directory where checkpoints (and by default the dead-letter file) live ({@code --checkpoint-dir})
     * @param fresh     delete this run's records first and start over ({@code --fresh})
     * @param interval  how often checkpoints are written while copying (and always at stop)
     */
    public record Checkpoints(Path directory, boolean fresh, Duration interval) {

        public Checkpoints {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(interval, "interval");
            if (interval.isZero() || interval.isNegative()) {
                throw new IllegalArgumentException("the checkpoint interval (FRAMEWORK_CHECKPOINT_INTERVAL_MS) must be > 0, was "
                        + interval.toMillis() + " ms");
            }
        }
    }

    /**
     * What happens to documents the target refuses.
     *
     * @param strategy   continue or stop ({@code --error-strategy})
     * @param maxErrors  with {@link ErrorStrategy#CONTINUE}, give up after this many refused documents; 0 = no limit
     * @param deadLetter JSON Lines file for them; {@code null} = {@code <checkpoint dir>/dead-letter.jsonl}
     */
    public record Errors(ErrorStrategy strategy, long maxErrors, Path deadLetter) {

        public Errors {
            Objects.requireNonNull(strategy, "strategy");
            if (maxErrors < 0) {
                throw new IllegalArgumentException("maxErrors (--max-errors) must be >= 0, was " + maxErrors);
            }
        }
    }

    private final MongoClient source;
    private final String sourceIdentity;
    private final MongoClient target;
    private final String targetIdentity;
    private final String sourceDatabase;
    private final String targetDatabase;
    private final List<NamespaceMapping> namespaces;
    private final MigrationStrategy strategy;
    private final NamespacePlanner planner;
    private final int parallelCursors;
    private final int insertWorkers;
    private final boolean adaptivePacing;
    private final Batching batching;
    private final Writes writes;
    private final Checkpoints checkpoints;
    private final Errors errors;
    private final RetryPolicy retryPolicy;
    private final Duration requestTimeout;
    private final MetricsCollector metrics;
    private final RunProgress progress;

    /** A request to a server that has not answered after this long is abandoned and retried (a stalled connection). */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private MigrationSettings(Builder b) {
        this.source = b.source;
        this.sourceIdentity = b.sourceIdentity;
        this.target = b.target;
        this.targetIdentity = b.targetIdentity;
        this.sourceDatabase = b.sourceDatabase;
        this.targetDatabase = b.targetDatabase;
        this.namespaces = List.copyOf(b.namespaces);
        this.strategy = b.strategy;
        this.planner = b.planner;
        positive("parallelCursors (--parallel-cursors)", b.parallelCursors);
        positive("insertWorkers (--insert-workers)", b.insertWorkers);
        this.parallelCursors = b.parallelCursors;
        this.insertWorkers = b.insertWorkers;
        this.adaptivePacing = b.adaptivePacing;
        this.batching = b.batching.build();
        this.writes = new Writes(b.writeMode, b.matchFields, b.copyIndexes, b.targetFlavour, b.targetMaxDocumentBytes);
        this.checkpoints = new Checkpoints(b.checkpointDir, b.fresh, b.checkpointInterval);
        this.errors = new Errors(b.errorStrategy, b.maxErrors, b.deadLetter);
        this.retryPolicy = b.retryPolicy;
        if (b.requestTimeout.isZero() || b.requestTimeout.isNegative()) {
            throw new IllegalArgumentException("requestTimeout (FRAMEWORK_REQUEST_TIMEOUT_SECONDS) must be > 0, was "
                    + b.requestTimeout.toSeconds() + " s");
        }
        this.requestTimeout = b.requestTimeout;
        this.metrics = b.metrics;
        this.progress = b.progress;
    }

    /**
     * A builder with the defaults: every collection of the source database, the {@code copy} strategy, the planner's
     * partitioner chain, 4 cursors, 8 writers, 1000-document / 8 MiB batches, insert mode, checkpoints in
     * {@code ./checkpoints}, stop at the first refused document.
     *
     * @param sourceIdentity what identifies the source in checkpoints (e.g. its hosts); never a password
     * @param targetIdentity what identifies the target in checkpoints
     */
    public static Builder builder(MongoClient source, String sourceIdentity, MongoClient target, String targetIdentity) {
        return new Builder(source, sourceIdentity, target, targetIdentity);
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0, was " + value);
        }
    }

    public MongoClient source() {
        return source;
    }

    public String sourceIdentity() {
        return sourceIdentity;
    }

    public MongoClient target() {
        return target;
    }

    public String targetIdentity() {
        return targetIdentity;
    }

    /** Database read when {@link #namespaces()} is empty (then every collection but {@code system.*}); may be null. */
    public String sourceDatabase() {
        return sourceDatabase;
    }

    /** Database written when {@link #namespaces()} is empty; {@code null} = the source database's name. */
    public String targetDatabase() {
        return targetDatabase;
    }

    /** Explicit collections to copy, possibly renamed; empty = every collection of {@link #sourceDatabase()}. */
    public List<NamespaceMapping> namespaces() {
        return namespaces;
    }

    public MigrationStrategy strategy() {
        return strategy;
    }

    /** How a collection is split when no checkpoint holds its plan. */
    public NamespacePlanner planner() {
        return planner;
    }

    /** Partitions read at once, across all namespaces. */
    public int parallelCursors() {
        return parallelCursors;
    }

    /** Bulk writes in flight at most, across all namespaces. */
    public int insertWorkers() {
        return insertWorkers;
    }

    /**
     * Whether each server's work is paced by a rate learned from its throttling (default), or sent at a fixed
     * {@link #insertWorkers()} writes in flight whatever the server answers ({@code --no-pacing}).
     */
    public boolean adaptivePacing() {
        return adaptivePacing;
    }

    public Batching batching() {
        return batching;
    }

    public Writes writes() {
        return writes;
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }

    public Errors errors() {
        return errors;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    /**
     * How long a bulk write may go unanswered before it is abandoned and retried like a dropped connection: a stalled
     * connection, or a reply the driver never completes, must not hang the run.
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Where counters and latencies go. */
    public MetricsCollector metrics() {
        return metrics;
    }

    /**
     * What the run reports as it goes (stage, per-namespace totals, partitions, verification, dead letters): the
     * progress API and the live page read it. When none is given, a model of its own that nobody reads.
     */
    public RunProgress progress() {
        return progress;
    }

    // Shorthands for the values every stage reads.

    public int sourceBatchSize() {
        return batching.sourceBatchSize();
    }

    public int batchSize() {
        return batching.batchSize();
    }

    public long maxBatchBytes() {
        return batching.maxBatchBytes();
    }

    public Duration batchTimeout() {
        return batching.batchTimeout();
    }

    public WriteMode writeMode() {
        return writes.mode();
    }

    public List<String> matchFields() {
        return writes.matchFields();
    }

    public boolean copyIndexes() {
        return writes.copyIndexes();
    }

    public Flavour targetFlavour() {
        return writes.targetFlavour();
    }

    public long targetMaxDocumentBytes() {
        return writes.targetMaxDocumentBytes();
    }

    public Path checkpointDir() {
        return checkpoints.directory();
    }

    public boolean fresh() {
        return checkpoints.fresh();
    }

    public Duration checkpointInterval() {
        return checkpoints.interval();
    }

    public ErrorStrategy errorStrategy() {
        return errors.strategy();
    }

    public long maxErrors() {
        return errors.maxErrors();
    }

    /** The dead-letter file actually used. */
    public Path deadLetterPath() {
        return errors.deadLetter() != null ? errors.deadLetter() : checkpoints.directory().resolve("dead-letter.jsonl");
    }

    @Override
    public String toString() {
        return "MigrationSettings[" + sourceIdentity + " -> " + targetIdentity + ", " + (namespaces.isEmpty()
                ? "database " + sourceDatabase : namespaces.size() + " namespace(s)") + ", strategy " + strategy.name() + "]";
    }

    /** Collects the settings; {@link #build()} checks them all. Not thread-safe. */
    public static final class Builder {
        private MongoClient source;
        private String sourceIdentity;
        private MongoClient target;
        private String targetIdentity;
        private String sourceDatabase;
        private String targetDatabase;
        private List<NamespaceMapping> namespaces = List.of();
        private MigrationStrategy strategy = new CopyStrategy();
        private NamespacePlanner planner = NamespacePlanner.of(Planner.create(PlanOptions.defaults()));
        private int parallelCursors = 4;
        private int insertWorkers = 8;
        private boolean adaptivePacing = true;
        private Batching.Builder batching = new Batching.Builder(Batching.defaults());
        private WriteMode writeMode = WriteMode.INSERT;
        private List<String> matchFields = List.of();
        private boolean copyIndexes = true;
        private Flavour targetFlavour = Flavour.MONGODB;
        private long targetMaxDocumentBytes = DEFAULT_MAX_DOCUMENT_BYTES;
        private Path checkpointDir = Path.of("checkpoints");
        private boolean fresh;
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private ErrorStrategy errorStrategy = ErrorStrategy.STOP;
        private long maxErrors;
        private Path deadLetter;
        private RetryPolicy retryPolicy = RetryPolicy.of(RetryConfig.DEFAULTS);
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private MetricsCollector metrics;
        private RunProgress progress;

        private Builder(MongoClient source, String sourceIdentity, MongoClient target, String targetIdentity) {
            this.source = Objects.requireNonNull(source, "source");
            this.sourceIdentity = Objects.requireNonNull(sourceIdentity, "sourceIdentity");
            this.target = Objects.requireNonNull(target, "target");
            this.targetIdentity = Objects.requireNonNull(targetIdentity, "targetIdentity");
        }

        private Builder(MigrationSettings s) {
            this(s.source, s.sourceIdentity, s.target, s.targetIdentity);
            sourceDatabase = s.sourceDatabase;
            targetDatabase = s.targetDatabase;
            namespaces = s.namespaces;
            strategy = s.strategy;
            planner = s.planner;
            parallelCursors = s.parallelCursors;
            insertWorkers = s.insertWorkers;
            adaptivePacing = s.adaptivePacing;
            batching = new Batching.Builder(s.batching);
            writeMode = s.writes.mode();
            matchFields = s.writes.matchFields();
            copyIndexes = s.writes.copyIndexes();
            targetFlavour = s.writes.targetFlavour();
            targetMaxDocumentBytes = s.writes.targetMaxDocumentBytes();
            checkpointDir = s.checkpoints.directory();
            fresh = s.checkpoints.fresh();
            checkpointInterval = s.checkpoints.interval();
            errorStrategy = s.errors.strategy();
            maxErrors = s.errors.maxErrors();
            deadLetter = s.errors.deadLetter();
            retryPolicy = s.retryPolicy;
            requestTimeout = s.requestTimeout;
            metrics = s.metrics;
            progress = s.progress;
        }

        public Builder source(MongoClient value, String identity) {
            source = Objects.requireNonNull(value, "source");
            sourceIdentity = Objects.requireNonNull(identity, "sourceIdentity");
            return this;
        }

        public Builder target(MongoClient value, String identity) {
            target = Objects.requireNonNull(value, "target");
            targetIdentity = Objects.requireNonNull(identity, "targetIdentity");
            return this;
        }

        public Builder sourceDatabase(String value) {
            sourceDatabase = value;
            return this;
        }

        public Builder targetDatabase(String value) {
            targetDatabase = value;
            return this;
        }

        public Builder namespaces(List<NamespaceMapping> value) {
            namespaces = List.copyOf(Objects.requireNonNull(value, "namespaces"));
            return this;
        }

        public Builder strategy(MigrationStrategy value) {
            strategy = Objects.requireNonNull(value, "strategy");
            return this;
        }

        public Builder planner(NamespacePlanner value) {
            planner = Objects.requireNonNull(value, "planner");
            return this;
        }

        public Builder parallelCursors(int value) {
            parallelCursors = value;
            return this;
        }

        public Builder insertWorkers(int value) {
            insertWorkers = value;
            return this;
        }

        /** {@code false}: no learned rate, {@code insertWorkers} writes in flight whatever the server answers. */
        public Builder adaptivePacing(boolean value) {
            adaptivePacing = value;
            return this;
        }

        /** Changes the batching settings in place: {@code b -> b.batchSize(500)}. */
        public Builder applyToBatching(Consumer<Batching.Builder> change) {
            change.accept(batching);
            return this;
        }

        public Builder batchSize(int value) {
            batching.batchSize(value);
            return this;
        }

        public Builder sourceBatchSize(int value) {
            batching.sourceBatchSize(value);
            return this;
        }

        public Builder maxBatchBytes(long value) {
            batching.maxBatchBytes(value);
            return this;
        }

        public Builder batchTimeout(Duration value) {
            batching.batchTimeout(value);
            return this;
        }

        public Builder writeMode(WriteMode value) {
            writeMode = Objects.requireNonNull(value, "writeMode");
            return this;
        }

        public Builder matchFields(List<String> value) {
            matchFields = List.copyOf(Objects.requireNonNull(value, "matchFields"));
            return this;
        }

        public Builder copyIndexes(boolean value) {
            copyIndexes = value;
            return this;
        }

        public Builder targetFlavour(Flavour value) {
            targetFlavour = Objects.requireNonNull(value, "targetFlavour");
            return this;
        }

        public Builder targetMaxDocumentBytes(long value) {
            targetMaxDocumentBytes = value;
            return this;
        }

        /** Changes the checkpoint settings: directory, fresh start, interval. */
        public Builder checkpoints(Path directory, boolean startFresh, Duration interval) {
            checkpointDir = Objects.requireNonNull(directory, "directory");
            fresh = startFresh;
            checkpointInterval = Objects.requireNonNull(interval, "interval");
            return this;
        }

        public Builder checkpointDir(Path value) {
            checkpointDir = Objects.requireNonNull(value, "checkpointDir");
            return this;
        }

        public Builder fresh(boolean value) {
            fresh = value;
            return this;
        }

        public Builder checkpointInterval(Duration value) {
            checkpointInterval = Objects.requireNonNull(value, "checkpointInterval");
            return this;
        }

        /** What happens to refused documents: stop or continue, up to how many, and where they are written. */
        public Builder errors(ErrorStrategy strategy, long max, Path deadLetterFile) {
            errorStrategy = Objects.requireNonNull(strategy, "errorStrategy");
            maxErrors = max;
            deadLetter = deadLetterFile;
            return this;
        }

        public Builder errorStrategy(ErrorStrategy value) {
            errorStrategy = Objects.requireNonNull(value, "errorStrategy");
            return this;
        }

        public Builder maxErrors(long value) {
            maxErrors = value;
            return this;
        }

        public Builder deadLetter(Path value) {
            deadLetter = value;
            return this;
        }

        public Builder retryPolicy(RetryPolicy value) {
            retryPolicy = Objects.requireNonNull(value, "retryPolicy");
            return this;
        }

        public Builder requestTimeout(Duration value) {
            requestTimeout = Objects.requireNonNull(value, "requestTimeout");
            return this;
        }

        public Builder progress(RunProgress value) {
            progress = Objects.requireNonNull(value, "progress");
            return this;
        }

        public Builder metrics(MetricsCollector value) {
            metrics = Objects.requireNonNull(value, "metrics");
            return this;
        }

        /** Checks every value (messages name the flag or key) and builds the settings. */
        public MigrationSettings build() {
            if (metrics == null) {
                metrics = MetricsCollector.create();
            }
            if (progress == null) {
                progress = RunProgress.create(metrics);
            }
            return new MigrationSettings(this);
        }
    }
}
