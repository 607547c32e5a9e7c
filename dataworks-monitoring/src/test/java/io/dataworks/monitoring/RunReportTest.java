package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunReportTest {

    @TempDir
    Path dir;

    @Test
    void hasTheFieldsOfTheDesignInItsOrder() throws Exception {
        RunReport report = TestSnapshots.report(TestSnapshots.series(3));
        JsonNode json = new ObjectMapper().readTree(report.toJson());

        assertThat(json.fieldNames()).toIterable().containsExactly(
                "tool", "status", "documentsRead", "documentsWritten", "documentsFailed", "documentsSkipped",
                "bytesRead", "bytesWritten", "durationSeconds", "documentsPerSecond", "mbPerSecond", "retries",
                "throttledRequests", "latencyMillis", "peakHeapMb", "seed", "verification", "namespaces", "details");
        assertThat(json.get("latencyMillis").fieldNames()).toIterable().containsExactly("p50", "p95", "p99", "max");
        assertThat(json.get("verification").fieldNames()).toIterable()
                .containsExactly("status", "sourceCount", "targetCount", "mismatchedPartitions", "method");
        assertThat(json.get("namespaces").get(0).fieldNames()).toIterable()
                .containsExactly("source", "target", "documentsWritten", "partitions", "partitioner");
        assertThat(json.get("status").asText()).isEqualTo("completed");
        assertThat(json.get("seed").asLong()).isEqualTo(42);
    }

    @Test
    void nullsAreLeftOut() throws Exception {
        RunReport report = RunReport.builder("flexible-generator").build();
        JsonNode json = new ObjectMapper().readTree(report.toJson());
        assertThat(json.has("seed")).isFalse();
        assertThat(json.has("verification")).isFalse();
        assertThat(json.has("namespaces")).isFalse();
        assertThat(json.has("details")).isFalse();
        assertThat(json.get("latencyMillis").get("p99").asDouble()).isZero();
    }

    @Test
    void fromSnapshotFillsCountersRatesLatencyAndHeap() {
        MockClock clock = new MockClock();
        MetricsCollector collector = MetricsCollector.create(new SimpleMeterRegistry(), clock, () -> 512.34);
        collector.documentsRead(1_000, 2_097_152);
        collector.documentsWritten(990, 1_048_576 * 3);
        collector.documentsFailed(4);
        collector.documentsSkipped(6);
        collector.retry("THROTTLED");
        collector.throttled();
        collector.throttled();
        collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(12));
        clock.add(Duration.ofMillis(3_000));
        PerformanceSnapshot last = collector.getCurrentPerformance();

        RunReport report = RunReport.builder("flexible-generator").fromSnapshot(last).seed(7L).build();

        assertThat(report.documentsRead()).isEqualTo(1_000);
        assertThat(report.documentsWritten()).isEqualTo(990);
        assertThat(report.documentsFailed()).isEqualTo(4);
        assertThat(report.documentsSkipped()).isEqualTo(6);
        assertThat(report.bytesRead()).isEqualTo(2_097_152);
        assertThat(report.bytesWritten()).isEqualTo(3_145_728);
        assertThat(report.durationSeconds()).isEqualTo(3.0);
        assertThat(report.documentsPerSecond()).isEqualTo(330.0);
        assertThat(report.mbPerSecond()).isEqualTo(1.0);
        assertThat(report.retries()).isEqualTo(1);
        assertThat(report.throttledRequests()).isEqualTo(2);
        assertThat(report.latencyMillis().p99()).isEqualTo(12.0, org.assertj.core.data.Offset.offset(0.02));
        assertThat(report.peakHeapMb()).isEqualTo(512.3);
        assertThat(report.seed()).isEqualTo(7L);
        assertThat(report.details()).containsEntry("retriesByKind", java.util.Map.of("throttled", 1L));
    }

    @Test
    void aRunThatOnlyReadReportsReadLatency() {
        MockClock clock = new MockClock();
        MetricsCollector collector = MetricsCollector.create(new SimpleMeterRegistry(), clock, () -> 1.0);
        collector.documentsRead(10, 100);
        collector.batchRead(TimeUnit.MILLISECONDS.toNanos(7));
        clock.add(Duration.ofSeconds(1));
        RunReport report = RunReport.builder("flexible-migrate").fromSnapshot(collector.getCurrentPerformance()).build();
        assertThat(report.latencyMillis().max()).isEqualTo(7.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void roundTripsThroughJsonAndAFile() {
        RunReport report = TestSnapshots.report(TestSnapshots.series(2));
        assertThat(RunReport.fromJson(report.toJson())).isEqualTo(report);
        assertThat(RunReport.fromJson(report.toCompactJson())).isEqualTo(report);
        assertThat(report.toBuilder().build()).isEqualTo(report);

        Path file = dir.resolve("reports/run.json");
        report.writeTo(file);
        report.writeTo(file);
        assertThat(RunReport.fromJson(readString(file))).isEqualTo(report);
        assertThat(dir.resolve("reports").toFile().list()).containsExactly("run.json");
    }

    @Test
    void theCallersMaskerSeesTheWholeReport() {
        RunReport report = RunReport.builder("flexible-migrate")
                .detail("source", "mongodb://admin:s3cret@db.example.com:27017/?tls=true")
                .detail("sources", List.of("mongodb+srv://u:p%40ss@cluster0.mongodb.net"))
                .build();
        // monitoring has no masker of its own (core's MongoUri.maskSecrets is the one); it hands every byte to it
        String masked = report.toJson(json -> json.replace("s3cret", "****").replace("p%40ss", "****"));
        assertThat(masked).doesNotContain("s3cret").doesNotContain("p%40ss").contains("mongodb://admin:****@db.example.com");
    }

    @Test
    void peakHeapKeepsTheHighestValue() {
        RunReport report = RunReport.builder("t").peakHeapMb(300).peakHeapMb(200).peakHeapMb(Double.NaN).build();
        assertThat(report.peakHeapMb()).isEqualTo(300.0);
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
