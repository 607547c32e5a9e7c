package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PerformanceMonitorTest {

    private final MockClock clock = new MockClock();
    private final AtomicReference<Double> heap = new AtomicReference<>(100.0);
    private final MetricsCollector collector = MetricsCollector.create(new SimpleMeterRegistry(), clock, heap::get);
    private final PerformanceMonitor monitor = PerformanceMonitor.create(collector, Duration.ofSeconds(1));
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();

    /** One second of work at {@code docsPerSecond}, then a sample. */
    private PerformanceSnapshot second(long docsPerSecond) {
        collector.documentsWritten(docsPerSecond, 0);
        clock.add(Duration.ofSeconds(1));
        return monitor.sampleNow();
    }

    @Test
    void throughputAlertFiresOnceAfterItsDurationAndResolvesOnce() {
        monitor.addRule(AlertRule.throughputBelow(100, Duration.ofSeconds(3))).addAlertCallback(alerts::add);

        second(500);
        second(50);   // starts holding at t=2
        second(50);   // held 1 s
        second(50);   // held 2 s
        assertThat(alerts).isEmpty();
        second(50);   // held 3 s: fires
        second(10);
        second(0);
        assertThat(alerts).hasSize(1);
        Alert fired = alerts.get(0);
        assertThat(fired.state()).isEqualTo(Alert.State.FIRING);
        assertThat(fired.value()).isEqualTo(50.0);
        assertThat(fired.message()).isEqualTo("ALERT throughput below 100.0 docs/s for 3s: now 50.0 docs/s");

        second(200);  // clears
        second(300);
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(1).state()).isEqualTo(Alert.State.RESOLVED);
        assertThat(alerts.get(1).value()).isEqualTo(200.0);
        assertThat(alerts.get(1).at()).isEqualTo(monitor.snapshots().get(7).timestamp());
    }

    @Test
    void aDipShorterThanTheDurationDoesNotFire() {
        monitor.addRule(AlertRule.throughputBelow(100, Duration.ofSeconds(3))).addAlertCallback(alerts::add);
        for (int i = 0; i < 10; i++) {
            second(50);
            second(50);
            second(500); // interrupts the condition every third second
        }
        assertThat(alerts).isEmpty();
    }

    @Test
    void throughputDoesNotAlertOnceEverythingIsDone() {
        monitor.addRule(AlertRule.throughputBelow(100, Duration.ZERO)).addAlertCallback(alerts::add);
        collector.total(1_000);
        second(1_000);
        second(0); // verifying: nothing written, nothing left to write
        second(0);
        assertThat(alerts).isEmpty();
    }

    @Test
    void errorRateLatencyThrottleAndHeapRules() {
        monitor.addRule(AlertRule.errorRateAbove(0.1, Duration.ZERO))
                .addRule(AlertRule.p99LatencyAbove(100, Duration.ofSeconds(1)))
                .addRule(AlertRule.throttleRateAbove(5, Duration.ZERO))
                .addRule(AlertRule.heapAbove(1_000, Duration.ZERO))
                .addAlertCallback(alerts::add);

        collector.documentsWritten(80, 0);
        collector.documentsFailed(20);
        for (int i = 0; i < 10; i++) {
            collector.throttled();
            collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(500));
        }
        heap.set(1_500.0);
        clock.add(Duration.ofSeconds(1));
        monitor.sampleNow();
        assertThat(alerts).extracting(a -> a.rule().kind()).containsExactly(
                AlertRule.Kind.ERROR_RATE_ABOVE, AlertRule.Kind.THROTTLE_RATE_ABOVE, AlertRule.Kind.HEAP_ABOVE);

        collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(500));
        collector.documentsWritten(100, 0);
        clock.add(Duration.ofSeconds(1));
        monitor.sampleNow();
        assertThat(alerts).hasSize(6);
        assertThat(alerts.subList(3, 6)).extracting(Alert::state, a -> a.rule().kind()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Alert.State.RESOLVED, AlertRule.Kind.ERROR_RATE_ABOVE),
                org.assertj.core.groups.Tuple.tuple(Alert.State.FIRING, AlertRule.Kind.P99_LATENCY_ABOVE),
                org.assertj.core.groups.Tuple.tuple(Alert.State.RESOLVED, AlertRule.Kind.THROTTLE_RATE_ABOVE));

        heap.set(200.0);
        collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(5)); // fast again (a stall would keep it firing)
        clock.add(Duration.ofSeconds(1));
        monitor.sampleNow();
        assertThat(alerts.subList(6, alerts.size())).extracting(Alert::state, a -> a.rule().kind())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(Alert.State.RESOLVED, AlertRule.Kind.P99_LATENCY_ABOVE),
                        org.assertj.core.groups.Tuple.tuple(Alert.State.RESOLVED, AlertRule.Kind.HEAP_ABOVE));
        assertThat(alerts).hasSize(8);
    }

    @Test
    void seriesIsBoundedKeepingTheNewest() {
        PerformanceMonitor small = PerformanceMonitor.create(collector, Duration.ofSeconds(1), 3);
        for (int i = 1; i <= 5; i++) {
            collector.documentsWritten(1, 0);
            clock.add(Duration.ofSeconds(1));
            small.sampleNow();
        }
        assertThat(small.snapshots()).extracting(PerformanceSnapshot::documentsWritten).containsExactly(3L, 4L, 5L);
        assertThat(small.droppedSnapshots()).isEqualTo(2);
        assertThat(small.latest().documentsWritten()).isEqualTo(5);
    }

    @Test
    void aFailingListenerDoesNotStopTheOthers() {
        List<PerformanceSnapshot> seen = new CopyOnWriteArrayList<>();
        monitor.addSnapshotListener(s -> {
            throw new IllegalStateException("boom");
        });
        monitor.addSnapshotListener(seen::add);
        monitor.sampleNow();
        monitor.sampleNow();
        assertThat(seen).hasSize(2);
    }

    @Test
    void samplesOnItsOwnThreadAndStopsCleanly() {
        MetricsCollector real = MetricsCollector.create(new SimpleMeterRegistry(), Clock.SYSTEM);
        List<String> threads = new CopyOnWriteArrayList<>();
        try (PerformanceMonitor fast = PerformanceMonitor.create(real, Duration.ofMillis(20))) {
            fast.addSnapshotListener(s -> threads.add(Thread.currentThread().getName()));
            fast.start().start();
            assertThat(fast.running()).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> fast.snapshots().size() >= 5);
            fast.stop();
            assertThat(fast.running()).isFalse();
            int size = fast.snapshots().size();
            sleep(100);
            assertThat(fast.snapshots()).hasSize(size);
            fast.stop(); // idempotent
        }
        assertThat(threads).isNotEmpty().allMatch("dataworks-monitor"::equals);
    }

    @Test
    void aListenerMayStopTheMonitor() {
        MetricsCollector real = MetricsCollector.create(new SimpleMeterRegistry(), Clock.SYSTEM);
        PerformanceMonitor fast = PerformanceMonitor.create(real, Duration.ofMillis(10));
        fast.addSnapshotListener(s -> fast.stop());
        fast.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> !fast.running());
        assertThat(fast.snapshots()).hasSize(1);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Issue 12 bug 4: an interval without a completed batch read as latency 0 and resolved the p99 alert. */
    @Test
    void aStallDoesNotResolveTheP99LatencyAlert() {
        monitor.addRule(AlertRule.p99LatencyAbove(100, Duration.ofSeconds(2))).addAlertCallback(alerts::add);
        for (int i = 0; i < 3; i++) {
            collector.batchWritten(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500));
            clock.add(Duration.ofSeconds(1));
            monitor.sampleNow();
        }
        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        for (int i = 0; i < 5; i++) { // the writes hang: no batch completes
            clock.add(Duration.ofSeconds(1));
            monitor.sampleNow();
        }
        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING);
        collector.batchWritten(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5));
        clock.add(Duration.ofSeconds(1));
        monitor.sampleNow();
        assertThat(alerts).extracting(Alert::state).containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
    }

    @Test
    void aStallAfterSlowBatchesKeepsCountingTowardsTheP99Alert() {
        monitor.addRule(AlertRule.p99LatencyAbove(100, Duration.ofSeconds(3))).addAlertCallback(alerts::add);
        collector.batchWritten(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500));
        clock.add(Duration.ofSeconds(1));
        monitor.sampleNow(); // slow: holding since now
        for (int i = 0; i < 3; i++) {
            clock.add(Duration.ofSeconds(1));
            monitor.sampleNow();
        }
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.state()).isEqualTo(Alert.State.FIRING);
            assertThat(a.message()).contains("no batch completed in the last 1 s");
        });
    }

    @Test
    void anIdleRunWithFastBatchesDoesNotFireTheP99Alert() {
        monitor.addRule(AlertRule.p99LatencyAbove(100, Duration.ofSeconds(1))).addAlertCallback(alerts::add);
        collector.batchWritten(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(5));
        for (int i = 0; i < 5; i++) {
            clock.add(Duration.ofSeconds(1));
            monitor.sampleNow();
        }
        assertThat(alerts).isEmpty();
    }
}
