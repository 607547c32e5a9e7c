package io.dataworks.monitoring.internal;

import io.dataworks.monitoring.LatencyStats;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The one place that knows about HdrHistogram: records latencies without allocating and turns them
 * into {@link LatencyStats} for the last interval and for the whole run.
 *
 * <p>Thread-safety: {@link #recordNanos(long)} is wait-free and may be called from any number of
 * threads. {@link #sample()} is synchronized; each call closes the current interval.
 *
 * <p>Values are kept in microseconds from 1 µs to 1 hour with 3 significant digits (0.1 % precision);
 * anything longer is counted as 1 hour, anything shorter as 1 µs. The range is fixed so that the
 * histograms never resize, which is what keeps recording allocation-free.
 */
public final class LatencyRecorder {

    static final long LOWEST_MICROS = 1;
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    static final int SIGNIFICANT_DIGITS = 3;

    private final Recorder recorder = new Recorder(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final Histogram interval = new Histogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final Histogram cumulative = new Histogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);

    /** Interval and cumulative statistics taken at the same instant. */
    public record Sample(LatencyStats interval, LatencyStats cumulative) {
    }

    /** Records one latency; negative values count as the shortest latency. Allocation-free. */
    public void recordNanos(long nanos) {
        long micros = nanos / 1_000L;
        if (micros < LOWEST_MICROS) {
            micros = LOWEST_MICROS;
        } else if (micros > HIGHEST_MICROS) {
            micros = HIGHEST_MICROS;
        }
        recorder.recordValue(micros);
    }

    /** Closes the current interval: returns its statistics and those of the whole run so far. */
    public synchronized Sample sample() {
        recorder.getIntervalHistogramInto(interval);
        cumulative.add(interval);
        return new Sample(stats(interval), stats(cumulative));
    }

    private static LatencyStats stats(Histogram histogram) {
        long count = histogram.getTotalCount();
        if (count == 0) {
            return LatencyStats.EMPTY;
        }
        return new LatencyStats(
                millis(histogram.getValueAtPercentile(50.0)),
                millis(histogram.getValueAtPercentile(95.0)),
                millis(histogram.getValueAtPercentile(99.0)),
                millis(histogram.getMaxValue()),
                count);
    }

    private static double millis(long micros) {
        return micros / 1_000.0;
    }
}
