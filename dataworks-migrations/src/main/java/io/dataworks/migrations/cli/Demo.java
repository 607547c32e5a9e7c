package io.dataworks.migrations.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.core.plugin.PluginLoader;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.generators.GenerationEngine;
import io.dataworks.generators.GenerationSettings;
import io.dataworks.generators.sink.MongoCollectionSink;
import io.dataworks.generators.template.TemplateGenerator;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.NamespaceMapping;
import io.dataworks.migrations.strategy.CopyStrategy;
import io.dataworks.monitoring.MetricsCollector;

/**
 * {@code --demo}: two embedded servers in this process, the source filled from the service-order
 * template, migrated with the {@code service-order} strategy when a plug-in provides it (else
 * {@code copy}), verified as {@code --verify} does (raw BSON hashes per partition for {@code copy}, the
 * strategy's own check for a transforming strategy; a mismatch exits 3), report printed. Checkpoints go to a
 * temporary directory.
 */
final class Demo {

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    static final String TEMPLATE = "templates/service_order_template.json";
    static final Namespace SOURCE = new Namespace("dealer_service", "service_orders");
    static final Namespace TARGET = new Namespace("dealer_service_atlas", "service_orders");
    private static final long SEED = 42;

    private final FlexibleMigrate command;

    Demo(FlexibleMigrate command) {
        this.command = command;
    }

    int run() {
        if (command.total <= 0) {
            throw new DataWorksException(ExitCode.USAGE, "--total must be > 0, was " + command.total);
        }
        TemplateGenerator generator = TemplateGenerator.compile(templateText(), "service_order_template.json");
        Path checkpoints = tempDir();
        int exitCode = ExitCode.FAILED.code();
        try (PluginLoader plugins = command.common.pluginLoader();
             EmbeddedMongo sourceServer = EmbeddedMongo.start();
             EmbeddedMongo targetServer = command.cosmosBudget == null ? EmbeddedMongo.start()
                     : EmbeddedMongo.builder().cosmosBudget(command.cosmosBudget).start();
             // no command listener: the copy times its own cursor batches (see FlexibleMigrate)
             MongoEndpoint source = MongoEndpoint.connect(EndpointConfig.of(sourceServer.uri(), SOURCE.database()));
             MongoEndpoint target = MongoEndpoint.connect(EndpointConfig.of(targetServer.uri(), TARGET.database()))) {
            MigrationStrategy strategy = plugins.load(MigrationStrategy.class).stream()
                    .filter(s -> s.name().equals("service-order")).findFirst().orElseGet(CopyStrategy::new);
            LOG.info("demo: filling {} with {} service orders from {}", SOURCE, command.total, TEMPLATE);
            fill(source, generator, command.total);
            LOG.info("demo: migrating {} -> {} with strategy '{}'{}", SOURCE, TARGET, strategy.name(),
                    strategy instanceof CopyStrategy ? " (add --plugins user-defined/target for 'service-order')" : "");
            MigrationSettings settings = MigrationSettings.builder(source.client(), "demo-source", target.client(), "demo-target")
                    .namespaces(List.of(new NamespaceMapping(SOURCE, TARGET)))
                    .strategy(strategy)
                    .checkpointDir(checkpoints)
                    .targetMaxDocumentBytes(target.maxDocumentBytes())
                    .build();
            if (command.cosmosBudget != null) {
                LOG.info("demo: the target is Cosmos DB-like, provisioned with {} RU/s (a 1 KB document costs ~{} RU to insert)",
                        Math.round(command.cosmosBudget), io.dataworks.core.embedded.CosmosRequestUnits.WRITE_RU_PER_KB);
            }
            long start = System.nanoTime();
            exitCode = command.run(settings, command.out(), true);
            if (command.cosmosBudget != null) {
                io.dataworks.core.embedded.CosmosStats stats = targetServer.cosmosStats();
                double seconds = (System.nanoTime() - start) / 1e9;
                LOG.info(String.format(java.util.Locale.ROOT, "demo: the Cosmos DB-like target charged %,.0f RU in %.1f s "
                                + "(%.0f%% of %,.0f RU/s); %,d of %,d requests throttled (%d in part), %,d documents refused "
                                + "and retried", stats.requestUnits(), seconds,
                        100 * stats.requestUnits() / (command.cosmosBudget * seconds), command.cosmosBudget,
                        stats.throttledRequests(), stats.requests(), stats.partialRequests(), stats.throttledDocuments()));
            }
            return exitCode;
        } finally {
            if (exitCode == ExitCode.OK.code()) {
                deleteQuietly(checkpoints);
            } else {
                // The verification diff and the dead letters live here: the user needs them to see what differed.
                LOG.warn("demo: kept {} (checkpoints, verification diff, dead letters)", checkpoints);
            }
        }
    }

    /** The template from the working directory (a repository checkout) or, failing that, from the jar. */
    static String templateText() {
        Path local = Path.of(TEMPLATE);
        try {
            if (Files.isRegularFile(local)) {
                return Files.readString(local, StandardCharsets.UTF_8);
            }
            try (InputStream in = Demo.class.getClassLoader().getResourceAsStream(TEMPLATE)) {
                if (in == null) {
                    throw new DataWorksException(ExitCode.USAGE, "the demo needs " + TEMPLATE
                            + ": run it from the repository root, or use a flexible-migrate.jar that carries it");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TEMPLATE, e);
        }
    }

    /** Fills the source through the generation engine, so the demo's documents are the generator's, seed for seed. */
    static void fill(MongoEndpoint source, TemplateGenerator generator, long total) {
        MongoCollectionSink sink = MongoCollectionSink.create(source, SOURCE.collection(), false,
                RetryPolicy.of(RetryConfig.DEFAULTS));
        GenerationEngine.create(GenerationSettings.of(generator, total, SEED, sink))
                .run(MetricsCollector.create())
                .block();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("flexible-migrate-demo");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary checkpoint directory", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("cannot delete {}: {}", dir, e.toString());
        }
    }
}
