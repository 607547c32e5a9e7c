package io.dataworks.monitoring.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dataworks.monitoring.LatencyStats;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class LatencyRecorderTest {

    /** HdrHistogram with 3 significant digits: values are exact to 0.1 %. */
    private static Offset<Double> precision(double expected) {
        return within(expected * 0.001 + 1e-9);
    }

    @Test
    void percentilesOfOneToThousandMillis() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int ms = 1; ms <= 1000; ms++) {
            recorder.recordNanos(TimeUnit.MILLISECONDS.toNanos(ms));
        }
        LatencyStats stats = recorder.sample().interval();

        assertThat(stats.count()).isEqualTo(1000);
        assertThat(stats.p50Millis()).isCloseTo(500.0, precision(500.0));
        assertThat(stats.p95Millis()).isCloseTo(950.0, precision(950.0));
        assertThat(stats.p99Millis()).isCloseTo(990.0, precision(990.0));
        assertThat(stats.maxMillis()).isCloseTo(1000.0, precision(1000.0));
    }

    @Test
    void percentilesOfASkewedSetMatchTheSortedValues() {
        Random random = new Random(42);
        List<Long> micros = new ArrayList<>();
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 10_000; i++) {
            // mostly fast, a long tail: 90 % around 2 ms, 10 % between 50 and 500 ms
            long us = i % 10 == 0 ? 50_000 + random.nextInt(450_000) : 1_500 + random.nextInt(1_000);
            micros.add(us);
            recorder.recordNanos(us * 1_000);
        }
        Collections.sort(micros);
        LatencyStats stats = recorder.sample().interval();

        assertThat(stats.p50Millis()).isCloseTo(exact(micros, 50), precision(exact(micros, 50)));
        assertThat(stats.p95Millis()).isCloseTo(exact(micros, 95), precision(exact(micros, 95)));
        assertThat(stats.p99Millis()).isCloseTo(exact(micros, 99), precision(exact(micros, 99)));
        assertThat(stats.maxMillis()).isCloseTo(micros.get(micros.size() - 1) / 1000.0,
                precision(micros.get(micros.size() - 1) / 1000.0));
    }

    /** The value at or below which {@code percent} % of the sorted values fall (HdrHistogram's definition). */
    private static double exact(List<Long> sorted, double percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1000.0;
    }

    @Test
    void intervalShowsOnlyWhatCameSinceTheLastSampleCumulativeShowsEverything() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 100; i++) {
            recorder.recordNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        LatencyRecorder.Sample first = recorder.sample();
        for (int i = 0; i < 100; i++) {
            recorder.recordNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        LatencyRecorder.Sample second = recorder.sample();
        LatencyRecorder.Sample third = recorder.sample();

        assertThat(first.interval().count()).isEqualTo(100);
        assertThat(first.interval().maxMillis()).isCloseTo(10.0, precision(10.0));
        assertThat(second.interval().count()).isEqualTo(100);
        assertThat(second.interval().p50Millis()).isCloseTo(100.0, precision(100.0));
        assertThat(second.cumulative().count()).isEqualTo(200);
        assertThat(second.cumulative().p50Millis()).isCloseTo(10.0, precision(10.0));
        assertThat(second.cumulative().maxMillis()).isCloseTo(100.0, precision(100.0));
        assertThat(third.interval()).isEqualTo(LatencyStats.EMPTY);
        assertThat(third.cumulative().count()).isEqualTo(200);
    }

    @Test
    void outOfRangeValuesAreClampedNotLost() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.recordNanos(-5);
        recorder.recordNanos(0);
        recorder.recordNanos(TimeUnit.HOURS.toNanos(3));
        LatencyStats stats = recorder.sample().interval();

        assertThat(stats.count()).isEqualTo(3);
        assertThat(stats.p50Millis()).isCloseTo(0.001, within(1e-6));
        assertThat(stats.maxMillis()).isCloseTo(3_600_000.0, precision(3_600_000.0));
    }
}
