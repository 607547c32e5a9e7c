package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.testing.Fill;
import io.dataworks.monitoring.RunReport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The CLI's --verify, --verify-only, --reconcile-deletes and --follow with cut-over, end to end. */
class VerifyFollowCliIT {

    @TempDir
    Path dir;

    private EmbeddedMongo source;
    private EmbeddedMongo target;


    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    @Test
    void verifiesTheCopyThenFindsAndNamesWhatChangedOnTheTarget() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        Fill.orders(source.connectionString(), "shop", "orders", 0, 3000);
        Path report = dir.resolve("report.json");

        MigrateCli.Result copied = run("--verify", "--report", report.toString());
        assertThat(copied.exitCode()).as(copied.err()).isZero();
        RunReport first = RunReport.fromJson(Files.readString(report));
        assertThat(first.verification().status()).isEqualTo("match");
        assertThat(first.verification().method()).isEqualTo("hash");
        assertThat(first.verification().sourceCount()).isEqualTo(3000);

        try (MongoClient client = MongoClients.create(target.connectionString())) {
            MongoCollection<RawBsonDocument> orders = client.getDatabase("shop").getCollection("orders", RawBsonDocument.class);
            Mono.from(orders.deleteOne(Filters.eq("_id", 42))).block();
            Mono.from(orders.updateOne(Filters.eq("_id", 2001), Updates.set("status", "tampered"))).block();
        }
        MigrateCli.Result verified = run("--verify-only", "--fresh", "--report", report.toString());

        assertThat(verified.exitCode()).as(verified.err()).isEqualTo(3);
        RunReport second = RunReport.fromJson(Files.readString(report));
        assertThat(second.status()).isEqualTo(RunReport.VERIFICATION_MISMATCH);
        assertThat(second.documentsWritten()).as("verify-only copies nothing").isZero();
        assertThat(second.verification().diffFile()).isNotNull();
        assertThat(Files.readAllLines(Path.of(second.verification().diffFile()))).containsExactlyInAnyOrder(
                "{\"ns\": \"shop.orders\", \"_id\": 42, \"kind\": \"missing\"}",
                "{\"ns\": \"shop.orders\", \"_id\": 2001, \"kind\": \"different\"}");
    }

    @Test
    void reconcileDeletesRemovesWhatTheSourceNoLongerHasBeforeVerifying() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        Fill.orders(source.connectionString(), "shop", "orders", 0, 1000);
        Fill.orders(target.connectionString(), "shop", "orders", 0, 1000);
        Fill.orders(target.connectionString(), "shop", "orders", 5000, 25); // deleted on the source since
        Path report = dir.resolve("report.json");

        MigrateCli.Result result = run("--verify-only", "--reconcile-deletes", "--report", report.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        RunReport written = RunReport.fromJson(Files.readString(report));
        assertThat(written.verification().status()).isEqualTo("match");
        assertThat(written.details()).containsEntry("reconciledDeletes", Map.of("shop.orders", 25L));
    }

    @Test
    void followsChangesAfterTheCopyAndStopsWhenTheLagStaysLow() throws Exception {
        source = EmbeddedMongo.builder().oplog(true).start();
        target = EmbeddedMongo.start();
        Fill.orders(source.connectionString(), "shop", "orders", 0, 2000);
        Path report = dir.resolve("report.json");

        CompletableFuture<MigrateCli.Result> running = CompletableFuture.supplyAsync(() -> run("--follow", "--cutover-max-lag", "1",
                "--cutover-hold", "3", "--report", report.toString()));
        try (MongoClient client = MongoClients.create(source.connectionString());
             MongoClient targetClient = MongoClients.create(target.connectionString())) {
            var orders = client.getDatabase("shop").getCollection("orders");
            var copy = targetClient.getDatabase("shop").getCollection("orders");
            await().atMost(Duration.ofSeconds(30)).until(() -> Mono.from(copy.countDocuments()).block() == 2000);
            Mono.from(orders.deleteOne(Filters.eq("_id", 7))).block();
            Mono.from(orders.updateOne(Filters.eq("_id", 8), Updates.set("status", "shipped"))).block();
            Mono.from(orders.insertOne(new org.bson.Document("_id", 9000).append("status", "new"))).block();

            MigrateCli.Result result = running.get();

            assertThat(result.exitCode()).as(result.err()).isZero();
            RunReport written = RunReport.fromJson(Files.readString(report));
            assertThat(written.details()).containsKey("follow");
            assertThat(all(targetClient)).isEqualTo(all(client));
        }
    }

    private MigrateCli.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of("--source-uri", source.connectionString(), "--source-db", "shop",
                "--source-collection", "orders", "--target-uri", target.connectionString(),
                "--checkpoint-dir", dir.resolve("cp").toString(), "--no-progress", "--env-file", MigrateCli.emptyEnvFile(dir).toString()));
        all.addAll(List.of(args));
        return MigrateCli.run(all);
    }


    private static List<String> all(MongoClient client) {
        return Flux.from(client.getDatabase("shop").getCollection("orders", RawBsonDocument.class).find()
                        .sort(new BsonDocument("_id", new BsonInt32(1))))
                .map(RawBsonDocument::toJson).collectList().block();
    }
}
