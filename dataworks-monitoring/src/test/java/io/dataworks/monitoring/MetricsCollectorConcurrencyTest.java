package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Eight writers hammer one collector while a ninth thread keeps taking snapshots: nothing is lost. */
class MetricsCollectorConcurrencyTest {

    private static final int THREADS = 8;
    private static final int ITERATIONS = 100_000;
    private static final String[] KINDS = {"THROTTLED", "TRANSIENT", "DUPLICATE_KEY"};

    @Test
    void totalsAddUpExactlyUnderConcurrentWriters() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        MetricsCollector collector = MetricsCollector.create(registry, io.micrometer.core.instrument.Clock.SYSTEM);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean writing = new AtomicBoolean(true);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    NamespaceMetrics ns = collector.forNamespace("db.coll" + (thread % 2));
                    await(start);
                    for (int i = 0; i < ITERATIONS; i++) {
                        ns.documentsWritten(1, 10);
                        collector.documentsRead(2, 20);
                        if (i % 100 == 0) {
                            ns.documentsFailed(1);
                        }
                        collector.documentsSkipped(i & 1);
                        collector.retry(KINDS[i % 3]);
                        collector.throttled();
                        ns.batchWritten(TimeUnit.MICROSECONDS.toNanos(100 + (i & 4095)));
                        collector.batchRead(TimeUnit.MICROSECONDS.toNanos(50));
                        collector.gauge("concurrency", thread);
                    }
                    return null;
                }));
            }
            Future<List<PerformanceSnapshot>> sampler = pool.submit(() -> {
                List<PerformanceSnapshot> taken = new ArrayList<>();
                await(start);
                while (writing.get()) {
                    taken.add(collector.getCurrentPerformance());
                    Thread.sleep(1);
                }
                return taken;
            });
            start.countDown();
            for (Future<?> w : writers) {
                w.get(60, TimeUnit.SECONDS);
            }
            writing.set(false);
            List<PerformanceSnapshot> snapshots = new ArrayList<>(sampler.get(10, TimeUnit.SECONDS));
            PerformanceSnapshot last = collector.getCurrentPerformance();
            snapshots.add(last);

            long n = (long) THREADS * ITERATIONS;
            assertThat(last.documentsWritten()).isEqualTo(n);
            assertThat(last.bytesWritten()).isEqualTo(10 * n);
            assertThat(last.documentsRead()).isEqualTo(2 * n);
            assertThat(last.bytesRead()).isEqualTo(20 * n);
            assertThat(last.documentsFailed()).isEqualTo(THREADS * (ITERATIONS / 100));
            assertThat(last.documentsSkipped()).isEqualTo(n / 2);
            assertThat(last.throttles()).isEqualTo(n);
            assertThat(last.retries()).isEqualTo(n);
            long perKind = (long) THREADS * ((ITERATIONS + 2) / 3);
            assertThat(last.retriesByKind()).containsEntry("throttled", perKind);
            assertThat(last.retriesByKind().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(n);
            assertThat(last.overallLatency().count()).isEqualTo(n);
            assertThat(last.overallReadLatency().count()).isEqualTo(n);
            // every latency lands in exactly one interval
            assertThat(snapshots.stream().mapToLong(s -> s.intervalLatency().count()).sum()).isEqualTo(n);
            assertThat(snapshots).extracting(PerformanceSnapshot::documentsWritten).isSorted();
            assertThat(last.gauges()).containsOnlyKeys("concurrency");

            assertThat(collector.namespaces()).extracting(m -> m.counts().documentsWritten())
                    .containsExactly(n / 2, n / 2);
            assertThat(collector.namespaces().stream().mapToLong(m -> m.counts().batchesWritten()).sum()).isEqualTo(n);
            assertThat(registry.get("dataworks.documents.written").functionCounter().count()).isEqualTo((double) n);
            assertThat(registry.get("dataworks.batch.write.latency").functionTimer().count()).isEqualTo((double) n);
        } finally {
            writing.set(false);
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
