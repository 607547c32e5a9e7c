package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.testing.Fill;
import io.dataworks.migrations.testing.Servers;
import io.dataworks.monitoring.RunReport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** flexible-migrate in a child JVM, killed mid-copy (kill -9 and SIGTERM), then rerun. */
class KillAndResumeIT {

    private static final Namespace NS = new Namespace("shop", "orders");

    @TempDir
    Path dir;

    private Process launch(EmbeddedMongo source, EmbeddedMongo target, String name, long checkpointIntervalMs) throws IOException {
        Files.writeString(dir.resolve("empty.env"), "");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-DFRAMEWORK_CHECKPOINT_INTERVAL_MS=" + checkpointIntervalMs,
                // split as on a server that reads _id ranges through an index: several partitions resume at once
                "-DFRAMEWORK_PLAN_REQUIRE_INDEXED_RANGES=false",
                "-cp", System.getProperty("java.class.path"), FlexibleMigrate.class.getName(),
                "--source-uri", source.connectionString(), "--source-db", NS.database(),
                "--target-uri", target.connectionString(), "--checkpoint-dir", dir.resolve("cp").toString(),
                "--batch-size", "100", "--insert-workers", "2", "--no-progress", "--env-file", dir.resolve("empty.env").toString(),
                "--report", dir.resolve(name + ".json").toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private long checkpointed() {
        try {
            return NamespaceCheckpoint.load(CheckpointStore.readOnly(dir.resolve("cp")), NS).map(cp -> cp.documents()).orElse(0L);
        } catch (RuntimeException partlyWrittenOrMissing) {
            return 0;
        }
    }

    private static long count(MongoClient client) {
        return Mono.from(client.getDatabase(NS.database()).getCollection(NS.collection()).countDocuments()).block();
    }

    private static List<RawBsonDocument> all(MongoClient client) {
        return Flux.from(client.getDatabase(NS.database()).getCollection(NS.collection(), RawBsonDocument.class).find()
                .sort(new BsonDocument("_id", new BsonInt32(1)))).collectList().block();
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    @Test
    void aRunKilledWithKillMinus9ResumesFromItsCheckpointAndLosesAndDuplicatesNothing() throws Exception {
        int total = 20_000;
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().throttleRate(0.5).retryAfterMs(30).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            Fill.orders(source.connectionString(), NS.database(), NS.collection(), 0, total);

            Process first = launch(source, target, "first", 200);
            await().atMost(Duration.ofSeconds(60)).until(() -> checkpointed() >= 2000 || !first.isAlive());
            assertThat(first.isAlive()).as("still copying when killed; log:%n%s", log("first")).isTrue();
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300); // let the server finish what it had received
            long checkpoint = checkpointed();
            long onTarget = count(dst);
            assertThat(NamespaceCheckpoint.load(CheckpointStore.readOnly(dir.resolve("cp")), NS).orElseThrow().partitions()).hasSizeGreaterThan(1);
            assertThat(onTarget).isLessThan(total).isGreaterThanOrEqualTo(checkpoint);

            target.throttleRate(0);
            Process second = launch(source, target, "second", 200);
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(log("second")).isZero();

            assertThat(all(dst)).usingElementComparator(Servers.byBytes()).containsExactlyElementsOf(all(src));
            RunReport report = RunReport.fromJson(Files.readString(dir.resolve("second.json")));
            assertThat(report.documentsRead()).as("the rerun read only what followed the checkpoint").isEqualTo(total - checkpoint);
            assertThat(report.documentsWritten()).isEqualTo(total - onTarget);
            assertThat(report.documentsWritten() + report.documentsSkipped()).isEqualTo(total - checkpoint);
        }
    }

    @Test
    void sigtermStopsGracefullyWithAFinalCheckpoint() throws Exception {
        int total = 20_000;
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().throttleRate(0.5).retryAfterMs(30).start();
             MongoClient dst = MongoClients.create(target.connectionString())) {
            Fill.orders(source.connectionString(), NS.database(), NS.collection(), 0, total);

            // No periodic checkpoints: only the one written at stop can record progress.
            Process run = launch(source, target, "run", 600_000);
            await().atMost(Duration.ofSeconds(60)).until(() -> count(dst) >= 2000 || !run.isAlive());
            assertThat(run.isAlive()).as(log("run")).isTrue();
            assertThat(checkpointed()).isZero();
            run.destroy();
            assertThat(run.waitFor(30, TimeUnit.SECONDS)).isTrue();

            // The final checkpoint recorded progress, and everything up to its _id is on the target.
            var checkpoint = NamespaceCheckpoint.load(CheckpointStore.readOnly(dir.resolve("cp")), NS).orElseThrow();
            long recorded = checkpoint.documents();
            assertThat(recorded).isPositive().isLessThanOrEqualTo(count(dst));
            // Per partition: every document from the partition's start up to its checkpointed _id is on the target.
            long upToLast = 0;
            for (var progress : checkpoint.partitions()) {
                if (progress.lastId() != null) {
                    BsonDocument filter = new BsonDocument("$and", new org.bson.BsonArray(List.of(
                            checkpoint.plan().readFilter(progress.partition(), null),
                            new BsonDocument("_id", new BsonDocument("$lte", progress.lastId())))));
                    upToLast += Mono.from(dst.getDatabase(NS.database()).getCollection(NS.collection()).countDocuments(filter)).block();
                }
            }
            assertThat(upToLast).isEqualTo(recorded);
            assertThat(log("run")).contains("final checkpoint");
            assertThat(RunReport.fromJson(Files.readString(dir.resolve("run.json"))).status()).isEqualTo(RunReport.INTERRUPTED);
        }
    }
}
