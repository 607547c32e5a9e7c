package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.testing.Fill;
import io.dataworks.monitoring.RunReport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Every status, count and exit code the CLI prints is true: after tampering, after the target was replaced, with
 * look-alike collection names, with refused documents, with bad output paths, and nothing it prints or writes holds a
 * secret from a connection string.
 */
class TrustIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private EmbeddedMongo source;
    private EmbeddedMongo target;


    @AfterEach
    void stop() {
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    void aTargetTamperedAfterVerifyIsFoundByVerifyOnlyOnTheSameCheckpointsAndCleanAgainOnceRepaired() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        Fill.orders(source.connectionString(), "shop", "orders", 0, 3000);
        Path report = dir.resolve("report.json");

        MigrateCli.Result copied = run("--verify", "--report", report.toString());
        assertThat(copied.exitCode()).as(copied.err()).isZero();

        try (MongoClient client = MongoClients.create(target.connectionString())) {
            MongoCollection<RawBsonDocument> orders = client.getDatabase("shop").getCollection("orders", RawBsonDocument.class);
            Mono.from(orders.updateOne(Filters.eq("_id", 10), Updates.set("status", "tampered"))).block(WAIT);
            Mono.from(orders.deleteOne(Filters.eq("_id", 20))).block(WAIT);
            Mono.from(orders.insertOne(RawBsonDocument.parse("{_id: 'intruder', x: 1}"))).block(WAIT);

            // the same --checkpoint-dir: the finished verification must not be replayed
            MigrateCli.Result tampered = run("--verify-only", "--report", report.toString());
            assertThat(tampered.exitCode()).as(tampered.err()).isEqualTo(3);
            RunReport mismatch = RunReport.fromJson(Files.readString(report));
            assertThat(mismatch.status()).isEqualTo(RunReport.VERIFICATION_MISMATCH);
            assertThat(Files.readAllLines(Path.of(mismatch.verification().diffFile()))).containsExactlyInAnyOrder(
                    "{\"ns\": \"shop.orders\", \"_id\": 10, \"kind\": \"different\"}",
                    "{\"ns\": \"shop.orders\", \"_id\": 20, \"kind\": \"missing\"}",
                    "{\"ns\": \"shop.orders\", \"_id\": \"intruder\", \"kind\": \"extra\"}");

            Mono.from(orders.deleteOne(Filters.eq("_id", "intruder"))).block(WAIT);
            Mono.from(orders.insertOne(RawBsonDocument.parse(Fill.order(20).toJson()))).block(WAIT);
            Mono.from(orders.replaceOne(Filters.eq("_id", 10), RawBsonDocument.parse(Fill.order(10).toJson()))).block(WAIT);
        }
        MigrateCli.Result repaired = run("--verify-only", "--report", report.toString());
        assertThat(repaired.exitCode()).as(repaired.err()).isZero();
        assertThat(RunReport.fromJson(Files.readString(report)).verification().status()).isEqualTo("match");
    }

    @Test
    void aRerunOntoAReplacedTargetStopsNamingFreshAndNeverReportsMissingDocumentsAsCopied() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        Fill.orders(source.connectionString(), "shop", "orders", 0, 5000);
        MigrateCli.Result first = run();
        assertThat(first.exitCode()).as(first.err()).isZero();

        // an empty server on the same address, as after a restore gone wrong or a DNS switch
        int port = target.port();
        target.close();
        target = EmbeddedMongo.builder().port(port).start();
        Path report = dir.resolve("report.json");

        MigrateCli.Result again = run("--report", report.toString());
        assertThat(again.exitCode()).as(again.err()).isEqualTo(2);
        assertThat(again.err()).contains("holds 0 documents", "5000 acknowledged", "--fresh");
        assertThat(count(target, "shop", "orders")).isZero();
        assertThat(RunReport.fromJson(Files.readString(report)).status()).isEqualTo(RunReport.FAILED);

        MigrateCli.Result fresh = run("--fresh", "--verify");
        assertThat(fresh.exitCode()).as(fresh.err()).isZero();
        assertThat(count(target, "shop", "orders")).isEqualTo(5000);
    }

    @Test
    void collectionsWhoseNamesLookAlikeAreEachCopiedAndFoundFinishedOnTheNextRun() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        List<String> names = List.of("a b", "a_b", "a.b", "é", "ü", "A", "a");
        for (int i = 0; i < names.size(); i++) {
            Fill.orders(source.connectionString(), "odd", names.get(i), i * 100, 50 + i);
        }
        Path report = dir.resolve("report.json");

        MigrateCli.Result first = runOn("odd", "--report", report.toString(), "--verify");
        assertThat(first.exitCode()).as(first.err()).isZero();
        for (int i = 0; i < names.size(); i++) {
            assertThat(count(target, "odd", names.get(i))).as(names.get(i)).isEqualTo(50 + i);
        }

        MigrateCli.Result second = runOn("odd", "--report", report.toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        RunReport again = RunReport.fromJson(Files.readString(report));
        assertThat(again.documentsWritten()).as("everything was finished").isZero();
        assertThat(again.documentsRead()).isZero();
        assertThat(again.namespaces()).hasSize(names.size());
    }

    @Test
    void refusedDocumentsWithErrorStrategyContinueEndWithTheirOwnExitCodeAndAreNotDeadLetteredTwice() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        try (MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            List<BsonDocument> docs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                // every tenth document repeats the sku of the one before it
                docs.add(new BsonDocument("_id", new BsonInt32(i)).append("sku", new BsonString("s" + (i % 10 == 9 ? i - 1 : i))));
            }
            Mono.from(src.getDatabase("shop").getCollection("orders", BsonDocument.class).insertMany(docs)).block(WAIT);
            Mono.from(dst.getDatabase("shop").getCollection("orders")
                    .createIndex(new BsonDocument("sku", new BsonInt32(1)), new IndexOptions().unique(true))).block(WAIT);
        }
        Path report = dir.resolve("report.json");
        Path deadLetter = dir.resolve("cp").resolve("dead-letter.jsonl");

        MigrateCli.Result first = run("--error-strategy", "continue", "--report", report.toString());

        assertThat(first.exitCode()).as(first.err()).isEqualTo(4);
        RunReport written = RunReport.fromJson(Files.readString(report));
        assertThat(written.status()).isEqualTo(RunReport.COMPLETED_WITH_ERRORS);
        assertThat(written.documentsWritten()).isEqualTo(90);
        assertThat(written.documentsFailed()).isEqualTo(10);
        assertThat(count(target, "shop", "orders")).isEqualTo(90);
        assertThat(Files.readAllLines(deadLetter)).hasSize(10);
        assertThat(written.details().toString()).contains("dead-letter.jsonl");

        MigrateCli.Result second = run("--error-strategy", "continue", "--report", report.toString());
        assertThat(second.exitCode()).as("the documents are still not on the target").isEqualTo(4);
        assertThat(Files.readAllLines(deadLetter)).as("no entry written twice").hasSize(10);
    }

    @Test
    void readLatencyIsMeasuredNotReportedAsZero() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        Fill.orders(source.connectionString(), "shop", "orders", 0, 3000);
        Path metrics = dir.resolve("metrics.json");

        MigrateCli.Result result = run("--metrics-out", metrics.toString(), "--batch-size", "200");

        assertThat(result.exitCode()).as(result.err()).isZero();
        var export = io.dataworks.monitoring.MetricsExporter.read(metrics);
        var last = export.snapshots().get(export.snapshots().size() - 1);
        assertThat(last.overallReadLatency().count()).as("cursor batches timed").isPositive();
        assertThat(last.overallReadLatency().maxMillis()).isPositive();
    }

    @Test
    void badOutputPathsAreRefusedBeforeAnythingIsReadOrWritten() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        Fill.orders(source.connectionString(), "shop", "orders", 0, 500);
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");

        MigrateCli.Result reportIsADirectory = run("--report", dir.toString());
        assertThat(reportIsADirectory.exitCode()).isEqualTo(2);
        assertThat(reportIsADirectory.err()).contains("--report", "is a directory");

        MigrateCli.Result metricsUnderAFile = run("--metrics-out", aFile.resolve("m.json").toString());
        assertThat(metricsUnderAFile.exitCode()).isEqualTo(2);
        assertThat(metricsUnderAFile.err()).contains("--metrics-out");

        MigrateCli.Result deadLetterIsADirectory = run("--dead-letter", dir.toString());
        assertThat(deadLetterIsADirectory.exitCode()).isEqualTo(2);
        assertThat(deadLetterIsADirectory.err()).contains("--dead-letter");

        MigrateCli.Result checkpointsUnderAFile = runWithCheckpoints(aFile.resolve("cp"));
        assertThat(checkpointsUnderAFile.exitCode()).isEqualTo(2);
        assertThat(checkpointsUnderAFile.err()).contains("--checkpoint-dir");

        assertThat(count(target, "shop", "orders")).as("nothing written").isZero();
        assertThat(dir.resolve("cp")).doesNotExist();
    }

    @Test
    void copyVerifyReconcileAndIndexesCompleteWhenBothSidesThrottleAThirdOfTheirRequests() throws Exception {
        source = EmbeddedMongo.builder().throttleRate(0.3).throttleReads(true).retryAfterMs(5).start();
        target = EmbeddedMongo.builder().throttleRate(0.3).throttleReads(true).retryAfterMs(5).start();
        source.throttleRate(0);
        target.throttleRate(0);
        Fill.orders(source.connectionString(), "shop", "orders", 0, 3000);
        try (MongoClient src = MongoClients.create(source.connectionString())) {
            Mono.from(src.getDatabase("shop").getCollection("orders").createIndex(new BsonDocument("customer", new BsonInt32(1))))
                    .block(WAIT);
        }
        Fill.orders(target.connectionString(), "shop", "orders", 9000, 40); // gone from the source: to reconcile
        source.throttleRate(0.3);
        target.throttleRate(0.3);
        Path report = dir.resolve("report.json");

        MigrateCli.Result result = run("--verify", "--reconcile-deletes", "--report", report.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        RunReport written = RunReport.fromJson(Files.readString(report));
        assertThat(written.verification().status()).isEqualTo("match");
        assertThat(written.retries()).as("the servers did throttle").isPositive();
        assertThat(source.throttledCount() + target.throttledCount()).isPositive();
        source.throttleRate(0);
        target.throttleRate(0);
        assertThat(count(target, "shop", "orders")).isEqualTo(3000);
        try (MongoClient dst = MongoClients.create(target.connectionString())) {
            List<String> indexes = Flux.from(dst.getDatabase("shop").getCollection("orders").listIndexes())
                    .map(i -> i.get("name").toString()).collectList().block(WAIT);
            assertThat(indexes).contains("customer_1");
        }
    }

    @Test
    void noSecretOfAConnectionStringReachesOutputReportsMetricsOrCheckpoints() throws Exception {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
        Fill.orders(source.connectionString(), "shop", "orders", 0, 200);
        List<String> secrets = List.of("Pa@ss:w%rd", "Pa%40ss%3Aw%25rd", "AwsS3ssionT0ken", "TlsK3yPassw0rd", "svcN4me");
        String withSecrets = "mongodb://user:Pa%40ss%3Aw%25rd@127.0.0.1:" + target.port() + "/?authMechanism=SCRAM-SHA-256"
                + "&authSource=admin&serverSelectionTimeoutMS=2000";
        String aws = "mongodb://127.0.0.1:" + target.port() + "/?authMechanism=MONGODB-AWS"
                + "&authMechanismProperties=AWS_SESSION_TOKEN:AwsS3ssionT0ken,SERVICE_NAME:svcN4me&serverSelectionTimeoutMS=2000";
        String tls = "mongodb://127.0.0.1:" + target.port() + "/?tls=true&tlsCertificateKeyFilePassword=TlsK3yPassw0rd"
                + "&serverSelectionTimeoutMS=2000";
        for (String uri : List.of(withSecrets, aws, tls)) {
            Path out = dir.resolve("run-" + Math.abs(uri.hashCode()));
            Files.createDirectories(out);
            Process p = launch(out, "--source-uri", source.connectionString(), "--source-db", "shop", "--target-uri", uri,
                    "--checkpoint-dir", out.resolve("cp").toString(), "--report", out.resolve("report.json").toString(),
                    "--metrics-out", out.resolve("metrics.json").toString(), "--no-progress");
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(Files.readString(out.resolve("console.log"))).isNotZero();
            for (Path file : everyFile(out)) {
                String content = Files.readString(file, StandardCharsets.UTF_8);
                for (String secret : secrets) {
                    assertThat(content).as(file + " must not hold " + secret).doesNotContain(secret);
                }
            }
            assertThat(Files.readString(out.resolve("console.log"))).contains("****");
        }
    }

    private Process launch(Path out, String... args) throws IOException {
        Files.writeString(out.resolve("empty.env"), "");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), FlexibleMigrate.class.getName(),
                "--env-file", out.resolve("empty.env").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(out.toFile()).redirectErrorStream(true)
                .redirectOutput(out.resolve("console.log").toFile()).start();
    }

    private static List<Path> everyFile(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private MigrateCli.Result run(String... args) {
        return runOn("shop", withCheckpoints(dir.resolve("cp"), args));
    }

    private MigrateCli.Result runWithCheckpoints(Path checkpoints, String... args) {
        return runOn("shop", withCheckpoints(checkpoints, args));
    }

    private static String[] withCheckpoints(Path checkpoints, String... args) {
        List<String> all = new ArrayList<>(List.of("--checkpoint-dir", checkpoints.toString()));
        all.addAll(List.of(args));
        return all.toArray(String[]::new);
    }

    private MigrateCli.Result runOn(String db, String... args) {
        List<String> all = new ArrayList<>(List.of("--source-uri", source.connectionString(), "--source-db", db,
                "--target-uri", target.connectionString(), "--no-progress", "--env-file", MigrateCli.emptyEnvFile(dir).toString()));
        if (List.of(args).stream().noneMatch("--checkpoint-dir"::equals)) {
            all.addAll(List.of("--checkpoint-dir", dir.resolve("cp").toString()));
        }
        all.addAll(List.of(args));
        return MigrateCli.run(all);
    }


    private static long count(EmbeddedMongo server, String db, String collection) {
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            return Mono.from(client.getDatabase(db).getCollection(collection).countDocuments()).block(WAIT);
        }
    }
}
