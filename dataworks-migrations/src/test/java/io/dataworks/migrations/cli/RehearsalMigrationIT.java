package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.cli.Cli;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.generators.GenerationEngine;
import io.dataworks.generators.GenerationSettings;
import io.dataworks.generators.rehearsal.RehearsalGenerator;
import io.dataworks.generators.sink.MongoCollectionSink;
import io.dataworks.migrations.testing.Servers;
import io.dataworks.monitoring.MetricsCollector;
import io.dataworks.monitoring.RunReport;
import reactor.core.publisher.Flux;

/**
 * The generator's rehearsal data (what breaks migrations: ten _id types, $-prefixed and dotted names, every BSON type
 * the embedded server stores, deep nesting, documents near 16 MiB and 2 MiB) through flexible-migrate: copied byte
 * for byte and verified; and, into a Cosmos DB-sized target, the documents over 2 MiB refused, dead-lettered and
 * counted, with the run's own exit code.
 */
class RehearsalMigrationIT {

    private static final int DOCUMENTS = 1200;

    @TempDir
    Path dir;

    private static void fill(EmbeddedMongo server) {
        try (MongoEndpoint endpoint = MongoEndpoint.connect(EndpointConfig.of(server.uri(), "rehearsal"))) {
            MongoCollectionSink sink = MongoCollectionSink.create(endpoint, "docs", false, RetryPolicy.of(RetryConfig.DEFAULTS));
            GenerationEngine.create(GenerationSettings.of(new RehearsalGenerator(RehearsalGenerator.Profile.EMBEDDED), DOCUMENTS, 7, sink)
                    .withBatchSize(50)).run(MetricsCollector.create()).block(Duration.ofMinutes(2));
        }
    }

    private static List<RawBsonDocument> all(EmbeddedMongo server) {
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            return Flux.from(client.getDatabase("rehearsal").getCollection("docs", RawBsonDocument.class).find()
                    .sort(new BsonDocument("_id", new BsonInt32(1)))).collectList().block(Duration.ofMinutes(1));
        }
    }

    private int run(EmbeddedMongo source, EmbeddedMongo target, String... extra) throws Exception {
        Files.writeString(dir.resolve("none.env"), "");
        List<String> args = new ArrayList<>(List.of("--source-uri", source.connectionString(), "--source-db", "rehearsal",
                "--target-uri", target.connectionString(), "--checkpoint-dir", dir.resolve("cp").toString(), "--no-progress",
                "--env-file", dir.resolve("none.env").toString(), "--report", dir.resolve("report.json").toString()));
        args.addAll(List.of(extra));
        return Cli.run(new FlexibleMigrate(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
                args.toArray(String[]::new));
    }

    @Test
    void rehearsalDataIsCopiedByteForByteAndVerified() throws Exception {
        try (EmbeddedMongo source = EmbeddedMongo.start(); EmbeddedMongo target = EmbeddedMongo.start()) {
            fill(source);
            List<RawBsonDocument> original = all(source);
            assertThat(original).hasSize(DOCUMENTS);

            assertThat(run(source, target, "--verify", "--batch-size", "100")).isZero();

            RunReport report = RunReport.fromJson(Files.readString(dir.resolve("report.json")));
            assertThat(report.verification().status()).isEqualTo("match");
            assertThat(all(target)).usingElementComparator(Servers.byBytes()).containsExactlyElementsOf(original);
        }
    }

    @Test
    void intoACosmosSizedTargetTheDocumentsOverTwoMebibytesAreRefusedAndCounted() throws Exception {
        try (EmbeddedMongo source = EmbeddedMongo.start(); EmbeddedMongo target = EmbeddedMongo.start()) {
            fill(source);
            long overTwoMiB = all(source).stream().filter(d -> d.getByteBuffer().remaining() > 2 * 1024 * 1024).count();
            assertThat(overTwoMiB).as("rehearsal data holds documents over Cosmos DB's limit").isPositive();

            int exit = run(source, target, "--target-type", "cosmos", "--error-strategy", "continue", "--batch-size", "100");

            assertThat(exit).as("refused documents: not 0").isEqualTo(4);
            RunReport report = RunReport.fromJson(Files.readString(dir.resolve("report.json")));
            assertThat(report.status()).isEqualTo(RunReport.COMPLETED_WITH_ERRORS);
            assertThat(report.documentsFailed()).isEqualTo(overTwoMiB);
            assertThat(report.documentsWritten()).isEqualTo(DOCUMENTS - overTwoMiB);
            assertThat(all(target)).hasSize((int) (DOCUMENTS - overTwoMiB));
            assertThat(Files.readAllLines(dir.resolve("cp").resolve("dead-letter.jsonl"))).hasSize((int) overTwoMiB)
                    .allSatisfy(line -> assertThat(line).contains("\"code\": 10334"));
        }
    }
}
