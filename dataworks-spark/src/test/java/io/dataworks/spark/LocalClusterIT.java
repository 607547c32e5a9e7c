package io.dataworks.spark;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.monitoring.RunReport;

/**
 * A real standalone cluster on this machine through {@code local-cluster.sh}: a master and two workers as separate
 * JVMs from the Spark jars the build resolved, the job submitted with the shaded {@code dataworks-spark.jar} on Spark's
 * own classpath, the servers embedded in this JVM and reached over TCP. The target takes a limited number of documents
 * per second, so the copy lasts long enough for a worker (and its executor) to be killed in the middle of it.
 */
@Timeout(600)
class LocalClusterIT {

    private static final Path SCRIPT = Path.of("local-cluster.sh").toAbsolutePath();
    private static final List<String> COLLECTIONS = List.of("orders", "returns", "invoices", "parts");
    private static final int PER_COLLECTION = 40_000;

    private static EmbeddedMongo source;
    private static EmbeddedMongo target;

    @TempDir
    Path dir;

    @BeforeAll
    static void servers() {
        // the scanning (Cosmos-like) source: one partition per collection, so that each task copies for seconds and the
        // worker is killed inside one (with the ordered index, 32 sub-second tasks were done before the kill)
        source = EmbeddedMongo.builder().orderedIdIndex(false).start();
        target = EmbeddedMongo.start();
    }

    @AfterAll
    static void stop() {
        source.close();
        target.close();
    }

    record Job(int code, String output, Path logs) {
    }

    private ProcessBuilder cluster(Path logs, List<String> scriptArgs, List<String> migrateArgs) {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(scriptArgs);
        command.add("--");
        command.addAll(migrateArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("job-" + logs.getFileName() + ".log").toFile());
        builder.environment().put("LOG_DIR", logs.toString());
        // the write budget throttles (16500 + RetryAfterMs) whoever writes beyond it: retry on; the driver's environment
        // reaches every executor through the job's resolved configuration
        builder.environment().put("FRAMEWORK_RETRY_MAX_ATTEMPTS", "1000");
        return builder;
    }

    /** The cluster's logs, kept in target/ for a failed test to be understood. */
    private static Path logsFor(String name) {
        return Path.of("target", "local-cluster-logs", name + "-" + System.currentTimeMillis()).toAbsolutePath();
    }

    private Job runCluster(String name, List<String> scriptArgs, List<String> migrateArgs) throws Exception {
        Path logs = logsFor(name);
        Process process = cluster(logs, scriptArgs, migrateArgs).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("the job ends").isTrue();
        Job job = new Job(process.exitValue(), Files.readString(dir.resolve("job-" + logs.getFileName() + ".log"),
                StandardCharsets.UTF_8), logs);
        System.out.println("local-cluster.sh output (" + name + "):\n" + job.output());
        assertNoJvmLeft(logs);
        return job;
    }

