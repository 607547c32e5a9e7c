package io.dataworks.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.bson.BsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.monitoring.RunReport;
import reactor.core.publisher.Flux;

/**
 * The Spark driver and its tasks in Spark's local mode ({@code local[2]}: two executor threads in this JVM), against
 * two embedded servers over real TCP: the copy is byte-identical and counted right, verification and the report are
 * the CLI's, a failed task is retried from its last acknowledged {@code _id}, a failed job's rerun resumes, and
 * speculative execution is refused before anything is written.
 */
@Timeout(300)
class SparkMigrateIT {

    private static EmbeddedMongo source;
    private static EmbeddedMongo target;

    @TempDir
    Path dir;

    @BeforeAll
    static void servers() {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
    }

    @AfterAll
    static void stop() {
        source.close();
        target.close();
    }

    record Outcome(int code, String out, String err) {
    }

    private static Outcome run(String master, SparkConf extra, String... args) {
        SparkConf conf = new SparkConf().setMaster(master).setAppName("SparkMigrateIT")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        for (scala.Tuple2<String, String> setting : extra.getAll()) {
            conf.set(setting._1(), setting._2());
        }
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        JavaSparkContext[] sc = new JavaSparkContext[1];
        try {
            int code = SparkMigrate.run(conf, () -> {
                if (sc[0] == null) {
                    sc[0] = new JavaSparkContext(conf);
                }
                return sc[0];
            }, new PrintWriter(out), new PrintWriter(err), args);
            return new Outcome(code, out.toString(), err.toString());
        } finally {
            if (sc[0] != null) {
                sc[0].stop();
            }
        }
    }

    private List<String> args(String sourceDb, String targetDb, String... more) {
        List<String> args = new ArrayList<>(List.of("--source-uri", source.connectionString(), "--source-db", sourceDb,
                "--target-uri", target.connectionString(), "--target-db", targetDb,
                "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--report", dir.resolve("report.json").toString(),
                "--no-progress", "--parallel-cursors", "4", "--batch-size", "500"));
        args.addAll(List.of(more));
        return args;
    }

    private RunReport report() throws IOException {
        return RunReport.fromJson(Files.readString(dir.resolve("report.json"), StandardCharsets.UTF_8));
    }

