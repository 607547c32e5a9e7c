package io.dataworks.migrations.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import io.dataworks.core.cli.CommonOptions;
import io.dataworks.core.config.ConfigException;
import io.dataworks.core.config.ConfigKeys;
import io.dataworks.core.config.DataWorksConfig;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.config.MongoUri;
import io.dataworks.core.config.WorkerConfig;
import io.dataworks.core.io.OutputPaths;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.core.plugin.PluginLoader;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.ErrorStrategy;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.NamespaceMapping;
import io.dataworks.migrations.NamespacePlanner;
import io.dataworks.migrations.RunOptions;
import io.dataworks.migrations.WriteMode;
import io.dataworks.migrations.follow.Cutover;
import io.dataworks.migrations.plan.PlanOptions;
import io.dataworks.migrations.plan.Planner;
import picocli.CommandLine.Option;

/**
 * The migration options of {@code flexible-migrate}, as a picocli mixin ({@code @Mixin MigrateOptions options}), so that
 * every command that runs a migration (the CLI, the Spark driver) parses the same flags with the same definitions, maps
 * them onto {@link MigrationSettings} and {@link RunOptions} the same way and refuses the same flag combinations.
 * Filled in by picocli before the command runs.
 */
public final class MigrateOptions {

    @Option(names = "--source-uri", paramLabel = "URI", description = "Source connection string (FRAMEWORK_SOURCE_DB_CONNECTION_STRING).")
    String sourceUri;
    @Option(names = "--source-db", paramLabel = "NAME", description = "Source database (FRAMEWORK_SOURCE_DB_NAME).")
    String sourceDb;
    @Option(names = "--source-collection", paramLabel = "NAME", split = ",",
            description = "Collection to copy; repeat or separate with commas. Omitted: every collection of --source-db.")
    List<String> sourceCollections = new ArrayList<>();
    @Option(names = "--source-type", paramLabel = "cosmos|atlas|mongodb", description = "Source flavour; detected from the host when omitted.")
    String sourceType;
    @Option(names = "--target-uri", paramLabel = "URI", description = "Target connection string (FRAMEWORK_TARGET_DB_CONNECTION_STRING).")
    String targetUri;
    @Option(names = "--target-db", paramLabel = "NAME", description = "Target database; default: the source database's name.")
    String targetDb;
    @Option(names = "--target-collection", paramLabel = "NAME", split = ",",
            description = "New names for the source collections, in the same order (renaming); default: same names.")
    List<String> targetCollections = new ArrayList<>();
    @Option(names = "--target-type", paramLabel = "cosmos|atlas|mongodb", description = "Target flavour; detected from the host when omitted.")
    String targetType;

