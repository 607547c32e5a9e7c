package io.dataworks.migrations.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dataworks.monitoring.MetricsCollector;
import io.micrometer.core.instrument.MockClock;
import reactor.core.Disposable;
import reactor.test.scheduler.VirtualTimeScheduler;

class MetricsFeedbackTest {

    @Test
    void throttlesRecordedByTheWriterLowerTheLimitAndWrittenBatchesRaiseIt() {
        MockClock clock = new MockClock();
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        MetricsCollector metrics = MetricsCollector.create();
        List<Integer> limits = new ArrayList<>();
        AimdLimit aimd = AimdLimit.create(LimiterSettings.of(8, 10).withSuccessesPerIncrease(1), clock, (n, v) -> { }, limits::add);
        Disposable feedback = MetricsFeedback.attach(metrics, aimd, Duration.ofMillis(250), time);

        metrics.throttled();
        metrics.throttled();
        metrics.batchWritten(1_000_000);
        time.advanceTimeBy(Duration.ofMillis(250));
        assertThat(limits).containsExactly(4);

        for (int i = 0; i < 9; i++) {
            metrics.batchWritten(1_000_000);
        }
        time.advanceTimeBy(Duration.ofMillis(250));
        assertThat(limits).containsExactly(4, 5, 6);

        feedback.dispose();
        metrics.throttled();
        time.advanceTimeBy(Duration.ofSeconds(5));
        assertThat(limits).containsExactly(4, 5, 6);
    }
}
