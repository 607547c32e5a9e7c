package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
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

/**
 * flexible-migrate with {@code --checkpoint-uri}: the checkpoints, the lease and the dead letters in a database of the
 * target server, a run killed with kill -9 and resumed, refused documents kept there, and the connection string's
 * secret nowhere. The embedded server has no authentication, so the secret rides in an option the masker covers and the
 * driver ignores ({@code tlsCertificateKeyFilePassword}); {@link #usageErrors()} covers a user:password URI.
 */
class CheckpointUriIT {

    private static final Namespace NS = new Namespace("shop", "orders");
    private static final String CP_DB = "dw_cp";
    private static final String SECRET = "Chkp0intS3cret";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static String storeUri(EmbeddedMongo server) {
        return server.connectionString() + (server.connectionString().contains("?") ? "&" : "?")
                + "tlsCertificateKeyFilePassword=" + SECRET;
    }

    private Process launch(String name, List<String> jvm, String... args) throws IOException {
        Files.writeString(dir.resolve("empty.env"), "");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FlexibleMigrate.class.getName(),
                "--no-progress", "--env-file", dir.resolve("empty.env").toString(),
                "--report", dir.resolve(name + ".json").toString(), "--metrics-out", dir.resolve(name + "-metrics.json").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
    }

    private String log(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".log"));
    }

    private static long checkpointed(String uri) {
        try (CheckpointStore store = CheckpointStore.mongoReadOnly(uri, CP_DB)) {
            return NamespaceCheckpoint.load(store, NS).map(NamespaceCheckpoint::documents).orElse(0L);
        } catch (RuntimeException notYet) {
            return 0;
        }
    }

    private static List<BsonDocument> all(MongoClient client, String db, String collection) {
        return Flux.from(client.getDatabase(db).getCollection(collection, BsonDocument.class).find()).collectList().block(WAIT);
    }

    private static List<RawBsonDocument> orders(MongoClient client) {
        return Flux.from(client.getDatabase(NS.database()).getCollection(NS.collection(), RawBsonDocument.class).find()
                .sort(new BsonDocument("_id", new BsonInt32(1)))).collectList().block(WAIT);
    }

    @Test
    void aRunKilledWithKillMinus9ResumesFromCheckpointsKeptInMongoDb() throws Exception {
        int total = 20_000;
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().throttleRate(0.5).retryAfterMs(30).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            Fill.orders(source.connectionString(), NS.database(), NS.collection(), 0, total);
            String uri = storeUri(target);
            List<String> jvm = List.of("-DFRAMEWORK_CHECKPOINT_INTERVAL_MS=200", "-DFRAMEWORK_PLAN_REQUIRE_INDEXED_RANGES=false");
            String[] args = {"--source-uri", source.connectionString(), "--source-db", NS.database(),
                    "--target-uri", target.connectionString(), "--checkpoint-uri", uri, "--checkpoint-db", CP_DB,
                    "--batch-size", "100", "--insert-workers", "2"};

            Process first = launch("first", jvm, args);
            await().atMost(Duration.ofSeconds(60)).until(() -> checkpointed(uri) >= 2000 || !first.isAlive());
            assertThat(first.isAlive()).as("still copying when killed; log:%n%s", log("first")).isTrue();
            first.destroyForcibly();
            assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(300); // let the server finish what it had received
            long checkpoint = checkpointed(uri);
            long onTarget = orders(dst).size();
            assertThat(onTarget).isLessThan(total).isGreaterThanOrEqualTo(checkpoint);
            assertThat(Files.exists(dir.resolve("checkpoints"))).as("no checkpoint directory is used").isFalse();

            // the killed run's lease is live for up to 60 s: a rerun now is refused, naming the killed process
            target.throttleRate(0);
            Process early = launch("early", jvm, args);
            assertThat(early.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(early.exitValue()).as(log("early")).isEqualTo(2);
            assertThat(log("early")).contains("in use by another run").contains("pid " + first.pid()).contains("last heartbeat");

            // ... until it expires (here: moved into the past instead of waiting a minute)
            Mono.from(dst.getDatabase(CP_DB).getCollection("lease").updateOne(new BsonDocument(),
                    new BsonDocument("$set", new BsonDocument("expires", new BsonDateTime(System.currentTimeMillis() - 1000))))).block(WAIT);
            Process second = launch("second", jvm, args);
            assertThat(second.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).as(log("second")).isZero();
            assertThat(log("second")).contains("took over the expired lease").contains("pid " + first.pid());

            assertThat(orders(dst)).usingElementComparator(Servers.byBytes()).containsExactlyElementsOf(orders(src));
            RunReport report = RunReport.fromJson(Files.readString(dir.resolve("second.json")));
            assertThat(report.documentsRead()).as("the rerun read only what followed the checkpoint").isEqualTo(total - checkpoint);
            assertThat(report.documentsWritten()).isEqualTo(total - onTarget);
            assertThat(all(dst, CP_DB, "lease")).as("released at the end").isEmpty();
            assertThat(all(dst, CP_DB, "checkpoints")).extracting(d -> d.getDocument("_id").getString("collection").getValue())
                    .contains(NS.collection());
            assertNoSecretIn(dst);
        }
    }

    @Test
    void refusedDocumentsAreKeptInTheStoreOnceAndTheRunExits4() throws Exception {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            Fill.orders(source.connectionString(), NS.database(), NS.collection(), 0, 300);
            Mono.from(src.getDatabase(NS.database()).getCollection(NS.collection(), BsonDocument.class).insertMany(List.of(
                    new BsonDocument("_id", new BsonInt32(10_000)).append("blob", new BsonBinary(new byte[5000])),
                    new BsonDocument("_id", new BsonString("big")).append("blob", new BsonBinary(new byte[6000]))))).block(WAIT);
            String uri = storeUri(target);
            List<String> jvm = List.of("-DFRAMEWORK_TARGET_DB_MAX_DOCUMENT_BYTES=4096");
            String[] args = {"--source-uri", source.connectionString(), "--source-db", NS.database(),
                    "--target-uri", target.connectionString(), "--checkpoint-uri", uri, "--error-strategy", "continue"};

            for (String run : List.of("first", "rerun")) {
                Process p = launch(run, jvm, args);
                assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(log(run)).isEqualTo(4);
                assertThat(log(run)).contains("dead-letter collection dead_letters").contains("dataworks_checkpoints");
                List<BsonDocument> letters = all(dst, "dataworks_checkpoints", "dead_letters");
                assertThat(letters).as("one entry per refused _id, whatever the number of runs").hasSize(2);
                assertThat(letters).allSatisfy(letter -> {
                    assertThat(letter.getString("namespace").getValue()).isEqualTo("shop.orders");
                    assertThat(letter.getString("target").getValue()).isEqualTo("shop.orders");
                    assertThat(letter.getString("reason").getValue()).contains("larger than the target's limit");
                });
                assertThat(letters).extracting(l -> l.getDocument("document").getBinary("blob").getData().length)
                        .containsExactlyInAnyOrder(5000, 6000);
                assertThat(letters).extracting(l -> l.getDocument("_id").get("_id"))
                        .containsExactlyInAnyOrder(new BsonInt32(10_000), new BsonString("big"));
                RunReport report = RunReport.fromJson(Files.readString(dir.resolve(run + ".json")));
                assertThat(report.toJson()).contains("dead_letters");
            }
            assertThat(orders(dst)).hasSize(300);

            // --fresh forgets the records there and sets the earlier entries aside before this run's own
            long recordsBefore = all(dst, "dataworks_checkpoints", "checkpoints").size();
            assertThat(recordsBefore).isPositive();
            Process fresh = launch("fresh", jvm, with(List.of(args), "--fresh").toArray(String[]::new));
            assertThat(fresh.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(fresh.exitValue()).as(log("fresh")).isEqualTo(4);
            assertThat(all(dst, "dataworks_checkpoints", "dead_letters")).as("this run's own entries").hasSize(2);
            assertThat(all(dst, "dataworks_checkpoints", "dead_letters_archive")).as("the earlier ones, kept").hasSize(2)
                    .allSatisfy(entry -> assertThat(entry.isDateTime("archived")).isTrue());
            RunReport freshReport = RunReport.fromJson(Files.readString(dir.resolve("fresh.json")));
            assertThat(freshReport.documentsRead()).as("read again from the start").isEqualTo(302);
            assertNoSecretIn(dst);
        }
    }

    @Test
    void usageErrors() throws Exception {
        try (EmbeddedMongo source = EmbeddedMongo.start(); EmbeddedMongo target = EmbeddedMongo.start()) {
            Fill.orders(source.connectionString(), NS.database(), NS.collection(), 0, 10);
            String env = MigrateCli.emptyEnvFile(dir).toString();
            List<String> base = List.of("--env-file", env, "--no-progress", "--source-uri", source.connectionString(),
                    "--source-db", NS.database(), "--target-uri", target.connectionString());

            MigrateCli.Result both = MigrateCli.run(with(base, "--checkpoint-uri", target.connectionString(), "--checkpoint-dir", "cp"));
            assertThat(both.exitCode()).isEqualTo(2);
            assertThat(both.err()).contains("--checkpoint-dir and a checkpoint URI");

            MigrateCli.Result sameDb = MigrateCli.run(with(base, "--checkpoint-uri", target.connectionString(), "--checkpoint-db", "shop"));
            assertThat(sameDb.exitCode()).isEqualTo(2);
            assertThat(sameDb.err()).contains("the checkpoint database shop is the run's target database");

            MigrateCli.Result unparsable = MigrateCli.run(with(base, "--checkpoint-uri", "mongodb://user:" + SECRET + "@"));
            assertThat(unparsable.exitCode()).isEqualTo(2);
            assertThat(unparsable.err()).contains("FRAMEWORK_CHECKPOINT_URI").doesNotContain(SECRET);

            MigrateCli.Result unreachable = MigrateCli.run(with(base, "--checkpoint-uri",
                    "mongodb://user:" + SECRET + "@127.0.0.1:1/?serverSelectionTimeoutMS=500"));
            assertThat(unreachable.exitCode()).isEqualTo(2);
            assertThat(unreachable.err()).contains("cannot reach the checkpoint store").contains("127.0.0.1:1").doesNotContain(SECRET);

            MigrateCli.Result dbAlone = MigrateCli.run(with(base, "--checkpoint-db", "cp"));
            assertThat(dbAlone.exitCode()).isEqualTo(2);
            assertThat(dbAlone.err()).contains("--checkpoint-uri");

            MigrateCli.Result dryRun = MigrateCli.run(with(base, "--checkpoint-uri", storeUri(target), "--dry-run"));
            assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
            assertThat(dryRun.out()).contains("Checkpoints: database dataworks_checkpoints at mongodb://127.0.0.1:" + target.port())
                    .contains("****").doesNotContain(SECRET);
        }
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all;
    }

    /** The secret is in no file the runs wrote (logs, reports, metrics) and in no document of the checkpoint databases. */
    private void assertNoSecretIn(MongoClient dst) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file, StandardCharsets.ISO_8859_1)).as(file + " must not hold the secret").doesNotContain(SECRET);
            }
        }
        for (String db : List.of(CP_DB, "dataworks_checkpoints")) {
            for (String collection : List.of("checkpoints", "lease", "dead_letters")) {
                assertThat(all(dst, db, collection)).allSatisfy(d -> assertThat(d.toJson()).doesNotContain(SECRET));
            }
        }
    }
}
