package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Recording must not allocate: measured with the JVM's per-thread allocation counter
 * ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}) around a million rounds of every
 * hot-path call, after a warm-up that lets the JIT compile them.
 */
class HotPathAllocationTest {

    private static final int WARM_UP = 300_000;
    private static final int ROUNDS = 1_000_000;
    private static final int CALLS_PER_ROUND = 11;
    /** A round-trip of the counter itself costs a few hundred bytes at most; allow 64 KB for 11 million calls. */
    private static final long BUDGET_BYTES = 64 * 1024;

    private static volatile Object sink;

    private com.sun.management.ThreadMXBean threads;

    @BeforeEach
    void allocationCounter() {
        assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean,
                "this JVM has no per-thread allocation counter");
        threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "per-thread allocation counter not supported");
        threads.setThreadAllocatedMemoryEnabled(true);
    }

    @Test
    void recordingDocumentsLatenciesRetriesAndGaugesAllocatesNothing() {
        MetricsCollector collector = MetricsCollector.create();
        NamespaceMetrics ns = collector.forNamespace("shop.orders");
        collector.total(1_000_000_000L);

        record(collector, ns, WARM_UP);
        collector.getCurrentPerformance();
        long bytes = allocatedBy(() -> record(collector, ns, ROUNDS));

        double perCall = (double) bytes / ((long) ROUNDS * CALLS_PER_ROUND);
        System.out.printf("hot path: %d bytes allocated over %,d calls (%.6f bytes/call)%n",
                bytes, (long) ROUNDS * CALLS_PER_ROUND, perCall);
        assertThat(bytes).as("bytes allocated by %,d hot-path calls", (long) ROUNDS * CALLS_PER_ROUND)
                .isLessThan(BUDGET_BYTES);
        // and nothing was lost meanwhile
        assertThat(collector.getCurrentPerformance().overallLatency().count()).isEqualTo((long) WARM_UP + ROUNDS);
    }

    @Test
    void theCounterDoesSeeAllocations() {
        long bytes = allocatedBy(() -> {
            for (int i = 0; i < 1_000; i++) {
                sink = new byte[1_024];
            }
        });
        assertThat(bytes).isGreaterThanOrEqualTo(1_000L * 1_024);
    }

    private long allocatedBy(Runnable work) {
        long id = Thread.currentThread().getId();
        threads.getThreadAllocatedBytes(id); // first call may set things up
        long before = threads.getThreadAllocatedBytes(id);
        work.run();
        return threads.getThreadAllocatedBytes(id) - before;
    }

    private static void record(MetricsCollector c, NamespaceMetrics ns, int rounds) {
        for (int i = 0; i < rounds; i++) {
            c.documentsRead(100, 12_345);
            c.documentsWritten(100, 12_345);
            c.documentsFailed(i & 1);
            c.documentsSkipped(i & 1);
            c.retry("THROTTLED");
            c.throttled();
            c.batchWritten(TimeUnit.MICROSECONDS.toNanos(500 + (i & 8191)));
            c.batchRead(TimeUnit.MICROSECONDS.toNanos(200 + (i & 1023)));
            c.gauge("concurrency", i & 15);
            ns.documentsWritten(100, 12_345);
            ns.documentsFailed(i & 1);
        }
    }
}
