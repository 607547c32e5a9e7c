package io.dataworks.migrations.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.core.plugin.PluginLoader;
import io.dataworks.generators.template.TemplateGenerator;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.NamespaceMapping;
import io.dataworks.migrations.strategy.CopyStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
        try (PluginLoader plugins = command.common.pluginLoader();
             EmbeddedMongo sourceServer = EmbeddedMongo.start();
             EmbeddedMongo targetServer = EmbeddedMongo.start();
             MongoEndpoint source = MongoEndpoint.connect(EndpointConfig.of(sourceServer.uri(), SOURCE.database()));
             MongoEndpoint target = MongoEndpoint.connect(EndpointConfig.of(targetServer.uri(), TARGET.database()))) {
            MigrationStrategy strategy = plugins.load(MigrationStrategy.class).stream()
                    .filter(s -> s.name().equals("service-order")).findFirst().orElseGet(CopyStrategy::new);
            LOG.info("demo: filling {} with {} service orders from {}", SOURCE, command.total, TEMPLATE);
            fill(source.database().getCollection(SOURCE.collection(), Document.class), generator, command.total);
            LOG.info("demo: migrating {} -> {} with strategy '{}'{}", SOURCE, TARGET, strategy.name(),
                    strategy instanceof CopyStrategy ? " (add --plugins user-defined/target for 'service-order')" : "");
            MigrationSettings settings = MigrationSettings.of(source.client(), "demo-source", target.client(), "demo-target")
                    .withNamespaces(List.of(new NamespaceMapping(SOURCE, TARGET)))
                    .withStrategy(strategy)
                    .withCheckpointDir(checkpoints)
                    .withTargetMaxDocumentBytes(target.maxDocumentBytes());
            return command.run(settings, command.out(), true);
        } finally {
            deleteQuietly(checkpoints);
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

    private static void fill(MongoCollection<Document> collection, TemplateGenerator generator, long total) {
        int batch = 1000;
        Flux.range(0, (int) ((total + batch - 1) / batch))
                .flatMap(chunk -> {
                    List<Document> docs = new ArrayList<>(batch);
                    for (long i = (long) chunk * batch; i < Math.min(total, (long) (chunk + 1) * batch); i++) {
                        docs.add(generator.generate(i, new SplittableRandom(SEED * 1_000_003L + i)));
                    }
                    return Mono.from(collection.insertMany(docs, new InsertManyOptions().ordered(false)));
                }, 4)
                .blockLast();
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
