package io.dataworks.monitoring;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a run looked like at one instant: totals since the start, rates over the last interval (the
 * time since the previous snapshot) and over the whole run, batch latency percentiles for both, heap,
 * progress and the caller's gauges. Immutable.
 *
 * <p>Conventions: "documents per second" counts documents <em>written</em>; "MB" is 2<sup>20</sup>
 * bytes and "MB per second" counts bytes written; the error rate is failed / (written + failed);
 * "done" (for progress and ETA) is written + failed + skipped. {@code intervalLatency} and
 * {@code overallLatency} are batch <em>write</em> latencies, the read ones have their own fields.
 *
 * @param timestamp                wall-clock time of the snapshot
 * @param elapsedSeconds           since the collector was created
 * @param documentsPerSecond       documents written per second during the last interval
 * @param documentsPerSecondOverall documents written per second since the start
 * @param mbPerSecond              MB written per second during the last interval
 * @param mbPerSecondOverall       MB written per second since the start
 * @param errorRate                failed / (written + failed) during the last interval, 0 when nothing happened
 * @param retries                  retries since the start, all kinds
 * @param throttles                throttled requests since the start
 * @param intervalLatency          batch write latency during the last interval
 * @param overallLatency           batch write latency since the start
 * @param heapUsedMb               heap in use when the snapshot was taken
 * @param total                    documents expected in all, -1 when unknown
 * @param percentDone              0..100, NaN when the total is unknown
 * @param eta                      time left at the overall rate, null when unknown
 * @param gauges                   the caller's gauges ({@code concurrency}, {@code followLagSeconds}...), sorted by name
 * @param intervalSeconds          length of the last interval
 * @param errorRateOverall         failed / (written + failed) since the start
 * @param throttlesPerSecond       throttled requests per second during the last interval
 * @param peakHeapMb               highest heap reading so far
 * @param intervalReadLatency      batch read latency during the last interval
 * @param overallReadLatency       batch read latency since the start
 * @param retriesByKind            retries since the start per kind, lower case ({@code throttled}, {@code transient}), sorted
 */
public record PerformanceSnapshot(
        Instant timestamp,
        double elapsedSeconds,
        long documentsRead,
        long documentsWritten,
        long documentsFailed,
        long documentsSkipped,
        long bytesRead,
        long bytesWritten,
        double documentsPerSecond,
        double documentsPerSecondOverall,
        double mbPerSecond,
        double mbPerSecondOverall,
        double errorRate,
        long retries,
        long throttles,
        LatencyStats intervalLatency,
        LatencyStats overallLatency,
        double heapUsedMb,
        long total,
        double percentDone,
        Duration eta,
        Map<String, Double> gauges,
        double intervalSeconds,
        double errorRateOverall,
        double throttlesPerSecond,
        double peakHeapMb,
        LatencyStats intervalReadLatency,
        LatencyStats overallReadLatency,
        Map<String, Long> retriesByKind) {

    /** Bytes in one MB as used in every "MB" figure. */
    public static final double BYTES_PER_MB = 1024.0 * 1024.0;

    public PerformanceSnapshot {
        Objects.requireNonNull(timestamp, "timestamp");
        intervalLatency = Objects.requireNonNullElse(intervalLatency, LatencyStats.EMPTY);
        overallLatency = Objects.requireNonNullElse(overallLatency, LatencyStats.EMPTY);
        intervalReadLatency = Objects.requireNonNullElse(intervalReadLatency, LatencyStats.EMPTY);
        overallReadLatency = Objects.requireNonNullElse(overallReadLatency, LatencyStats.EMPTY);
        gauges = gauges == null || gauges.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(gauges));
        retriesByKind = retriesByKind == null || retriesByKind.isEmpty()
                ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(retriesByKind));
    }

    /** Documents dealt with: written + failed + skipped. */
    public long documentsDone() {
        return documentsWritten + documentsFailed + documentsSkipped;
    }

    /** True when the total number of documents is known. */
    public boolean totalKnown() {
        return total >= 0;
    }
}