    @Option(names = "--strategy", paramLabel = "NAME", description = "Migration strategy (default: copy, byte for byte).")
    String strategy;
    @Option(names = "--parallel-cursors", paramLabel = "N", description = "Partitions read at once (FRAMEWORK_PARALLEL_CURSORS).")
    Integer parallelCursors;
    @Option(names = "--insert-workers", paramLabel = "N", description = "Bulk writes in flight (FRAMEWORK_MAX_INSERT_WORKERS).")
    Integer insertWorkers;
    @Option(names = "--batch-size", paramLabel = "N", description = "Documents per bulk write at most (FRAMEWORK_BATCH_AGGREGATION_SIZE).")
    Integer batchSize;
    @Option(names = "--max-batch-bytes", paramLabel = "N", description = "Bytes per bulk write at most; default 8388608, at most 48000000.")
    Long maxBatchBytes;
    @Option(names = "--write-mode", paramLabel = "insert|upsert|replace", defaultValue = "insert",
            description = "insert (duplicates count as already copied), upsert or replace (by _id or --match-fields). Default: ${DEFAULT-VALUE}.")
    WriteMode writeMode;
    @Option(names = "--match-fields", paramLabel = "FIELD", split = ",", description = "Fields that identify a document for upsert/replace (default _id).")
    List<String> matchFields = new ArrayList<>();
    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "Where checkpoints are kept (FRAMEWORK_CHECKPOINT_DIR, default ./checkpoints).")
    Path checkpointDir;
    @Option(names = "--fresh", description = "Ignore (delete) existing checkpoints of these collections and start over.")
    boolean fresh;
    @Option(names = "--dry-run", description = "Print the plan (namespaces, estimates, partitions) and write nothing; against "
            + "a Cosmos DB source also the request units reading and writing it will cost.")
    boolean dryRun;
    @Option(names = "--target-ru", paramLabel = "RU_PER_SECOND", description = "The target's provisioned throughput (Cosmos DB "
            + "RU/s): --dry-run prints how long the copy's writes take at it; a run reports the share of it the copy used "
            + "(estimated from the documents' sizes).")
    Double targetRu;
    @Option(names = "--error-strategy", paramLabel = "continue|stop", defaultValue = "stop",
            description = "On a document the target refuses (it always goes to the dead-letter file): stop the run or continue. Default: ${DEFAULT-VALUE}.")
    ErrorStrategy errorStrategy;
    @Option(names = "--max-errors", paramLabel = "N", defaultValue = "0",
            description = "With --error-strategy continue: give up after N failed documents (0 = no limit).")
    long maxErrors;
    @Option(names = "--dead-letter", paramLabel = "PATH", description = "JSON Lines file for refused documents (default: <checkpoint-dir>/dead-letter.jsonl).")
    Path deadLetter;
    @Option(names = "--no-indexes", description = "Do not copy indexes.")
    boolean noIndexes;
    @Option(names = "--no-progress", description = "No progress line.")
    boolean noProgress;
    @Option(names = "--verify", description = "After the copy, compare counts and per-partition content hashes; exit 3 on a mismatch "
            + "(the differing _ids in <checkpoint-dir>/verify-diff-<ns>.jsonl).")
    boolean verify;
    @Option(names = "--verify-only", description = "Verify an earlier copy without copying; resumes an interrupted verification (--fresh starts over).")
    boolean verifyOnly;
    @Option(names = "--follow", description = "After the copy, replay the source's changes (change streams) onto the target until Ctrl-C "
            + "or until --cutover-max-lag holds.")
    boolean follow;
    @Option(names = "--cutover-max-lag", paramLabel = "SECONDS",
            description = "With --follow: stop once the lag stayed at or below this for --cutover-hold seconds (default: follow until Ctrl-C).")
    Double cutoverMaxLag;
    @Option(names = "--cutover-hold", paramLabel = "SECONDS", defaultValue = "30",
            description = "With --cutover-max-lag: how long the lag must stay low. Default: ${DEFAULT-VALUE}.")
    double cutoverHold;
    @Option(names = "--reconcile-deletes", description = "After the copy, delete target documents whose _id the source no longer has "
            + "(Cosmos DB change streams carry no deletes).")
    boolean reconcileDeletes;
    @Option(names = {"--no-pacing", "--no-adaptive-concurrency"}, description = "Do not pace: keep --insert-workers bulk "
            + "writes in flight whatever the servers answer (default: each server is paced by a rate learned from its "
            + "throttling, 16500 TooManyRequests, and its RetryAfterMs).")
    boolean noPacing;

    /** Flags that make no sense together are refused before anything is read or written. */
    public void checkFlagCombinations() {
        if (cutoverMaxLag != null && !follow) {
            throw new ConfigException("--cutover-max-lag", "--cutover-max-lag needs --follow");
        }
        if (follow && verifyOnly) {
            throw new ConfigException("--follow", "--follow cannot go with --verify-only: following starts from a point taken "
                    + "before the copy. Run the copy with --follow (and --verify), or --verify-only alone");
        }
        if (verify && verifyOnly) {
            throw new ConfigException("--verify", "--verify and --verify-only: give one (--verify-only verifies without copying)");
        }
        if (targetRu != null && !(targetRu > 0 && targetRu < 1e9)) {
            throw new ConfigException("--target-ru", "--target-ru is the target's provisioned request units per second, a "
                    + "number > 0 (e.g. --target-ru 10000), was " + targetRu);
        }
    }

    /** Every file and directory the run will write is checked first: a bad path must not cost a whole copy. */
    public void checkOutputPaths(CommonOptions common, Path checkpoints) {
        OutputPaths paths = new OutputPaths();
        common.report().filter(p -> !p.toString().equals("-")).ifPresent(p -> paths.check("--report", p));
        common.metricsOut().ifPresent(p -> paths.check("--metrics-out", p));
        paths.checkDirectory("--checkpoint-dir", checkpoints);
        paths.check("--dead-letter", deadLetter != null ? deadLetter : checkpoints.resolve("dead-letter.jsonl"));
    }

    /** The flags given, as configuration keys, so that they win over system properties, environment and .env_local. */
    public Map<String, String> overrides() {
        Map<String, String> o = new HashMap<>();
        put(o, ConfigKeys.SOURCE_URI, sourceUri);
        put(o, ConfigKeys.SOURCE_DB, sourceDb);
        put(o, ConfigKeys.SOURCE_COLLECTION, sourceCollections.isEmpty() ? null : String.join(",", sourceCollections));
        put(o, ConfigKeys.SOURCE_TYPE, sourceType);
        put(o, ConfigKeys.TARGET_URI, targetUri);
        put(o, ConfigKeys.TARGET_DB, targetDb);
        put(o, ConfigKeys.TARGET_COLLECTION, targetCollections.isEmpty() ? null : String.join(",", targetCollections));
        put(o, ConfigKeys.TARGET_TYPE, targetType);
        put(o, ConfigKeys.PARALLEL_CURSORS, parallelCursors);
        put(o, ConfigKeys.MAX_INSERT_WORKERS, insertWorkers);
        put(o, ConfigKeys.BATCH_AGGREGATION_SIZE, batchSize);
        put(o, MigrationKeys.MAX_BATCH_BYTES, maxBatchBytes);
        put(o, MigrationKeys.CHECKPOINT_DIR, checkpointDir);
        put(o, MigrationKeys.STRATEGY, strategy);
        return o;
    }

    private static void put(Map<String, String> map, String key, Object value) {
        if (value != null) {
            map.put(key, value.toString());
        }
    }

    public MigrationStrategy selectStrategy(PluginLoader plugins, DataWorksConfig config) {
        String name = config.value(MigrationKeys.STRATEGY).orElse("copy");
        return plugins.select(MigrationStrategy.class, name, MigrationStrategy::name, "--strategy");
    }

    public MigrationSettings settings(DataWorksConfig config, MongoEndpoint source, MongoEndpoint target, MigrationStrategy selected) {
        EndpointConfig src = source.config();
        EndpointConfig dst = target.config();
        WorkerConfig workers = config.workers();
        String targetDatabase = dst.database() != null && !dst.database().isBlank() ? dst.database() : src.database();
        List<NamespaceMapping> namespaces = mappings(src, dst, targetDatabase);
        long batchBytes = config.get(MigrationKeys.MAX_BATCH_BYTES, Long.class, MigrationSettings.DEFAULT_MAX_BATCH_BYTES);
        if (batchBytes < 1024 || batchBytes > MigrationSettings.MAX_MESSAGE_BYTES) {
            throw new ConfigException(MigrationKeys.MAX_BATCH_BYTES, "--max-batch-bytes must be within 1024.."
                    + MigrationSettings.MAX_MESSAGE_BYTES + " (the server's message limit), was " + batchBytes);
        }
        if (!matchFields.isEmpty() && writeMode == WriteMode.INSERT) {
            throw new ConfigException("--match-fields", "--match-fields needs --write-mode upsert or replace");
        }
        try {
            return MigrationSettings.builder(source.client(), identity(src.uri()), target.client(), identity(dst.uri()))
                    .sourceDatabase(src.database())
                    .targetDatabase(targetDatabase)
                    .namespaces(namespaces)
                    .strategy(selected)
                    .planner(NamespacePlanner.of(Planner.create(PlanOptions.fromConfig(config)
                            .withParallelCursors(workers.parallelCursors()))))
                    .parallelCursors(workers.parallelCursors())
                    .insertWorkers(workers.maxInsertWorkers())
                    .adaptivePacing(!noPacing)
                    .sourceBatchSize(workers.sourceBatchSize())
                    .batchSize(workers.batchAggregationSize())
                    .batchTimeout(Duration.ofMillis(Math.max(1, workers.batchAggregationTimeoutMs())))
                    .maxBatchBytes(batchBytes)
                    .writeMode(writeMode)
                    .matchFields(matchFields)
                    .checkpointDir(Path.of(config.value(MigrationKeys.CHECKPOINT_DIR).orElse("checkpoints")))
                    .fresh(fresh)
                    .checkpointInterval(Duration.ofMillis(config.get(MigrationKeys.CHECKPOINT_INTERVAL_MS, Long.class, 1000L)))
                    .errorStrategy(errorStrategy)
                    .maxErrors(maxErrors)
                    .deadLetter(deadLetter)
                    .copyIndexes(!noIndexes)
                    .targetFlavour(target.flavour())
                    .targetMaxDocumentBytes(target.maxDocumentBytes())
                    .retryPolicy(RetryPolicy.of(config.retry()))
                    .requestTimeout(Duration.ofSeconds(config.get(MigrationKeys.REQUEST_TIMEOUT_SECONDS, Long.class,
                            MigrationSettings.DEFAULT_REQUEST_TIMEOUT.toSeconds())))
                    .build();
        } catch (IllegalArgumentException e) {
            // the settings name the flag or key in their checks: a usage error, not a failed run
            throw new ConfigException("settings", e.getMessage(), e);
        }
    }

    /**
     * The collections to copy and their target names: {@code --source-collection name} or {@code name:newName},
     * or new names given in order with {@code --target-collection}; none = every collection (empty list).
     */
    private List<NamespaceMapping> mappings(EndpointConfig src, EndpointConfig dst, String targetDatabase) {
        List<String> from = src.collections();
        List<String> to = dst.collections();
        if (from.isEmpty()) {
            if (!to.isEmpty()) {
                throw new ConfigException(ConfigKeys.TARGET_COLLECTION,
                        "--target-collection renames the collections given with --source-collection; name those too");
            }
            return List.of();
        }
        if (!to.isEmpty() && to.size() != from.size()) {
            throw new ConfigException(ConfigKeys.TARGET_COLLECTION, "--target-collection names " + to.size()
                    + " collection(s) for " + from.size() + " --source-collection(s); give one new name per source collection, in order");
        }
        List<NamespaceMapping> mappings = new ArrayList<>();
        for (int i = 0; i < from.size(); i++) {
            String spec = from.get(i);
            int colon = spec.indexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            String renamed = !to.isEmpty() ? to.get(i) : colon < 0 ? name : spec.substring(colon + 1);
            if (name.isBlank() || renamed.isBlank()) {
                throw new ConfigException(ConfigKeys.SOURCE_COLLECTION, "--source-collection '" + spec
                        + "' is not NAME or NAME:NEW_NAME");
            }
            mappings.add(new NamespaceMapping(new Namespace(src.database(), name), new Namespace(targetDatabase, renamed)));
        }
        long distinctTargets = mappings.stream().map(NamespaceMapping::target).distinct().count();
        if (distinctTargets < mappings.size()) {
            throw new ConfigException(ConfigKeys.TARGET_COLLECTION, "two source collections would land on the same target collection: "
                    + mappings);
        }
        return mappings;
    }

    /** What identifies a deployment in checkpoints: its hosts, never credentials or options. */
    public static String identity(MongoUri uri) {
        return uri.hosts().stream().map(h -> h.toLowerCase(Locale.ROOT)).sorted().collect(Collectors.joining(","));
    }

    public static Cutover cutover(Double maxLagSeconds, double holdSeconds) {
        if (maxLagSeconds == null) {
            return null;
        }
        return new Cutover(Duration.ofMillis((long) (maxLagSeconds * 1000)), Duration.ofMillis((long) (holdSeconds * 1000)));
    }

    /**
     * The configuration with these flags on top (flag > system property > environment > .env_local). The target database
     * defaults to the source's (--source-db, or the database in the source URI), unless the target URI names one.
     */
    public DataWorksConfig loadConfig(CommonOptions common) {
        DataWorksConfig config = common.loadConfig(overrides());
        if (config.value(ConfigKeys.TARGET_DB).isEmpty()) {
            DataWorksConfig loaded = config;
            String sourceDatabase = loaded.value(ConfigKeys.SOURCE_DB).or(() -> loaded.value(ConfigKeys.SOURCE_URI)
                    .flatMap(uri -> MongoUri.parse(ConfigKeys.SOURCE_URI, uri).database())).orElse(null);
            boolean uriNamesOne = loaded.value(ConfigKeys.TARGET_URI)
                    .map(uri -> MongoUri.parse(ConfigKeys.TARGET_URI, uri).database().isPresent()).orElse(false);
            if (sourceDatabase != null && !uriNamesOne) {
                Map<String, String> withTarget = overrides();
                withTarget.put(ConfigKeys.TARGET_DB, sourceDatabase);
                config = common.loadConfig(withTarget);
            }
        }
        return config;
    }

    /** The checkpoint directory of the loaded configuration ({@code --checkpoint-dir}, default {@code ./checkpoints}). */
    public static Path checkpointDir(DataWorksConfig config) {
        return Path.of(config.value(MigrationKeys.CHECKPOINT_DIR).orElse("checkpoints"));
    }

    /** FRAMEWORK_STALL_TIMEOUT_SECONDS of the loaded configuration, checked. */
    public static Duration stallTimeout(DataWorksConfig config) {
        Duration stallTimeout = Duration.ofSeconds(config.get(MigrationKeys.STALL_TIMEOUT_SECONDS, Long.class,
                RunOptions.DEFAULT_STALL_TIMEOUT.toSeconds()));
        if (stallTimeout.isNegative()) {
            throw new ConfigException(MigrationKeys.STALL_TIMEOUT_SECONDS, MigrationKeys.STALL_TIMEOUT_SECONDS
                    + " must be >= 0 seconds (0 turns the stall warning off), was " + stallTimeout.toSeconds());
        }
        return stallTimeout;
    }

    /**
     * The stages to run, as the flags say.
     *
     * @param alwaysVerify verify after the copy as {@code --verify} does even when it was not given ({@code --demo})
     */
    public RunOptions runOptions(boolean cosmosSource, Duration stallTimeout, boolean alwaysVerify) {
        return new RunOptions(!verifyOnly, verify || verifyOnly || alwaysVerify, reconcileDeletes, follow,
                cutover(cutoverMaxLag, cutoverHold), cosmosSource, stallTimeout);
    }

    /** {@code --target-ru}, RU per second; 0 when not given. */
    public double targetRu() {
        return targetRu == null ? 0 : targetRu;
    }

    public boolean dryRun() {
        return dryRun;
    }

    public boolean verifyOnly() {
        return verifyOnly;
    }

    public boolean follow() {
        return follow;
    }

    public boolean reconcileDeletes() {
        return reconcileDeletes;
    }

    public boolean noProgress() {
        return noProgress;
    }

    /** Each server paced by a learned rate (default), or {@code --no-pacing}. */
    public boolean adaptivePacing() {
        return !noPacing;
    }
}
