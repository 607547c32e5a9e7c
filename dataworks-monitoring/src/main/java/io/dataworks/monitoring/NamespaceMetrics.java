package io.dataworks.monitoring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of one namespace ({@code db.collection}), from {@link MetricsCollector#forNamespace(String)}.
 * Everything recorded here also counts in the collector's totals (and its latency percentiles).
 * Thread-safe and allocation-free like the collector; keep the instance rather than looking it up per call.
 */
public final class NamespaceMetrics {

    private final String namespace;
    private final MetricsCollector totals;
    private final LongAdder documentsRead = new LongAdder();
    private final LongAdder documentsWritten = new LongAdder();
    private final LongAdder documentsFailed = new LongAdder();
    private final LongAdder documentsSkipped = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder writeBatches = new LongAdder();
    private final LongAdder writeLatencyNanos = new LongAdder();

    /** What one namespace has done so far. */
    public record Counts(String namespace, long documentsRead, long documentsWritten, long documentsFailed,
                         long documentsSkipped, long bytesRead, long bytesWritten, long batchesWritten) {
    }

    NamespaceMetrics(String namespace, MetricsCollector totals) {
        this.namespace = namespace;
        this.totals = totals;
    }

    public String namespace() {
        return namespace;
    }

    public void documentsRead(long docs, long bytes) {
        documentsRead.add(docs);
        bytesRead.add(bytes);
        totals.documentsRead(docs, bytes);
    }

    public void documentsWritten(long docs, long bytes) {
        documentsWritten.add(docs);
        bytesWritten.add(bytes);
        totals.documentsWritten(docs, bytes);
    }

    public void documentsFailed(long docs) {
        documentsFailed.add(docs);
        totals.documentsFailed(docs);
    }

    public void documentsSkipped(long docs) {
        documentsSkipped.add(docs);
        totals.documentsSkipped(docs);
    }

    /** One batch of this namespace was written; counted here and in the collector's latency figures. */
    public void batchWritten(long latencyNanos) {
        writeBatches.increment();
        writeLatencyNanos.add(latencyNanos);
        totals.batchWritten(latencyNanos);
    }

    /** One batch of this namespace was read; counted in the collector's read latency figures. */
    public void batchRead(long latencyNanos) {
        totals.batchRead(latencyNanos);
    }

    public Counts counts() {
        return new Counts(namespace, documentsRead.sum(), documentsWritten.sum(), documentsFailed.sum(),
                documentsSkipped.sum(), bytesRead.sum(), bytesWritten.sum(), writeBatches.sum());
    }

    void registerIn(MeterRegistry r) {
        counter(r, "dataworks.namespace.documents.read", documentsRead);
        counter(r, "dataworks.namespace.documents.written", documentsWritten);
        counter(r, "dataworks.namespace.documents.failed", documentsFailed);
        counter(r, "dataworks.namespace.documents.skipped", documentsSkipped);
        counter(r, "dataworks.namespace.bytes.read", bytesRead);
        counter(r, "dataworks.namespace.bytes.written", bytesWritten);
        FunctionTimer.builder("dataworks.namespace.batch.write.latency", this, m -> m.writeBatches.sum(),
                        m -> m.writeLatencyNanos.doubleValue(), TimeUnit.NANOSECONDS)
                .description("time to write one batch of this namespace").tag("ns", namespace).register(r);
    }

    private void counter(MeterRegistry r, String name, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue).tag("ns", namespace).register(r);
    }

    @Override
    public String toString() {
        return "NamespaceMetrics[" + namespace + "]";
    }
}
