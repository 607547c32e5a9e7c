package io.dataworks.monitoring;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A realistic series of snapshots from a collector driven by a manual clock. */
final class TestSnapshots {

    private TestSnapshots() {
    }

    static List<PerformanceSnapshot> series(int count) {
        MockClock clock = new MockClock();
        double[] heap = {64.0};
        MetricsCollector collector = MetricsCollector.create(new SimpleMeterRegistry(), clock, () -> heap[0]);
        collector.total(count * 1_000L);
        List<PerformanceSnapshot> snapshots = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            collector.documentsRead(1_000, 1_234_567);
            collector.documentsWritten(990 - i, 1_200_000 + i);
            collector.documentsFailed(i % 3);
            collector.documentsSkipped(10 + i - i % 3);
            collector.retry(i % 2 == 0 ? "THROTTLED" : "TRANSIENT");
            if (i > 1) {
                collector.gauge("concurrency", 8 - i % 4);
            }
            for (int b = 0; b < 10; b++) {
                collector.batchWritten(TimeUnit.MICROSECONDS.toNanos(1_000 + 137L * b * i));
                collector.batchRead(TimeUnit.MICROSECONDS.toNanos(300 + 11L * b));
            }
            collector.throttled();
            heap[0] = 64.0 + i * 3.3;
            clock.add(Duration.ofMillis(1_000 + i * 7));
            snapshots.add(collector.getCurrentPerformance());
        }
        return snapshots;
    }

    static RunReport report(List<PerformanceSnapshot> snapshots) {
        return RunReport.builder("flexible-migrate")
                .fromSnapshot(snapshots.get(snapshots.size() - 1))
                .seed(42L)
                .verification(RunReport.Verification.of("match", 5_000, 5_000, 0).withMethod("count+hash"))
                .namespace(new RunReport.NamespaceReport("src.orders", "dst.orders", 4_900, 4, "sample"))
                .detail("deadLetter", "/tmp/dead.jsonl")
                .build();
    }
}