    private List<BsonDocument> partitionRecords() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("checkpoints"))) {
            return files.filter(f -> f.getFileName().toString().matches(".*\\.partition-\\d+\\.json"))
                    .map(f -> {
                        try {
                            return BsonDocument.parse(Files.readString(f, StandardCharsets.UTF_8));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }).toList();
        }
    }

    @Test
    void copiesEveryPartitionAsATaskByteForByteAndReportsLikeTheCli() throws IOException {
        Data.fill(source.connectionString(), "shop", "orders", 12_000);
        Data.fill(source.connectionString(), "shop", "returns", 3_000);

        Outcome outcome = run("local[2]", new SparkConf(), args("shop", "shop_copy", "--verify").toArray(String[]::new));

        assertThat(outcome.code()).as(outcome.err()).isZero();
        for (String collection : List.of("orders", "returns")) {
            assertThat(Data.fingerprint(target.connectionString(), "shop_copy", collection))
                    .isEqualTo(Data.fingerprint(source.connectionString(), "shop", collection));
        }
        RunReport report = report();
        assertThat(report.status()).isEqualTo(RunReport.COMPLETED);
        assertThat(report.documentsRead()).isEqualTo(15_000);
        assertThat(report.documentsWritten()).isEqualTo(15_000);
        assertThat(report.namespaces()).extracting(RunReport.NamespaceReport::documentsWritten).containsExactly(12_000L, 3_000L);
        assertThat(report.verification().status()).isEqualTo("match");
        assertThat(report.verification().sourceCount()).isEqualTo(15_000);
        // every partition was a task that recorded its own progress: all done, and together they hold every document
        List<BsonDocument> records = partitionRecords();
        int partitions = report.namespaces().stream().mapToInt(RunReport.NamespaceReport::partitions).sum();
        assertThat(partitions).isGreaterThan(2);
        assertThat(records).hasSize(partitions);
        assertThat(records).allMatch(r -> r.getDocument("state").getBoolean("done").getValue());
        assertThat(records.stream().mapToLong(r -> r.getDocument("state").getNumber("documents").longValue()).sum()).isEqualTo(15_000);

        // a rerun finds everything copied: no Spark job, nothing read or written, exit 0
        Outcome again = run("local[2]", new SparkConf(), args("shop", "shop_copy").toArray(String[]::new));
        assertThat(again.code()).as(again.err()).isZero();
        assertThat(report().documentsRead()).isZero();
        assertThat(report().documentsWritten()).isZero();
    }

    @Test
    void aCollectionSmallEnoughForOnePartitionIsCopiedAsATaskToo() throws IOException {
        // the CLI stores a one-partition plan with its first progress; the executors read every plan from the store.
        // Documents 1-6 of the test data: int _ids only, so one type and one partition
        try (var client = com.mongodb.reactivestreams.client.MongoClients.create(source.connectionString())) {
            reactor.core.publisher.Mono.from(client.getDatabase("small").getCollection("notes", BsonDocument.class)
                    .insertMany(java.util.stream.IntStream.rangeClosed(1, 6).mapToObj(Data::document).toList())).block(Data.WAIT);
        }

        Outcome outcome = run("local[2]", new SparkConf(), args("small", "small_copy").toArray(String[]::new));

        assertThat(outcome.code()).as(outcome.err()).isZero();
        assertThat(Data.fingerprint(target.connectionString(), "small_copy", "notes"))
                .isEqualTo(Data.fingerprint(source.connectionString(), "small", "notes"));
        assertThat(report().namespaces()).extracting(RunReport.NamespaceReport::partitions).containsExactly(1);
        assertThat(report().documentsWritten()).isEqualTo(6);
    }

    @Test
    void aFailedTaskIsRetriedFromItsLastAcknowledgedId() throws IOException {
        Data.fill(source.connectionString(), "retry", "orders", 20_000);
        FailOnceStrategy.arm(15_003); // an int _id (see Data.document)

        // local[2,2]: a failed task gets a second attempt
        Outcome outcome = run("local[2,2]", new SparkConf(),
                args("retry", "retry_copy", "--strategy", "fail-once").toArray(String[]::new));

        assertThat(outcome.code()).as(outcome.err()).isZero();
        assertThat(FailOnceStrategy.fired()).isTrue();
        assertThat(Data.fingerprint(target.connectionString(), "retry_copy", "orders"))
                .isEqualTo(Data.fingerprint(source.connectionString(), "retry", "orders"));
        // the second attempt started after the first one's last acknowledged batch, not at the partition's start:
        // re-read at most the batches in flight (insert workers x batch size) and the batch that failed
        long reread = FailOnceStrategy.SEEN.get() - 20_000;
        assertThat(reread).isBetween(0L, 500L * 12);
        assertThat(report().documentsRead()).isEqualTo(20_000);
        assertThat(report().documentsWritten()).isEqualTo(20_000);
    }

    @Test
    void aFailedJobsRerunResumesInsteadOfStartingOver() throws IOException {
        Data.fill(source.connectionString(), "rerun", "orders", 20_000);
        FailOnceStrategy.arm(15_003); // an int _id (see Data.document)

        // local[2]: no task retries, the job fails (exit 1) with the partitions' progress recorded
        Outcome failed = run("local[2]", new SparkConf(), args("rerun", "rerun_copy", "--strategy", "fail-once").toArray(String[]::new));
        assertThat(failed.code()).isEqualTo(1);
        assertThat(FailOnceStrategy.fired()).isTrue();
        long acknowledged = partitionRecords().stream().mapToLong(r -> r.getDocument("state").getNumber("documents").longValue()).sum();
        assertThat(acknowledged).isPositive();

        FailOnceStrategy.SEEN.set(0);
        Outcome rerun = run("local[2]", new SparkConf(), args("rerun", "rerun_copy", "--strategy", "fail-once").toArray(String[]::new));

        assertThat(rerun.code()).as(rerun.err()).isZero();
        assertThat(Data.fingerprint(target.connectionString(), "rerun_copy", "orders"))
                .isEqualTo(Data.fingerprint(source.connectionString(), "rerun", "orders"));
        // the rerun read only what was not acknowledged before
        assertThat(FailOnceStrategy.SEEN.get()).isLessThanOrEqualTo(20_000 - acknowledged);
        assertThat(report().documentsRead()).isEqualTo(20_000 - acknowledged);
    }

    @Test
    void verificationComparesPartitionsInTasksAndNamesWhatDiffers() throws IOException {
        Data.fill(source.connectionString(), "audit", "orders", 6_000);
        Outcome copied = run("local[2]", new SparkConf(), args("audit", "audit_copy").toArray(String[]::new));
        assertThat(copied.code()).as(copied.err()).isZero();
        try (MongoClient client = MongoClients.create(target.connectionString())) {
            var orders = client.getDatabase("audit_copy").getCollection("orders", BsonDocument.class);
            reactor.core.publisher.Mono.from(orders.updateOne(new BsonDocument("_id", new org.bson.BsonInt32(4_001)),
                    new BsonDocument("$set", new BsonDocument("total", new org.bson.BsonString("changed"))))).block(Data.WAIT);
            reactor.core.publisher.Mono.from(orders.deleteOne(new BsonDocument("_id", new org.bson.BsonInt32(5_003)))).block(Data.WAIT);
        }

        Outcome verified = run("local[2]", new SparkConf(), args("audit", "audit_copy", "--verify-only").toArray(String[]::new));

        assertThat(verified.code()).as(verified.err()).isEqualTo(3);
        RunReport report = report();
        assertThat(report.verification().status()).isEqualTo("mismatch");
        assertThat(report.verification().sourceCount()).isEqualTo(6_000);
        assertThat(report.verification().targetCount()).isEqualTo(5_999);
        assertThat(report.verification().mismatchedPartitions()).isBetween(1, 2);
        String diff = Files.readString(Path.of(report.verification().diffFile()), StandardCharsets.UTF_8);
        assertThat(diff).contains("4001").contains("5003").contains("different").contains("missing");
    }

    @Test
    void throttlingMetByTheExecutorsIsInTheReport() throws IOException {
        Data.fill(source.connectionString(), "busy", "orders", 5_000);
        target.retryAfterMs(5);
        target.throttleRate(0.3);
        try {
            Outcome outcome = run("local[2]", new SparkConf(), args("busy", "busy_copy").toArray(String[]::new));

            assertThat(outcome.code()).as(outcome.err()).isZero();
            assertThat(Data.fingerprint(target.connectionString(), "busy_copy", "orders"))
                    .isEqualTo(Data.fingerprint(source.connectionString(), "busy", "orders"));
            RunReport report = report();
            // the executors met the throttling, not the driver: their counts reach the report
            assertThat(report.throttledRequests()).isPositive().isLessThanOrEqualTo(target.throttledCount());
            assertThat(report.retries()).isGreaterThanOrEqualTo(report.throttledRequests());
        } finally {
            target.throttleRate(0);
        }
    }

    @Test
    void speculativeExecutionIsRefusedBeforeAnythingIsWritten() {
        Data.fill(source.connectionString(), "spec", "orders", 100);

        Outcome outcome = run("local[2]", new SparkConf().set("spark.speculation", "true"),
                args("spec", "spec_copy").toArray(String[]::new));

        assertThat(outcome.code()).isEqualTo(2);
        assertThat(outcome.err()).contains("spark.speculation=true is not supported").contains("--conf spark.speculation=false");
        try (MongoClient client = MongoClients.create(target.connectionString())) {
            assertThat(Flux.from(client.listDatabaseNames()).collectList().block(Data.WAIT)).doesNotContain("spec_copy");
        }
        assertThat(dir.resolve("checkpoints")).doesNotExist();
    }
}
