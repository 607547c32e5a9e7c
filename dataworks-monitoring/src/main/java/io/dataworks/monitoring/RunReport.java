package io.dataworks.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.dataworks.monitoring.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The summary of a run: the report JSON of DESIGN.md ({@code --report PATH}, and the {@code summary} of a
 * {@code --metrics-out} file). Fields that do not apply are {@code null} and left out of the JSON.
 * Rates and sizes are rounded for people: seconds to the millisecond, rates to 2 decimals, MB to 0.1.
 *
 * @param status            {@link #COMPLETED}, {@link #FAILED}, {@link #VERIFICATION_MISMATCH}... (free text)
 * @param documentsPerSecond documents written per second over the whole run
 * @param mbPerSecond       MB (2<sup>20</sup> bytes) written per second over the whole run
 * @param latencyMillis     batch write latency over the whole run
 * @param seed              generation seed, null when the run has none
 * @param details           tool-specific extras (concurrency series, follow lag, dead-letter path...)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"tool", "status", "documentsRead", "documentsWritten", "documentsFailed", "documentsSkipped",
        "bytesRead", "bytesWritten", "durationSeconds", "documentsPerSecond", "mbPerSecond", "retries",
        "throttledRequests", "latencyMillis", "peakHeapMb", "seed", "verification", "namespaces", "details"})
