package io.dataworks.monitoring;

/**
 * Batch latency percentiles in milliseconds, from an HdrHistogram (0.1 % precision).
 *
 * @param count how many latencies were recorded; all figures are 0 when it is 0
 */
public record LatencyStats(double p50Millis, double p95Millis, double p99Millis, double maxMillis, long count) {

    /** No latency recorded. */
    public static final LatencyStats EMPTY = new LatencyStats(0, 0, 0, 0, 0);
}
