package io.dataworks.monitoring;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.dataworks.monitoring.internal.Json;
import java.util.List;

/**
 * What {@code GET /api/v1/progress} answers (see the README's "Progress API" for the schema): built by
 * {@link RunProgress#view}. Fields that are not known yet are {@code null} (they are always present).
 *
 * @param state              {@code planning}, {@code copying}, {@code indexing}, {@code verifying}, {@code reconciling},
 *                           {@code following}, {@code done}, {@code failed}, {@code interrupted}
 * @param percent            0..100, never lower than an earlier answer; 100 once the copy is done; null when no total is known
 * @param documentsCopied    documents acknowledged by the target (or already there)
 * @param documentsTotal     documents expected (estimated for a migration), null when unknown
 * @param documentsPerSecond documents written per second over the last monitoring interval
 * @param bytesPerSecond     BSON bytes written per second over the last interval
 * @param etaSeconds         time left at the run's average rate; 0 when done; null when unknown
 * @param throttledPerSecond requests refused for capacity per second over the last interval
 * @param pacingRate         the rate the pacing controller allows now, null when there is none
 * @param concurrencyLimit   the adaptive write concurrency now, null when there is none
 * @param errors             documents that could not be written
 * @param lagSeconds         follow lag, null when not following
 * @param pendingEvents      change events received and not yet applied, null when not following
 * @param canCutover         following, the lag within the threshold for the hold time, nothing pending, the
 *                           last verification clean (or none run)
 */
@JsonPropertyOrder({"state", "percent", "documentsCopied", "documentsTotal", "documentsPerSecond", "bytesPerSecond",
        "etaSeconds", "throttledPerSecond", "pacingRate", "concurrencyLimit", "errors", "retries", "deadLetters",
        "elapsedSeconds", "latencyMillis", "verification", "lagSeconds", "pendingEvents", "canCutover", "cutover",
        "lastError", "namespaces", "updatedAt"})
public record ProgressView(
        String state,
        Double percent,
        long documentsCopied,
        Long documentsTotal,
        double documentsPerSecond,
        double bytesPerSecond,
        Double etaSeconds,
        double throttledPerSecond,
        Double pacingRate,
        Integer concurrencyLimit,
        long errors,
        long retries,
        long deadLetters,
        double elapsedSeconds,
        Latency latencyMillis,
        Verification verification,
        Double lagSeconds,
        Long pendingEvents,
        boolean canCutover,
        Cutover cutover,
        String lastError,
        List<Namespace> namespaces,
        String updatedAt) {

    /** Batch write latency over the last interval, in ms; {@code batches} is how many completed in it. */
    public record Latency(double p50, double p99, long batches) {
    }

    /** The last verification: {@code match}, {@code mismatch}..., and how many mismatches it found. */
    public record Verification(String status, long mismatches) {
    }

    /**
     * The cut-over threshold and the checklist behind {@code canCutover}.
     *
     * @param lagLowForSeconds how long the lag has stayed at or under {@code maxLagSeconds}
     * @param checks           {@code following}, {@code lag}, {@code pending}, {@code verification}
     */
    public record Cutover(double maxLagSeconds, long holdSeconds, double lagLowForSeconds, List<Check> checks) {
    }

    /** One item of the cut-over checklist. */
    public record Check(String name, boolean ok, String detail) {
    }

    /** One namespace; {@code target} is null for a namespace the engine counted but nobody described. */
    @JsonPropertyOrder({"source", "target", "state", "percent", "documentsCopied", "documentsTotal", "partitionsDone",
            "partitionsTotal", "documentsPerSecond", "etaSeconds", "verification", "mismatches", "deadLetters"})
    public record Namespace(String source, String target, String state, Double percent, long documentsCopied,
                            Long documentsTotal, Integer partitionsDone, Integer partitionsTotal,
                            Double documentsPerSecond, Double etaSeconds, String verification, Long mismatches,
                            long deadLetters) {
    }

    /** One line of JSON, as is: pass it through the caller's secret masker before serving it (the session does). */
    public String toJson() {
        return Json.compact(this);
    }
}