    /** No JVM of the cluster (master, workers, executors, driver) outlives the script. */
    private static void assertNoJvmLeft(Path logs) throws InterruptedException {
        String marker = "-Ddataworks.local-cluster=" + logs;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<ProcessHandle> left;
        do {
            left = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false)).toList();
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        assertThat(left).as("JVMs of the cluster still running").isEmpty();
    }

    private List<String> migrate(String sourceDb, String targetDb, String... more) {
        return migrate(sourceDb, targetDb, List.of("--checkpoint-dir", dir.resolve("checkpoints").toString()), more);
    }

    /** The job keeping its records in a MongoDB database on the target server: no shared directory involved. */
    private List<String> migrateWithMongoStore(String sourceDb, String targetDb, String... more) {
        return migrate(sourceDb, targetDb, List.of("--checkpoint-uri", target.connectionString(), "--checkpoint-db",
                "cluster_checkpoints"), more);
    }

    private List<String> migrate(String sourceDb, String targetDb, List<String> store, String... more) {
        List<String> args = new ArrayList<>(List.of("--source-uri", source.connectionString(), "--source-db", sourceDb,
                "--target-uri", target.connectionString(), "--target-db", targetDb));
        args.addAll(store);
        args.addAll(List.of("--report", dir.resolve("report.json").toString(),
                "--no-progress", "--parallel-cursors", "4", "--batch-size", "500", "--insert-workers", "2"));
        args.addAll(List.of(more));
        return args;
    }

    private RunReport report() throws IOException {
        return RunReport.fromJson(Files.readString(dir.resolve("report.json"), StandardCharsets.UTF_8));
    }

    private long acknowledged() throws IOException {
        Path checkpoints = dir.resolve("checkpoints");
        if (!Files.isDirectory(checkpoints)) {
            return 0;
        }
        long sum = 0;
        try (Stream<Path> files = Files.list(checkpoints)) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches(".*\\.partition-\\d+\\.json")).toList()) {
                try {
                    sum += BsonDocument.parse(Files.readString(f, StandardCharsets.UTF_8)).getDocument("state")
                            .getNumber("documents").longValue();
                } catch (IOException | RuntimeException replacedMeanwhile) {
                    // an atomic replace between list and read: the next poll sees it
                }
            }
        }
        return sum;
    }

    @Test
    void aWorkerKilledMidCopyLosesAndDuplicatesNothing() throws Exception {
        for (String collection : COLLECTIONS) {
            Data.fill(source.connectionString(), "fleet", collection, PER_COLLECTION);
        }
        // ~18 s of copying: the kill, 6 s after the worker's first task, lands in the middle of it
        target.writeBudget(9_000);
        try {
            Job job = runCluster("kill-worker", List.of("--workers", "2", "--kill-worker-after", "6"),
                    migrateWithMongoStore("fleet", "fleet_copy", "--verify"));

            assertThat(job.code()).as(job.output()).isZero();
            assertThat(job.output()).contains("killing worker 1").contains("Lost executor");
            // the lost executor's acknowledged batches were kept: its partitions' next attempts continued after them
            assertThat(job.output()).containsPattern("attempt [1-9] on executor \\d+ continued after [1-9]\\d* document");
            for (String collection : COLLECTIONS) {
                assertThat(Data.fingerprint(target.connectionString(), "fleet_copy", collection)).as(collection)
                        .isEqualTo(Data.fingerprint(source.connectionString(), "fleet", collection));
            }
            RunReport report = report();
            assertThat(report.status()).isEqualTo(RunReport.COMPLETED);
            assertThat(report.documentsRead()).isEqualTo(4L * PER_COLLECTION);
            assertThat(report.documentsWritten()).isEqualTo(4L * PER_COLLECTION);
            assertThat(report.namespaces()).hasSize(4).allMatch(ns -> ns.documentsWritten() == PER_COLLECTION);
            assertThat(report.verification().status()).isEqualTo("match");
            assertThat(report.verification().targetCount()).isEqualTo(4L * PER_COLLECTION);
            // the plan and every partition's progress were kept in the MongoDB store, none in a directory
            assertThat(Data.count(target.connectionString(), "cluster_checkpoints", "checkpoints"))
                    .as("records in the MongoDB store").isGreaterThanOrEqualTo(4 + 4);
            assertThat(dir.resolve("checkpoints")).doesNotExist();
        } finally {
            target.writeBudget(0);
        }
    }

    @Test
    void aJobKilledAsAWholeResumesWhenRerun() throws Exception {
        int total = 20_000;
        Data.fill(source.connectionString(), "depot", "orders", total);
        target.writeBudget(2_500);
        try {
            Path logs = logsFor("killed");
            Process process = cluster(logs, List.of("--workers", "2"), migrate("depot", "depot_copy")).start();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (acknowledged() < 4_000 && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(process.isAlive()).as("still copying when killed").isTrue();
            process.destroy(); // SIGTERM: the script stops the driver and the cluster
            assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).isNotZero();
            assertNoJvmLeft(logs);
            long before = acknowledged();
            assertThat(before).isBetween(4_000L, total - 1L);

            target.writeBudget(0);
            Job rerun = runCluster("rerun", List.of("--workers", "2"), migrate("depot", "depot_copy"));

            assertThat(rerun.code()).as(rerun.output()).isZero();
            assertThat(Data.fingerprint(target.connectionString(), "depot_copy", "orders"))
                    .isEqualTo(Data.fingerprint(source.connectionString(), "depot", "orders"));
            // the rerun read what was not acknowledged before, not the whole collection
            assertThat(report().documentsRead()).isEqualTo(total - before);
            assertThat(report().namespaces().get(0).documentsWritten()).isEqualTo(total);
        } finally {
            target.writeBudget(0);
        }
    }
}
