package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.dataworks.monitoring.internal.SnapshotCsv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsExporterTest {

    private final List<PerformanceSnapshot> snapshots = TestSnapshots.series(6);
    private final RunReport report = TestSnapshots.report(snapshots);

    @TempDir
    Path dir;

    @Test
    void jsonParsesBackToTheSameSnapshotsAndSummary() throws Exception {
        String json = MetricsExporter.export("json", snapshots, report);

        MetricsExporter.Export back = MetricsExporter.parse("json", json);
        assertThat(back.snapshots()).isEqualTo(snapshots);
        assertThat(back.summary()).isEqualTo(report);

        JsonNode tree = new ObjectMapper().readTree(json);
        assertThat(tree.fieldNames()).toIterable().containsExactly("snapshots", "summary");
        JsonNode first = tree.get("snapshots").get(0);
        assertThat(first.get("timestamp").asText()).isEqualTo(snapshots.get(0).timestamp().toString());
        assertThat(first.get("documentsWritten").asLong()).isEqualTo(snapshots.get(0).documentsWritten());
        assertThat(first.get("intervalLatency").get("p99Millis").asDouble())
                .isEqualTo(snapshots.get(0).intervalLatency().p99Millis());
        assertThat(first.get("eta").isNumber()).isTrue();
        assertThat(tree.get("summary").get("tool").asText()).isEqualTo("flexible-migrate");
    }

    @Test
    void unknownValuesAreNullInJsonAndComeBackUnknown() {
        MetricsCollector collector = MetricsCollector.create();
        PerformanceSnapshot unknown = collector.getCurrentPerformance();
        assertThat(unknown.percentDone()).isNaN();

        String json = MetricsExporter.export("JSON", List.of(unknown), null);
        assertThat(json).contains("\"percentDone\" : null").contains("\"eta\" : null").doesNotContain("NaN");

        MetricsExporter.Export back = MetricsExporter.parse("json", json);
        assertThat(back.snapshots()).containsExactly(unknown);
        assertThat(back.summary()).isNull();
    }

    @Test
    void csvHasOneFlatRowPerSnapshotAndParsesBackToTheSameValues() throws Exception {
        String csv = MetricsExporter.export("csv", snapshots, report);

        MetricsExporter.Export back = MetricsExporter.parse("csv", csv);
        assertThat(back.snapshots()).isEqualTo(snapshots);
        assertThat(back.summary()).isEqualTo(report);

        // an ordinary CSV reader told that '#' starts a comment sees a plain table
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withComments();
        try (MappingIterator<Map<String, String>> rows =
                     new CsvMapper().readerForMapOf(String.class).with(schema).readValues(csv)) {
            List<Map<String, String>> all = rows.readAll();
            assertThat(all).hasSize(snapshots.size());
            assertThat(all.get(0).keySet()).startsWith("timestamp", "elapsedSeconds", "intervalSeconds")
                    .contains("writeP99Millis", "overallWriteP99Millis", "readP50Millis", "etaSeconds",
                            "gauge.concurrency", "retries.throttled", "retries.transient");
            assertThat(all.get(0).get("gauge.concurrency")).isEmpty(); // set from the second snapshot on
            assertThat(all.get(5).get("documentsWritten")).isEqualTo(Long.toString(snapshots.get(5).documentsWritten()));
        }
        String[] lines = csv.split("\n");
        assertThat(lines).hasSize(snapshots.size() + 2);
        assertThat(lines[lines.length - 1]).startsWith("# summary: {\"tool\":\"flexible-migrate\"");
        assertThat(lines[0].split(",")).hasSize(SnapshotCsv.fixedColumnNames().size() + 3);
    }

    @Test
    void csvWithoutSummaryOrSnapshots() {
        String empty = MetricsExporter.export("csv", List.of(), null);
        assertThat(empty).startsWith("timestamp,elapsedSeconds");
        assertThat(MetricsExporter.parse("csv", empty).snapshots()).isEmpty();
        assertThat(MetricsExporter.parse("csv", empty).summary()).isNull();
    }

    @Test
    void writePicksTheFormatFromTheExtension() throws Exception {
        Path json = dir.resolve("out/metrics.json");
        Path csv = dir.resolve("metrics.CSV");
        MetricsExporter.write(json, snapshots, report);
        MetricsExporter.write(csv, snapshots, report);

        assertThat(Files.readString(json)).startsWith("{");
        assertThat(Files.readString(csv)).startsWith("timestamp,");
        assertThat(MetricsExporter.read(json).snapshots()).isEqualTo(snapshots);
        assertThat(MetricsExporter.read(csv).summary()).isEqualTo(report);
        assertThat(Files.list(dir)).extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrder("out", "metrics.CSV");
    }

    @Test
    void anotherExtensionIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> MetricsExporter.write(dir.resolve("metrics.txt"), snapshots, report))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("metrics.txt")
                .hasMessageContaining(".json or .csv");
        assertThatThrownBy(() -> MetricsExporter.export("xml", snapshots, report))
                .hasMessageContaining("use json or csv");
    }
}
