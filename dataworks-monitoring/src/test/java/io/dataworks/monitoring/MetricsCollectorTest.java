package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsCollectorTest {

    private static final long MB = 1024 * 1024;

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicReference<Double> heap = new AtomicReference<>(100.0);
    private final MetricsCollector collector = MetricsCollector.create(registry, clock, heap::get);

    @Test
    void intervalAndOverallRatesFollowTheManualClock() {
        collector.documentsWritten(1_000, 10 * MB);
        clock.add(Duration.ofSeconds(10));
        PerformanceSnapshot first = collector.getCurrentPerformance();

        assertThat(first.elapsedSeconds()).isEqualTo(10.0);
        assertThat(first.intervalSeconds()).isEqualTo(10.0);
        assertThat(first.documentsPerSecond()).isEqualTo(100.0);
        assertThat(first.documentsPerSecondOverall()).isEqualTo(100.0);
        assertThat(first.mbPerSecond()).isEqualTo(1.0);

        collector.documentsWritten(500, 5 * MB);
        clock.add(Duration.ofSeconds(1));
        PerformanceSnapshot second = collector.getCurrentPerformance();

        assertThat(second.elapsedSeconds()).isEqualTo(11.0);
        assertThat(second.intervalSeconds()).isEqualTo(1.0);
        assertThat(second.documentsWritten()).isEqualTo(1_500);
        assertThat(second.documentsPerSecond()).isEqualTo(500.0);
        assertThat(second.documentsPerSecondOverall()).isCloseTo(1_500 / 11.0, within(1e-9));
        assertThat(second.mbPerSecond()).isEqualTo(5.0);
        assertThat(second.mbPerSecondOverall()).isCloseTo(15 / 11.0, within(1e-9));
        assertThat(second.timestamp()).isEqualTo(first.timestamp().plusSeconds(1));
    }

    @Test
    void latencyOfTheLastIntervalAndOfTheWholeRun() {
        for (int i = 0; i < 100; i++) {
            collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(5));
        }
        clock.add(Duration.ofSeconds(1));
        PerformanceSnapshot first = collector.getCurrentPerformance();
        for (int i = 0; i < 300; i++) {
            collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(50));
        }
        collector.batchRead(TimeUnit.MILLISECONDS.toNanos(2));
        clock.add(Duration.ofSeconds(1));
        PerformanceSnapshot second = collector.getCurrentPerformance();

        assertThat(first.intervalLatency().p99Millis()).isCloseTo(5.0, within(0.01));
        assertThat(second.intervalLatency().count()).isEqualTo(300);
        assertThat(second.intervalLatency().p50Millis()).isCloseTo(50.0, within(0.05));
        assertThat(second.overallLatency().count()).isEqualTo(400);
        assertThat(second.overallLatency().p50Millis()).isCloseTo(50.0, within(0.05));
        assertThat(second.overallLatency().p95Millis()).isCloseTo(50.0, within(0.05));
        // 100 of 400 at 5 ms: the 25th percentile and below
        assertThat(second.overallLatency().maxMillis()).isCloseTo(50.0, within(0.05));
        assertThat(second.intervalReadLatency().count()).isEqualTo(1);
        assertThat(second.intervalReadLatency().p50Millis()).isCloseTo(2.0, within(0.01));
    }

    @Test
    void errorRateIsPerIntervalAndOverall() {
        collector.documentsWritten(90, 0);
        collector.documentsFailed(10);
        clock.add(Duration.ofSeconds(1));
        PerformanceSnapshot first = collector.getCurrentPerformance();
        collector.documentsWritten(100, 0);
        clock.add(Duration.ofSeconds(1));
        PerformanceSnapshot second = collector.getCurrentPerformance();
        clock.add(Duration.ofSeconds(1));
        PerformanceSnapshot idle = collector.getCurrentPerformance();

        assertThat(first.errorRate()).isEqualTo(0.1);
        assertThat(second.errorRate()).isEqualTo(0.0);
        assertThat(second.errorRateOverall()).isEqualTo(0.05);
        assertThat(idle.errorRate()).isEqualTo(0.0);
        assertThat(idle.documentsPerSecond()).isEqualTo(0.0);
    }

    @Test
    void etaIsRemainingDocumentsAtTheOverallRate() {
        collector.total(1_000);
        collector.documentsWritten(200, 0);
        collector.documentsSkipped(40);
        collector.documentsFailed(10);
        clock.add(Duration.ofSeconds(10));
        PerformanceSnapshot s = collector.getCurrentPerformance();

        // done 250 in 10 s = 25/s, 750 left -> 30 s
        assertThat(s.documentsDone()).isEqualTo(250);
        assertThat(s.percentDone()).isEqualTo(25.0);
        assertThat(s.eta()).isEqualTo(Duration.ofSeconds(30));

        collector.documentsWritten(750, 0);
        clock.add(Duration.ofSeconds(5));
        PerformanceSnapshot done = collector.getCurrentPerformance();
        assertThat(done.percentDone()).isEqualTo(100.0);
        assertThat(done.eta()).isEqualTo(Duration.ZERO);
    }

    @Test
    void etaArithmeticEdgeCases() {
        assertThat(MetricsCollector.eta(0, 0)).isEqualTo(Duration.ZERO);
        assertThat(MetricsCollector.eta(100, 0)).isNull();
        assertThat(MetricsCollector.eta(100, 3)).isEqualTo(Duration.ofMillis(33_333));
        assertThat(MetricsCollector.eta(-5, 10)).isEqualTo(Duration.ZERO);
        assertThat(MetricsCollector.eta(3_600_000, 1_000)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void unknownTotalMeansNoPercentAndNoEta() {
        collector.documentsWritten(10, 0);
        clock.add(Duration.ofSeconds(1));
        PerformanceSnapshot s = collector.getCurrentPerformance();
        assertThat(s.total()).isEqualTo(-1);
        assertThat(s.totalKnown()).isFalse();
        assertThat(s.percentDone()).isNaN();
        assertThat(s.eta()).isNull();

        collector.addTotal(40);
        collector.addTotal(60);
        clock.add(Duration.ofSeconds(1));
        assertThat(collector.getCurrentPerformance().total()).isEqualTo(100);
        assertThat(collector.getCurrentPerformance().eta()).isEqualTo(Duration.ofSeconds(18));
    }

    @Test
    void etaBeforeAnythingHappenedIsUnknown() {
        collector.total(100);
        clock.add(Duration.ofSeconds(1));
        PerformanceSnapshot s = collector.getCurrentPerformance();
        assertThat(s.percentDone()).isEqualTo(0.0);
        assertThat(s.eta()).isNull();
    }

    @Test
    void retriesThrottlesGaugesAndHeap() {
        collector.retry("THROTTLED");
        collector.retry("THROTTLED");
        collector.retry("transient");
        for (int i = 0; i < 20; i++) {
            collector.throttled();
        }
        collector.gauge("concurrency", 8);
        collector.gauge("concurrency", 6);
        collector.gauge("followLagSeconds", 1.5);
        heap.set(300.0);
        clock.add(Duration.ofSeconds(2));
        PerformanceSnapshot s = collector.getCurrentPerformance();
        heap.set(120.0);
        clock.add(Duration.ofSeconds(2));
        PerformanceSnapshot later = collector.getCurrentPerformance();

        assertThat(s.retries()).isEqualTo(3);
        assertThat(s.retriesByKind()).containsExactly(Map.entry("throttled", 2L), Map.entry("transient", 1L));
        assertThat(s.throttles()).isEqualTo(20);
        assertThat(s.throttlesPerSecond()).isEqualTo(10.0);
        assertThat(later.throttlesPerSecond()).isEqualTo(0.0);
        assertThat(s.gauges()).containsExactly(Map.entry("concurrency", 6.0), Map.entry("followLagSeconds", 1.5));
        assertThat(s.heapUsedMb()).isEqualTo(300.0);
        assertThat(later.heapUsedMb()).isEqualTo(120.0);
        assertThat(later.peakHeapMb()).isEqualTo(300.0);
        assertThat(collector.peakHeapMb()).isEqualTo(300.0);
    }

    @Test
    void retryKindsAreTheSameWhateverTheirCase() {
        collector.retry("THROTTLED");
        collector.retry("throttled");
        collector.retry("Throttled");
        PerformanceSnapshot s = collector.getCurrentPerformance();
        assertThat(s.retriesByKind()).containsExactly(Map.entry("throttled", 3L));
        assertThat(registry.get("dataworks.retries").functionCounters()).hasSize(1);
    }

    @Test
    void namespacesAddToTheTotalsAndHaveTheirOwnTaggedMeters() {
        NamespaceMetrics orders = collector.forNamespace("shop.orders");
        NamespaceMetrics users = collector.forNamespace("shop.users");
        orders.documentsRead(100, 1_000);
        orders.documentsWritten(90, 900);
        orders.documentsFailed(4);
        orders.documentsSkipped(6);
        orders.batchWritten(TimeUnit.MILLISECONDS.toNanos(3));
        users.documentsWritten(10, 100);
        collector.documentsWritten(1, 1);

        assertThat(collector.forNamespace("shop.orders")).isSameAs(orders);
        assertThat(orders.counts()).isEqualTo(
                new NamespaceMetrics.Counts("shop.orders", 100, 90, 4, 6, 1_000, 900, 1));
        assertThat(collector.namespaces()).extracting(NamespaceMetrics::namespace)
                .containsExactly("shop.orders", "shop.users");
        PerformanceSnapshot s = collector.getCurrentPerformance();
        assertThat(s.documentsWritten()).isEqualTo(101);
        assertThat(s.bytesWritten()).isEqualTo(1_001);
        assertThat(s.documentsRead()).isEqualTo(100);
        assertThat(s.documentsFailed()).isEqualTo(4);
        assertThat(s.documentsSkipped()).isEqualTo(6);
        assertThat(s.overallLatency().count()).isEqualTo(1);

        assertThat(registry.get("dataworks.namespace.documents.written").tag("ns", "shop.orders")
                .functionCounter().count()).isEqualTo(90);
        assertThat(registry.get("dataworks.namespace.documents.written").tag("ns", "shop.users")
                .functionCounter().count()).isEqualTo(10);
        assertThat(registry.get("dataworks.namespace.batch.write.latency").tag("ns", "shop.orders")
                .functionTimer().count()).isEqualTo(1);
    }

    @Test
    void micrometerMetersReadTheSameCounters() {
        collector.documentsRead(7, 70);
        collector.documentsWritten(5, 50);
        collector.documentsFailed(2);
        collector.documentsSkipped(1);
        collector.retry("TRANSIENT");
        collector.throttled();
        collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(20));
        collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(40));
        collector.batchRead(TimeUnit.MILLISECONDS.toNanos(1));
        collector.total(99);
        collector.gauge("concurrency", 4);

        assertThat(count("dataworks.documents.read")).isEqualTo(7);
        assertThat(count("dataworks.documents.written")).isEqualTo(5);
        assertThat(count("dataworks.documents.failed")).isEqualTo(2);
        assertThat(count("dataworks.documents.skipped")).isEqualTo(1);
        assertThat(count("dataworks.bytes.read")).isEqualTo(70);
        assertThat(count("dataworks.bytes.written")).isEqualTo(50);
        assertThat(count("dataworks.throttled")).isEqualTo(1);
        assertThat(registry.get("dataworks.retries").tag("kind", "transient").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("dataworks.batches").tag("op", "write").functionCounter().count()).isEqualTo(2);
        assertThat(registry.get("dataworks.batches").tag("op", "read").functionCounter().count()).isEqualTo(1);
        FunctionTimer write = registry.get("dataworks.batch.write.latency").functionTimer();
        assertThat(write.count()).isEqualTo(2);
        assertThat(write.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(60.0);
        assertThat(registry.get("dataworks.documents.expected").gauge().value()).isEqualTo(99);
        assertThat(registry.get("dataworks.concurrency").gauge().value()).isEqualTo(4);

        clock.add(Duration.ofSeconds(1));
        collector.getCurrentPerformance();
        assertThat(registry.get("dataworks.batch.write.latency.interval").tag("quantile", "1.0").gauge().value())
                .isCloseTo(0.040, within(0.0001));
    }

    @Test
    void aLaterBoundRegistryGetsEveryMeterIncludingOnesAddedBefore() {
        collector.retry("THROTTLED");
        collector.forNamespace("a.b").documentsWritten(3, 30);
        SimpleMeterRegistry other = new SimpleMeterRegistry();
        collector.bindTo(other);
        collector.bindTo(other);
        collector.retry("TRANSIENT");
        collector.gauge("concurrency", 2);

        assertThat(other.get("dataworks.documents.written").functionCounter().count()).isEqualTo(3);
        assertThat(other.get("dataworks.retries").tag("kind", "throttled").functionCounter().count()).isEqualTo(1);
        assertThat(other.get("dataworks.retries").tag("kind", "transient").functionCounter().count()).isEqualTo(1);
        assertThat(other.get("dataworks.namespace.documents.written").tag("ns", "a.b").functionCounter().count())
                .isEqualTo(3);
        assertThat(other.get("dataworks.concurrency").gauge().value()).isEqualTo(2);
        assertThat(collector.boundRegistries()).containsExactly(registry, other);
    }

    private double count(String name) {
        FunctionCounter counter = registry.get(name).functionCounter();
        return counter.count();
    }
}
