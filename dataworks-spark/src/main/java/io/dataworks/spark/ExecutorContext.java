package io.dataworks.spark;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.core.config.ConfigLoader;
import io.dataworks.core.config.DataWorksConfig;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.core.plugin.PluginLoader;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.PartitionCopier;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.endpoint.Endpoint;
import io.dataworks.migrations.cli.FlexibleMigrate;
import io.dataworks.migrations.cli.MigrateOptions;
import picocli.CommandLine;

/**
 * Per executor JVM and job: the clients of both sides, the settings (built from the driver's command line and resolved
 * configuration by the same code as the CLI's), the partition copier and the checkpoint store, made on the first task
 * and reused by every later one (connection pools are not rebuilt per task). Closed when the JVM exits.
 */
final class ExecutorContext implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorContext.class);
    private static final Map<String, ExecutorContext> BY_JOB = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> BY_JOB.values().forEach(ExecutorContext::close),
                "dataworks-executor-close"));
    }

    final MigrationSettings settings;
    final PartitionCopier copier;
    final CheckpointStore store;
    private final MongoEndpoint source;
    private final MongoEndpoint target;
    private final PluginLoader plugins;

    private ExecutorContext(JobSpec spec) {
        FlexibleMigrate command = new FlexibleMigrate();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(spec.args().toArray(String[]::new));
        MigrateOptions options = command.options();
        // the driver's resolved values only: no .env_local or environment of this machine
        DataWorksConfig config = ConfigLoader.load(spec.config(), Path.of("/nonexistent-dataworks-env"), Map.of());
        this.plugins = PluginLoader.create(Optional.empty());
        MongoEndpoint src = null;
        MongoEndpoint dst = null;
        try {
            src = MongoEndpoint.connect(config.requireSource());
            dst = MongoEndpoint.connect(config.requireTarget());
            MigrationStrategy strategy = options.selectStrategy(plugins, config);
            this.settings = options.settings(config, src, dst, strategy);
        } catch (RuntimeException e) {
            if (src != null) {
                src.close();
            }
            if (dst != null) {
                dst.close();
            }
            plugins.close();
            throw e;
        }
        this.source = src;
        this.target = dst;
        this.copier = PartitionCopier.create(settings);

        // Each executor paces its own reads and writes, as the CLI does (--no-pacing turns it off): a rate learned from
        // the throttling it meets, so the executors together share the target's budget, each its share, without
        // coordination through the store. Verification's reads go through the same endpoints.
        // the driver holds the store's lock (or its lease) for the whole job; executors write their partitions beside
        // it: in the MongoDB store when the job has one (--checkpoint-uri: no shared filesystem needed), else in the
        // directory every machine shares
        // (the driver resolved --checkpoint-uri/--checkpoint-db into its configuration, which this context was given)
        Optional<String> checkpointUri = config.value(io.dataworks.migrations.cli.MigrationKeys.CHECKPOINT_URI);
        this.store = checkpointUri.isPresent()
                ? CheckpointStore.mongoShared(checkpointUri.get(),
                        config.value(io.dataworks.migrations.cli.MigrationKeys.CHECKPOINT_DB).orElse(null))
                : CheckpointStore.unlocked(Path.of(spec.checkpointDir()));
        LOG.info("executor context for job {}: {} -> {}, strategy {}, store {}", spec.jobId(),
                source.config().uri().masked(), target.config().uri().masked(),
                strategy().name(), store.location());
    }

    /** The source as this JVM's tasks reach it (retry, pacing), for verification's reads. */
    Endpoint source() {
        return copier.source();
    }

    Endpoint target() {
        return copier.target();
    }

    private MigrationStrategy strategy() {
        return settings.strategy();
    }

    /** The context of {@code spec}'s job in this JVM, made on first use. */
    static ExecutorContext of(JobSpec spec) {
        return BY_JOB.computeIfAbsent(spec.jobId(), id -> new ExecutorContext(spec));
    }

    /** Closes the context of job {@code jobId} in this JVM, if there is one (Spark's local mode runs executors in the driver). */
    static void close(String jobId) {
        ExecutorContext context = BY_JOB.remove(jobId);
        if (context != null) {
            context.close();
        }
    }

    @Override
    public synchronized void close() {
        try {
            copier.close();
            store.close();
        } finally {
            source.close();
            target.close();
            plugins.close();
        }
    }
}
