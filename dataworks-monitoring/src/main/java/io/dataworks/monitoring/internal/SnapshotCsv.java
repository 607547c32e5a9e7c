package io.dataworks.monitoring.internal;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.dataworks.monitoring.LatencyStats;
import io.dataworks.monitoring.PerformanceSnapshot;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Snapshots as flat CSV rows, one per snapshot, and back. Fixed columns first, then one
 * {@code gauge.<name>} column per gauge and one {@code retries.<kind>} column per retry kind seen in any
 * snapshot (empty where a snapshot lacks it). Latency columns: {@code write*} / {@code read*} for the
 * last interval, {@code overallWrite*} / {@code overallRead*} for the whole run. Unknown values
 * (total, percent, ETA) are empty cells.
 */
public final class SnapshotCsv {

    public static final String GAUGE_PREFIX = "gauge.";
    public static final String RETRY_PREFIX = "retries.";

    private static final CsvMapper CSV = new CsvMapper();

    private record Column(String name, Function<PerformanceSnapshot, String> value) {
    }

    private static final List<Column> FIXED = fixedColumns();

    private SnapshotCsv() {
    }

    /** Header plus one row per snapshot, RFC 4180 quoting, '\n' line ends. */
    public static String write(List<PerformanceSnapshot> snapshots) {
        TreeSet<String> gaugeNames = new TreeSet<>();
        TreeSet<String> retryKinds = new TreeSet<>();
        for (PerformanceSnapshot s : snapshots) {
            gaugeNames.addAll(s.gauges().keySet());
            retryKinds.addAll(s.retriesByKind().keySet());
        }
        CsvSchema.Builder schema = CsvSchema.builder();
        FIXED.forEach(c -> schema.addColumn(c.name()));
        gaugeNames.forEach(g -> schema.addColumn(GAUGE_PREFIX + g));
        retryKinds.forEach(k -> schema.addColumn(RETRY_PREFIX + k));

        StringWriter out = new StringWriter();
        try (var writer = CSV.writer(schema.build().withHeader().withLineSeparator("\n")).writeValues(out)) {
            for (PerformanceSnapshot s : snapshots) {
                List<String> row = new ArrayList<>(FIXED.size() + gaugeNames.size() + retryKinds.size());
                FIXED.forEach(c -> row.add(c.value().apply(s)));
                for (String g : gaugeNames) {
                    Double v = s.gauges().get(g);
                    row.add(v == null ? "" : Json.number(v));
                }
                for (String k : retryKinds) {
                    Long v = s.retriesByKind().get(k);
                    row.add(v == null ? "" : Long.toString(v));
                }
                writer.write(row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write snapshots as CSV", e);
        }
        return out.toString();
    }

    /** Reads rows written by {@link #write}; lines starting with '#' are comments. */
    public static List<PerformanceSnapshot> read(String csv) {
        CsvSchema schema = CsvSchema.emptySchema().withHeader().withComments();
        List<PerformanceSnapshot> snapshots = new ArrayList<>();
        try (MappingIterator<Map<String, String>> rows = CSV.readerForMapOf(String.class).with(schema).readValues(csv)) {
            while (rows.hasNext()) {
                snapshots.add(fromRow(rows.next()));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not a snapshot CSV: " + e.getMessage(), e);
        }
        return snapshots;
    }

    private static PerformanceSnapshot fromRow(Map<String, String> row) {
        Map<String, Double> gauges = new TreeMap<>();
        Map<String, Long> retries = new TreeMap<>();
        row.forEach((name, value) -> {
            if (value == null || value.isEmpty()) {
                return;
            }
            if (name.startsWith(GAUGE_PREFIX)) {
                gauges.put(name.substring(GAUGE_PREFIX.length()), Double.parseDouble(value));
            } else if (name.startsWith(RETRY_PREFIX)) {
                retries.put(name.substring(RETRY_PREFIX.length()), Long.parseLong(value));
            }
        });
        Row r = new Row(row);
        String eta = row.get("etaSeconds");
        return new PerformanceSnapshot(
                Instant.parse(r.text("timestamp")), r.dbl("elapsedSeconds"),
                r.lng("documentsRead"), r.lng("documentsWritten"), r.lng("documentsFailed"), r.lng("documentsSkipped"),
                r.lng("bytesRead"), r.lng("bytesWritten"),
                r.dbl("documentsPerSecond"), r.dbl("documentsPerSecondOverall"),
                r.dbl("mbPerSecond"), r.dbl("mbPerSecondOverall"),
                r.dbl("errorRate"), r.lng("retries"), r.lng("throttles"),
                r.latency("write"), r.latency("overallWrite"),
                r.dbl("heapUsedMb"), r.lng("total"), r.dbl("percentDone"),
                eta == null || eta.isEmpty() ? null : Json.duration(Double.parseDouble(eta)),
                gauges, r.dbl("intervalSeconds"), r.dbl("errorRateOverall"), r.dbl("throttlesPerSecond"),
                r.dbl("peakHeapMb"), r.latency("read"), r.latency("overallRead"), retries);
    }

    private record Row(Map<String, String> cells) {
        String text(String name) {
            String v = cells.get(name);
            if (v == null) {
                throw new IllegalArgumentException("not a snapshot CSV: no column '" + name + "'");
            }
            return v;
        }

        double dbl(String name) {
            String v = text(name);
            return v.isEmpty() ? Double.NaN : Double.parseDouble(v);
        }

        long lng(String name) {
            String v = text(name);
            return v.isEmpty() ? -1 : Long.parseLong(v);
        }

        LatencyStats latency(String prefix) {
            return new LatencyStats(dbl(prefix + "P50Millis"), dbl(prefix + "P95Millis"), dbl(prefix + "P99Millis"),
                    dbl(prefix + "MaxMillis"), lng(prefix + "Count"));
        }
    }

    private static List<Column> fixedColumns() {
        Map<String, Function<PerformanceSnapshot, String>> c = new LinkedHashMap<>();
        c.put("timestamp", s -> s.timestamp().toString());
        c.put("elapsedSeconds", s -> Json.number(s.elapsedSeconds()));
        c.put("intervalSeconds", s -> Json.number(s.intervalSeconds()));
        c.put("documentsRead", s -> Long.toString(s.documentsRead()));
        c.put("documentsWritten", s -> Long.toString(s.documentsWritten()));
        c.put("documentsFailed", s -> Long.toString(s.documentsFailed()));
        c.put("documentsSkipped", s -> Long.toString(s.documentsSkipped()));
        c.put("bytesRead", s -> Long.toString(s.bytesRead()));
        c.put("bytesWritten", s -> Long.toString(s.bytesWritten()));
        c.put("documentsPerSecond", s -> Json.number(s.documentsPerSecond()));
        c.put("documentsPerSecondOverall", s -> Json.number(s.documentsPerSecondOverall()));
        c.put("mbPerSecond", s -> Json.number(s.mbPerSecond()));
        c.put("mbPerSecondOverall", s -> Json.number(s.mbPerSecondOverall()));
        c.put("errorRate", s -> Json.number(s.errorRate()));
        c.put("errorRateOverall", s -> Json.number(s.errorRateOverall()));
        c.put("retries", s -> Long.toString(s.retries()));
        c.put("throttles", s -> Long.toString(s.throttles()));
        c.put("throttlesPerSecond", s -> Json.number(s.throttlesPerSecond()));
        latency(c, "write", PerformanceSnapshot::intervalLatency);
        latency(c, "overallWrite", PerformanceSnapshot::overallLatency);
        latency(c, "read", PerformanceSnapshot::intervalReadLatency);
        latency(c, "overallRead", PerformanceSnapshot::overallReadLatency);
        c.put("heapUsedMb", s -> Json.number(s.heapUsedMb()));
        c.put("peakHeapMb", s -> Json.number(s.peakHeapMb()));
        c.put("total", s -> s.total() < 0 ? "" : Long.toString(s.total()));
        c.put("percentDone", s -> Json.number(s.percentDone()));
        c.put("etaSeconds", s -> s.eta() == null ? "" : Json.number(Json.seconds(s.eta())));
        List<Column> columns = new ArrayList<>();
        c.forEach((name, f) -> columns.add(new Column(name, f)));
        return List.copyOf(columns);
    }

    private static void latency(Map<String, Function<PerformanceSnapshot, String>> c, String prefix,
                                Function<PerformanceSnapshot, LatencyStats> which) {
        c.put(prefix + "P50Millis", s -> Json.number(which.apply(s).p50Millis()));
        c.put(prefix + "P95Millis", s -> Json.number(which.apply(s).p95Millis()));
        c.put(prefix + "P99Millis", s -> Json.number(which.apply(s).p99Millis()));
        c.put(prefix + "MaxMillis", s -> Json.number(which.apply(s).maxMillis()));
        c.put(prefix + "Count", s -> Long.toString(which.apply(s).count()));
    }

    /** Used by tests and tools: the fixed column names in order. */
    public static List<String> fixedColumnNames() {
        return FIXED.stream().map(Column::name).toList();
    }
}