public record RunReport(
        String tool,
        String status,
        long documentsRead,
        long documentsWritten,
        long documentsFailed,
        long documentsSkipped,
        long bytesRead,
        long bytesWritten,
        double durationSeconds,
        double documentsPerSecond,
        double mbPerSecond,
        long retries,
        long throttledRequests,
        LatencyMillis latencyMillis,
        double peakHeapMb,
        Long seed,
        Verification verification,
        List<NamespaceReport> namespaces,
        Map<String, Object> details) {

    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String VERIFICATION_MISMATCH = "verification_mismatch";
    public static final String INTERRUPTED = "interrupted";
    /** Done, but the target refused some documents (they are in the dead-letter file). */
    public static final String COMPLETED_WITH_ERRORS = "completed_with_errors";
    /** Stopped before the target could be known complete, e.g. a change stream ended by a drop or rename. */
    public static final String INCOMPLETE = "incomplete";

    public RunReport {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(status, "status");
        latencyMillis = Objects.requireNonNullElse(latencyMillis, LatencyMillis.ZERO);
        namespaces = namespaces == null ? null : List.copyOf(namespaces);
        details = details == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /** Batch latency percentiles in milliseconds. */
    public record LatencyMillis(double p50, double p95, double p99, double max) {
        public static final LatencyMillis ZERO = new LatencyMillis(0, 0, 0, 0);

        public static LatencyMillis of(LatencyStats stats) {
            return new LatencyMillis(round(stats.p50Millis(), 3), round(stats.p95Millis(), 3),
                    round(stats.p99Millis(), 3), round(stats.maxMillis(), 3));
        }
    }

    /**
     * What verification found.
     *
     * @param status               {@code match}, {@code mismatch}, {@code skipped}...
     * @param mismatchedPartitions partitions whose hash differs
     * @param method               e.g. {@code count}, {@code count+hash}
     * @param diffFile             where the differences were written
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Verification(String status, Long sourceCount, Long targetCount, Integer mismatchedPartitions,
                               String method, String diffFile) {
        public Verification {
            Objects.requireNonNull(status, "status");
        }

        public static Verification of(String status, long sourceCount, long targetCount, int mismatchedPartitions) {
            return new Verification(status, sourceCount, targetCount, mismatchedPartitions, null, null);
        }

        public Verification withMethod(String value) {
            return new Verification(status, sourceCount, targetCount, mismatchedPartitions, value, diffFile);
        }

        public Verification withDiffFile(String value) {
            return new Verification(status, sourceCount, targetCount, mismatchedPartitions, method, value);
        }
    }

    /** One namespace of a migration. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"source", "target", "documentsWritten", "partitions", "partitioner"})
    public record NamespaceReport(String source, String target, long documentsWritten, int partitions,
                                  String partitioner) {
        public NamespaceReport {
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(target, "target");
        }
    }

    public static Builder builder(String tool) {
        return new Builder(tool);
    }

    /** A builder holding the same values, to change some. */
    public Builder toBuilder() {
        Builder b = new Builder(tool).status(status)
                .documentsRead(documentsRead).documentsWritten(documentsWritten)
                .documentsFailed(documentsFailed).documentsSkipped(documentsSkipped)
                .bytesRead(bytesRead).bytesWritten(bytesWritten).durationSeconds(durationSeconds)
                .documentsPerSecond(documentsPerSecond).mbPerSecond(mbPerSecond)
                .retries(retries).throttledRequests(throttledRequests).latencyMillis(latencyMillis)
                .peakHeapMb(peakHeapMb).seed(seed).verification(verification);
        if (namespaces != null) {
            b.namespaces(namespaces);
        }
        if (details != null) {
            b.details(details);
        }
        return b;
    }

    /**
     * Makes the JSON writer ready for a report (Jackson's set-up and this record's serializer), so that writing one at
     * the end of a run does not pay for it; for a start-up thread ({@code Preload}). No effect a caller could see.
     */
    public static void prepareWriter() {
        Json.mapper().canSerialize(RunReport.class);
    }

    /** The report as indented JSON, {@code null} fields left out. */
    public String toJson() {
        return Json.pretty(this);
    }

    /** The report as one line of JSON. */
    public String toCompactJson() {
        return Json.compact(this);
    }

    /** Reads a report written by {@link #toJson()}. */
    public static RunReport fromJson(String json) {
        return Json.read(json, RunReport.class);
    }

    /**
     * The report as indented JSON passed through {@code redact}, the caller's secret masker (the CLIs pass
     * {@code MongoUri::maskSecrets}, the one masker of the project): details are free-form text, so a secret that
     * slipped into one is masked before the report reaches a terminal or a file.
     */
    public String toJson(UnaryOperator<String> redact) {
        return Objects.requireNonNull(redact, "redact").apply(toJson());
    }

    /** Writes {@link #toJson()} to {@code path} (parent directories created, file replaced atomically). */
    public void writeTo(Path path) {
        writeTo(path, UnaryOperator.identity());
    }

    /** The {@code --report} value that means stdout. */
    public static final String STDOUT = "-";

    /** True for {@code --report -}. */
    public static boolean isStdout(Path path) {
        return path != null && path.getNameCount() == 1 && STDOUT.equals(path.toString());
    }

    /**
     * Writes {@link #toJson(UnaryOperator)} to {@code path} (parent directories created, file replaced atomically), or
     * to stdout when {@code path} is {@code -}.
     */
    public void writeTo(Path path, UnaryOperator<String> redact) {
        if (isStdout(path)) {
            System.out.println(toJson(redact));
            System.out.flush();
            return;
        }
        writeAtomically(path, toJson(redact) + System.lineSeparator());
    }

    static void writeAtomically(Path path, String content) {
        Objects.requireNonNull(path, "path");
        Path absolute = path.toAbsolutePath();
        try {
            Path dir = absolute.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, content, StandardCharsets.UTF_8);
                try {
                    Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    static double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /** Builds a {@link RunReport}; not thread-safe. Status defaults to {@link #COMPLETED}. */
    public static final class Builder {
        private final String tool;
        private String status = COMPLETED;
        private long documentsRead;
        private long documentsWritten;
        private long documentsFailed;
        private long documentsSkipped;
        private long bytesRead;
        private long bytesWritten;
        private double durationSeconds;
        private double documentsPerSecond;
        private double mbPerSecond;
        private long retries;
        private long throttledRequests;
        private LatencyMillis latencyMillis = LatencyMillis.ZERO;
        private double peakHeapMb;
        private Long seed;
        private Verification verification;
        private List<NamespaceReport> namespaces;
        private Map<String, Object> details;

        private Builder(String tool) {
            this.tool = Objects.requireNonNull(tool, "tool");
        }

        /**
         * Takes the counters, duration, overall rates, retries, throttles, latency and heap from the run's
         * final snapshot. The latency is that of batch writes over the whole run, or of batch reads when
         * nothing was written (a verify-only or dry run). Retries per kind go to {@code details.retriesByKind}.
         */
        public Builder fromSnapshot(PerformanceSnapshot s) {
            Objects.requireNonNull(s, "snapshot");
            documentsRead = s.documentsRead();
            documentsWritten = s.documentsWritten();
            documentsFailed = s.documentsFailed();
            documentsSkipped = s.documentsSkipped();
            bytesRead = s.bytesRead();
            bytesWritten = s.bytesWritten();
            durationSeconds(s.elapsedSeconds());
            documentsPerSecond(s.documentsPerSecondOverall());
            mbPerSecond(s.mbPerSecondOverall());
            retries = s.retries();
            throttledRequests = s.throttles();
            latencyMillis = LatencyMillis.of(s.overallLatency().count() == 0 && s.overallReadLatency().count() > 0
                    ? s.overallReadLatency() : s.overallLatency());
            peakHeapMb(Math.max(s.peakHeapMb(), s.heapUsedMb()));
            if (!s.retriesByKind().isEmpty()) {
                detail("retriesByKind", s.retriesByKind());
            }
            return this;
        }

        public Builder status(String value) {
            this.status = Objects.requireNonNull(value, "status");
            return this;
        }

        public Builder documentsRead(long value) {
            this.documentsRead = value;
            return this;
        }

        public Builder documentsWritten(long value) {
            this.documentsWritten = value;
            return this;
        }

        public Builder documentsFailed(long value) {
            this.documentsFailed = value;
            return this;
        }

        public Builder documentsSkipped(long value) {
            this.documentsSkipped = value;
            return this;
        }

        public Builder bytesRead(long value) {
            this.bytesRead = value;
            return this;
        }

        public Builder bytesWritten(long value) {
            this.bytesWritten = value;
            return this;
        }

        public Builder durationSeconds(double value) {
            this.durationSeconds = round(value, 3);
            return this;
        }

        public Builder documentsPerSecond(double value) {
            this.documentsPerSecond = round(value, 2);
            return this;
        }

        public Builder mbPerSecond(double value) {
            this.mbPerSecond = round(value, 3);
            return this;
        }

        public Builder retries(long value) {
            this.retries = value;
            return this;
        }

        public Builder throttledRequests(long value) {
            this.throttledRequests = value;
            return this;
        }

        public Builder latencyMillis(LatencyMillis value) {
            this.latencyMillis = Objects.requireNonNull(value, "latencyMillis");
            return this;
        }

        public Builder latencyMillis(LatencyStats value) {
            return latencyMillis(LatencyMillis.of(Objects.requireNonNull(value, "latencyMillis")));
        }

        /** Keeps the highest value given so far. */
        public Builder peakHeapMb(double value) {
            if (!Double.isNaN(value)) {
                this.peakHeapMb = Math.max(this.peakHeapMb, round(value, 1));
            }
            return this;
        }

        public Builder seed(Long value) {
            this.seed = value;
            return this;
        }

        public Builder verification(Verification value) {
            this.verification = value;
            return this;
        }

        public Builder namespace(NamespaceReport value) {
            if (namespaces == null) {
                namespaces = new ArrayList<>();
            }
            namespaces.add(Objects.requireNonNull(value, "namespace"));
            return this;
        }

        public Builder namespaces(List<NamespaceReport> values) {
            this.namespaces = values == null ? null : new ArrayList<>(values);
            return this;
        }

        /** Adds a tool-specific extra; the value must be serialisable by Jackson (maps, lists, records...). */
        public Builder detail(String key, Object value) {
            Objects.requireNonNull(key, "key");
            if (details == null) {
                details = new LinkedHashMap<>();
            }
            details.put(key, value);
            return this;
        }

        public Builder details(Map<String, Object> values) {
            this.details = values == null ? null : new LinkedHashMap<>(values);
            return this;
        }

        public RunReport build() {
            return new RunReport(tool, status, documentsRead, documentsWritten, documentsFailed, documentsSkipped,
                    bytesRead, bytesWritten, durationSeconds, documentsPerSecond, mbPerSecond, retries,
                    throttledRequests, latencyMillis, peakHeapMb, seed, verification, namespaces, details);
        }
    }
}
