package io.dataworks.monitoring;

import io.dataworks.monitoring.internal.LatencyRecorder;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Counts what a run does and turns it into {@link PerformanceSnapshot}s.
 *
 * <p>Thread-safety: every recording method ({@code documentsWritten}, {@code batchWritten},
 * {@code retry}...) may be called from any number of threads at once; they only add to
 * {@link LongAdder}s and to a wait-free HdrHistogram recorder, so they neither lock nor allocate
 * (a new retry kind, gauge name or namespace allocates once, the first time it is seen).
 * {@link #getCurrentPerformance()} is synchronized and closes the current interval: call it from one
 * place (normally the {@link PerformanceMonitor}).
 *
 * <p>Meters: the counters are Micrometer {@link FunctionCounter}s / {@link FunctionTimer}s reading the
 * same adders, registered in {@link #registry()} and in every registry passed to {@link #bindTo}:
 * {@code dataworks.documents.read|written|failed|skipped}, {@code dataworks.bytes.read|written},
 * {@code dataworks.retries{kind}}, {@code dataworks.throttled}, {@code dataworks.batches{op=read|write}},
 * {@code dataworks.batch.read|write.latency} (count and total time), the gauges
 * {@code dataworks.batch.read|write.latency.interval{quantile=0.5|0.95|0.99|1.0}} (seconds, from the
 * last snapshot), {@code dataworks.documents.expected}, {@code dataworks.<name>} for {@link #gauge},
 * and per namespace {@code dataworks.namespace.documents.*}, {@code dataworks.namespace.bytes.*},
 * {@code dataworks.namespace.batch.write.latency} tagged {@code ns}. Per-namespace meters have their own
 * names because Prometheus refuses one name with two label sets. Use one collector per registry: Micrometer
 * hands a second collector the first one's meters.
 *
 * <p>Recording methods do not check their arguments (they are on the hot path); counts are expected to
 * be non-negative.
 */
public final class MetricsCollector implements MeterBinder {

    private static final double NANOS_PER_SECOND = 1e9;
    private static final double[] QUANTILES = {0.5, 0.95, 0.99, 1.0};

    private final MeterRegistry registry;
    private final Clock clock;
    private final DoubleSupplier heapUsedMb;
    private final long startNanos;

    private final LongAdder documentsRead = new LongAdder();
    private final LongAdder documentsWritten = new LongAdder();
    private final LongAdder documentsFailed = new LongAdder();
    private final LongAdder documentsSkipped = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder bytesWritten = new LongAdder();
    private final LongAdder throttled = new LongAdder();
    private final LongAdder throttledDocuments = new LongAdder();
    private final LongAdder readBatches = new LongAdder();
    private final LongAdder writeBatches = new LongAdder();
    private final LongAdder readLatencyNanos = new LongAdder();
    private final LongAdder writeLatencyNanos = new LongAdder();
    private final LatencyRecorder readLatency = new LatencyRecorder();
    private final LatencyRecorder writeLatency = new LatencyRecorder();
    /** Retry counters by normalised (lower-case) kind: what snapshots and meters show. */
    private final ConcurrentHashMap<String, LongAdder> retries = new ConcurrentHashMap<>();
    /** The same counters by the kind exactly as callers spell it, so the hot path does no case folding. */
    private final ConcurrentHashMap<String, LongAdder> retriesAsGiven = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, GaugeValue> gauges = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, NamespaceMetrics> namespaces = new ConcurrentHashMap<>();
    private volatile long total = -1;

    /** Every registry the meters live in; guarded by itself when meters are added. */
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    // Interval state, guarded by "this".
    private long lastNanos;
    private long lastWritten;
    private long lastFailed;
    private long lastBytesWritten;
    private long lastThrottles;
    private double peakHeapMb;
    private volatile PerformanceSnapshot lastSnapshot;

    private MetricsCollector(MeterRegistry registry, Clock clock, DoubleSupplier heapUsedMb) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.heapUsedMb = Objects.requireNonNull(heapUsedMb, "heapUsedMb");
        this.startNanos = clock.monotonicTime();
        this.lastNanos = startNanos;
        bindTo(registry);
    }

    /** A collector over a fresh {@link SimpleMeterRegistry} and the system clock. */
    public static MetricsCollector create() {
        return create(new SimpleMeterRegistry(), Clock.SYSTEM);
    }

    /** A collector whose meters live in {@code registry}, timed by {@code clock}. */
    public static MetricsCollector create(MeterRegistry registry, Clock clock) {
        return create(registry, clock, MetricsCollector::jvmHeapUsedMb);
    }

    /** As {@link #create(MeterRegistry, Clock)}, with the heap reading supplied (tests, heap alerts). */
    public static MetricsCollector create(MeterRegistry registry, Clock clock, DoubleSupplier heapUsedMb) {
        return new MetricsCollector(registry, clock, heapUsedMb);
    }

    // ---------------------------------------------------------------- hot path: no locks, no allocation

    /** {@code docs} documents ({@code bytes} bytes) were read from the source. */
    public void documentsRead(long docs, long bytes) {
        documentsRead.add(docs);
        bytesRead.add(bytes);
    }

    /** {@code docs} documents ({@code bytes} bytes) were acknowledged by the target / sink. */
    public void documentsWritten(long docs, long bytes) {
        documentsWritten.add(docs);
        bytesWritten.add(bytes);
    }

    /** {@code docs} documents could not be written (after retries). */
    public void documentsFailed(long docs) {
        documentsFailed.add(docs);
    }

    /** {@code docs} documents were deliberately not written (already there, filtered out...). */
    public void documentsSkipped(long docs) {
        documentsSkipped.add(docs);
    }

    /**
     * One retry of the given kind (e.g. {@code ErrorKind.name()}); kinds are shown in lower case
     * ({@code throttled}, {@code transient}), so {@code THROTTLED} and {@code throttled} are the same kind.
     */
    public void retry(String kind) {
        LongAdder adder = retriesAsGiven.get(kind);
        if (adder == null) {
            adder = newRetryKind(kind);
        }
        adder.increment();
    }

    /** {@code documents} documents of a request were refused for lack of capacity (a whole request, or part of a bulk one). */
    public void throttledDocuments(long documents) {
        throttledDocuments.add(documents);
    }

    /** Documents refused for lack of capacity since the start (a request counts once in {@code throttled}). */
    public long throttledDocuments() {
        return throttledDocuments.sum();
    }

    /** Requests refused for lack of capacity since the start (what {@link #throttled()} counted). */
    public long throttledRequests() {
        return throttled.sum();
    }

    /** Retries since the start per kind, lower case, sorted; a read that leaves the interval state alone. */
    public Map<String, Long> retriesByKind() {
        Map<String, Long> out = new TreeMap<>();
        retries.forEach((kind, n) -> out.put(kind, n.sum()));
        return out;
    }

    /** The server refused one request for lack of capacity (e.g. Cosmos DB 16500). */
    public void throttled() {
        throttled.increment();
    }

    /** One batch was written in {@code latencyNanos}. */
    public void batchWritten(long latencyNanos) {
        writeBatches.increment();
        writeLatencyNanos.add(latencyNanos);
        writeLatency.recordNanos(latencyNanos);
    }

    /** One batch was read in {@code latencyNanos}. */
    public void batchRead(long latencyNanos) {
        readBatches.increment();
        readLatencyNanos.add(latencyNanos);
        readLatency.recordNanos(latencyNanos);
    }

    /** The run will deal with {@code totalDocuments} documents in all (progress and ETA); -1 = unknown. */
    public void total(long totalDocuments) {
        this.total = totalDocuments < 0 ? -1 : totalDocuments;
    }

    /** Adds to the expected total (e.g. one namespace at a time); an unknown total starts from 0. */
    public synchronized void addTotal(long documents) {
        long current = total;
        total = (current < 0 ? 0 : current) + documents;
    }

    /**
     * Sets a named gauge ({@code concurrency}, {@code followLagSeconds}...); shown in snapshots and exported
     * as {@code dataworks.<name>}.
     */
    public void gauge(String name, double value) {
        GaugeValue holder = gauges.get(name);
        if (holder == null) {
            holder = newGauge(name);
        }
        holder.value = value;
    }

    /** The meters of one namespace ({@code db.collection}); what they record also counts in the totals. */
    public NamespaceMetrics forNamespace(String ns) {
        NamespaceMetrics metrics = namespaces.get(ns);
        return metrics != null ? metrics : newNamespace(ns);
    }

    // ---------------------------------------------------------------- snapshots

    /**
     * A snapshot of now; closes the current interval (the next snapshot's interval starts here).
     * Thread-safe, but call it from one place or the intervals get short.
     */
    public synchronized PerformanceSnapshot getCurrentPerformance() {
        long now = clock.monotonicTime();
        Instant timestamp = Instant.ofEpochMilli(clock.wallTime());
        double elapsed = Math.max(0, now - startNanos) / NANOS_PER_SECOND;
        double interval = Math.max(0, now - lastNanos) / NANOS_PER_SECOND;

        long read = documentsRead.sum();
        long written = documentsWritten.sum();
        long failed = documentsFailed.sum();
        long skipped = documentsSkipped.sum();
        long bRead = bytesRead.sum();
        long bWritten = bytesWritten.sum();
        long throttles = throttled.sum();
        Map<String, Long> retriesByKind = new TreeMap<>();
        long retryTotal = 0;
        for (Map.Entry<String, LongAdder> e : retries.entrySet()) {
            long n = e.getValue().sum();
            retriesByKind.put(e.getKey(), n);
            retryTotal += n;
        }
        Map<String, Double> gaugeValues = new TreeMap<>();
        gauges.forEach((name, holder) -> gaugeValues.put(name, holder.value));

        LatencyRecorder.Sample writeSample = writeLatency.sample();
        LatencyRecorder.Sample readSample = readLatency.sample();

        long writtenDelta = written - lastWritten;
        long failedDelta = failed - lastFailed;
        double docsPerSecond = rate(writtenDelta, interval);
        double mbPerSecond = rate(bWritten - lastBytesWritten, interval) / PerformanceSnapshot.BYTES_PER_MB;
        double throttlesPerSecond = rate(throttles - lastThrottles, interval);

        double heap = heapUsedMb.getAsDouble();
        peakHeapMb = Math.max(peakHeapMb, heap);

        long expected = total;
        long done = written + failed + skipped;
        double percentDone = Double.NaN;
        Duration eta = null;
        if (expected >= 0) {
            percentDone = expected == 0 ? 100.0 : Math.min(100.0, done * 100.0 / expected);
            eta = eta(expected - done, rate(done, elapsed));
        }

        PerformanceSnapshot snapshot = new PerformanceSnapshot(
                timestamp, elapsed, read, written, failed, skipped, bRead, bWritten,
                docsPerSecond, rate(written, elapsed),
                mbPerSecond, rate(bWritten, elapsed) / PerformanceSnapshot.BYTES_PER_MB,
                ratio(failedDelta, writtenDelta + failedDelta), retryTotal, throttles,
                writeSample.interval(), writeSample.cumulative(), heap, expected, percentDone, eta, gaugeValues,
                interval, ratio(failed, written + failed), throttlesPerSecond, peakHeapMb,
                readSample.interval(), readSample.cumulative(), retriesByKind);

        lastNanos = now;
        lastWritten = written;
        lastFailed = failed;
        lastBytesWritten = bWritten;
        lastThrottles = throttles;
        lastSnapshot = snapshot;
        return snapshot;
    }

    /** The snapshot taken last, or null before the first one. */
    public PerformanceSnapshot lastSnapshot() {
        return lastSnapshot;
    }

    /** Highest heap reading of all snapshots so far, in MB. */
    public synchronized double peakHeapMb() {
        return peakHeapMb;
    }

    /** The namespaces seen so far, in the order of their names. */
    public List<NamespaceMetrics> namespaces() {
        List<NamespaceMetrics> list = new ArrayList<>(namespaces.values());
        list.sort((a, b) -> a.namespace().compareTo(b.namespace()));
        return Collections.unmodifiableList(list);
    }

    /** The registry given at creation. */
    public MeterRegistry registry() {
        return registry;
    }

    /** The clock every time figure comes from. */
    public Clock clock() {
        return clock;
    }

    /**
     * Registers this collector's meters in another registry as well (e.g. a Prometheus registry created
     * later); meters added afterwards (new namespaces, retry kinds, gauges) go to every bound registry.
     */
    @Override
    public void bindTo(MeterRegistry other) {
        Objects.requireNonNull(other, "registry");
        synchronized (registries) {
            for (MeterRegistry r : registries) {
                if (r == other) {
                    return;
                }
            }
            registries.add(other);
            registerBase(other);
            retries.forEach((kind, adder) -> registerRetry(other, kind, adder));
            gauges.forEach((name, holder) -> registerGauge(other, name, holder));
            namespaces.values().forEach(ns -> ns.registerIn(other));
        }
    }

    /** Every registry the meters are registered in (the creation one first). */
    public Collection<MeterRegistry> boundRegistries() {
        return Collections.unmodifiableList(registries);
    }

    // ---------------------------------------------------------------- internals

    private static double rate(long amount, double seconds) {
        return seconds > 0 ? amount / seconds : 0.0;
    }

    private static double ratio(long part, long whole) {
        return whole > 0 ? (double) part / whole : 0.0;
    }

    static Duration eta(long remaining, double perSecond) {
        if (remaining <= 0) {
            return Duration.ZERO;
        }
        if (!(perSecond > 0)) {
            return null;
        }
        return Duration.ofMillis(Math.round(remaining / perSecond * 1000.0));
    }

    private static double jvmHeapUsedMb() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / PerformanceSnapshot.BYTES_PER_MB;
    }

    private LongAdder newRetryKind(String kind) {
        Objects.requireNonNull(kind, "kind");
        String normalised = kind.trim().toLowerCase(Locale.ROOT);
        synchronized (registries) {
            LongAdder adder = retries.get(normalised);
            if (adder == null) {
                adder = new LongAdder();
                retries.put(normalised, adder);
                for (MeterRegistry r : registries) {
                    registerRetry(r, normalised, adder);
                }
            }
            retriesAsGiven.put(kind, adder);
            return adder;
        }
    }

    private GaugeValue newGauge(String name) {
        Objects.requireNonNull(name, "name");
        synchronized (registries) {
            GaugeValue holder = gauges.get(name);
            if (holder == null) {
                holder = new GaugeValue();
                gauges.put(name, holder);
                for (MeterRegistry r : registries) {
                    registerGauge(r, name, holder);
                }
            }
            return holder;
        }
    }

    private NamespaceMetrics newNamespace(String ns) {
        Objects.requireNonNull(ns, "ns");
        synchronized (registries) {
            NamespaceMetrics metrics = namespaces.get(ns);
            if (metrics == null) {
                metrics = new NamespaceMetrics(ns, this);
                namespaces.put(ns, metrics);
                for (MeterRegistry r : registries) {
                    metrics.registerIn(r);
                }
            }
            return metrics;
        }
    }

    private void registerBase(MeterRegistry r) {
        counter(r, "dataworks.documents.read", "documents read from the source", documentsRead);
        counter(r, "dataworks.documents.written", "documents acknowledged by the target", documentsWritten);
        counter(r, "dataworks.documents.failed", "documents that could not be written", documentsFailed);
        counter(r, "dataworks.documents.skipped", "documents deliberately not written", documentsSkipped);
        counter(r, "dataworks.bytes.read", "BSON bytes read from the source", bytesRead);
        counter(r, "dataworks.bytes.written", "BSON bytes acknowledged by the target", bytesWritten);
        counter(r, "dataworks.throttled", "requests the server refused for lack of capacity", throttled);
        counter(r, "dataworks.throttled.documents", "documents the server refused for lack of capacity", throttledDocuments);
        FunctionCounter.builder("dataworks.batches", readBatches, LongAdder::doubleValue)
                .description("batches read or written").tag("op", "read").register(r);
        FunctionCounter.builder("dataworks.batches", writeBatches, LongAdder::doubleValue)
                .description("batches read or written").tag("op", "write").register(r);
        FunctionTimer.builder("dataworks.batch.read.latency", this, c -> c.readBatches.sum(),
                        c -> c.readLatencyNanos.doubleValue(), TimeUnit.NANOSECONDS)
                .description("time to read one batch from the source").register(r);
        FunctionTimer.builder("dataworks.batch.write.latency", this, c -> c.writeBatches.sum(),
                        c -> c.writeLatencyNanos.doubleValue(), TimeUnit.NANOSECONDS)
                .description("time to write one batch to the target").register(r);
        for (double q : QUANTILES) {
            latencyGauge(r, "dataworks.batch.write.latency.interval", q, s -> s.intervalLatency());
            latencyGauge(r, "dataworks.batch.read.latency.interval", q, s -> s.intervalReadLatency());
        }
        Gauge.builder("dataworks.documents.expected", this, c -> c.total)
                .description("documents the run expects to deal with, -1 when unknown").register(r);
    }

    private void latencyGauge(MeterRegistry r, String name, double quantile,
                              java.util.function.Function<PerformanceSnapshot, LatencyStats> which) {
        ToDoubleFunction<MetricsCollector> value = c -> {
            PerformanceSnapshot s = c.lastSnapshot;
            if (s == null) {
                return 0.0;
            }
            LatencyStats l = which.apply(s);
            double millis = quantile == 0.5 ? l.p50Millis()
                    : quantile == 0.95 ? l.p95Millis()
                    : quantile == 0.99 ? l.p99Millis() : l.maxMillis();
            return Math.round(millis * 1000.0) / 1e6; // whole microseconds, as recorded, in seconds
        };
        Gauge.builder(name, this, value)
                .description("batch latency percentile over the last monitoring interval")
                .baseUnit("seconds")
                .tag("quantile", Double.toString(quantile))
                .register(r);
    }

    private static void counter(MeterRegistry r, String name, String description, LongAdder adder) {
        FunctionCounter.builder(name, adder, LongAdder::doubleValue).description(description).register(r);
    }

    private static void registerRetry(MeterRegistry r, String kind, LongAdder adder) {
        FunctionCounter.builder("dataworks.retries", adder, LongAdder::doubleValue)
                .description("retried operations by error kind").tag("kind", kind).register(r);
    }

    private static void registerGauge(MeterRegistry r, String name, GaugeValue holder) {
        Gauge.builder("dataworks." + name, holder, h -> h.value).strongReference(true).register(r);
    }

    private static final class GaugeValue {
        volatile double value;
    }
}
