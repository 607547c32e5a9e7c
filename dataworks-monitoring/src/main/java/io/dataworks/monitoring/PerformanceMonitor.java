package io.dataworks.monitoring;

import io.dataworks.monitoring.internal.AlertEvaluator;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a {@link PerformanceSnapshot} every interval on its own daemon thread, keeps the series,
 * evaluates the {@link AlertRule}s and tells listeners.
 *
 * <p>The series is bounded: it keeps the last {@value #DEFAULT_MAX_SNAPSHOTS} snapshots by default
 * (about 28 hours at one per second; a snapshot takes about 1 KB, so up to ~100 MB), dropping the oldest
 * beyond that. A {@link MonitoringSession} without {@code metricsOut} keeps only the last 3,600.
 *
 * <p>Thread-safety: all methods may be called from any thread. Sampling is serialized; listeners and
 * alert callbacks run on the sampling thread, in snapshot order, and should return quickly. An
 * exception thrown by a listener is logged and does not stop the monitor.
 */
public final class PerformanceMonitor implements AutoCloseable {

    /** Default bound of the snapshot series. */
    public static final int DEFAULT_MAX_SNAPSHOTS = 100_000;
    /** Default sampling interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(PerformanceMonitor.class);

    private final MetricsCollector collector;
    private final Duration interval;
    private final int maxSnapshots;
    private final List<Consumer<Alert>> alertCallbacks = new CopyOnWriteArrayList<>();
    private final List<Consumer<PerformanceSnapshot>> snapshotListeners = new CopyOnWriteArrayList<>();

    private final Object sampleLock = new Object();
    private final ArrayDeque<PerformanceSnapshot> series = new ArrayDeque<>();
    private final AlertEvaluator evaluator = new AlertEvaluator();
    private long dropped;

    private ScheduledExecutorService scheduler;
    private volatile Thread samplingThread;

    private PerformanceMonitor(MetricsCollector collector, Duration interval, int maxSnapshots) {
        this.collector = Objects.requireNonNull(collector, "collector");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        if (maxSnapshots < 1) {
            throw new IllegalArgumentException("maxSnapshots must be at least 1, got " + maxSnapshots);
        }
        this.maxSnapshots = maxSnapshots;
    }

    /** A monitor that samples {@code collector} every {@code interval} once started. */
    public static PerformanceMonitor create(MetricsCollector collector, Duration interval) {
        return create(collector, interval, DEFAULT_MAX_SNAPSHOTS);
    }

    /** As {@link #create(MetricsCollector, Duration)}, keeping at most {@code maxSnapshots} snapshots. */
    public static PerformanceMonitor create(MetricsCollector collector, Duration interval, int maxSnapshots) {
        return new PerformanceMonitor(collector, interval, maxSnapshots);
    }

    /** Starts sampling every interval; the first sample is taken one interval from now. Idempotent. */
    public synchronized PerformanceMonitor start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread t = new Thread(runnable, "dataworks-monitor");
                t.setDaemon(true);
                samplingThread = t;
                return t;
            });
            long nanos = interval.toNanos();
            scheduler.scheduleAtFixedRate(this::tick, nanos, nanos, TimeUnit.NANOSECONDS);
        }
        return this;
    }

    /**
     * Stops sampling and waits for a sample in progress to finish. Idempotent; the series, rules and
     * listeners stay, and {@link #sampleNow()} still works.
     */
    public void stop() {
        ScheduledExecutorService s;
        synchronized (this) {
            s = scheduler;
            scheduler = null;
        }
        if (s == null) {
            return;
        }
        s.shutdown(); // cancels the periodic task; a sample in progress finishes, uninterrupted
        if (Thread.currentThread() == samplingThread) {
            return; // stopped from a listener: do not wait for ourselves
        }
        try {
            if (!s.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("monitor thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** True between {@link #start()} and {@link #stop()}. */
    public synchronized boolean running() {
        return scheduler != null;
    }

    /** Takes a snapshot now (closing the collector's interval), records it, evaluates rules, notifies. */
    public PerformanceSnapshot sampleNow() {
        synchronized (sampleLock) {
            PerformanceSnapshot snapshot = collector.getCurrentPerformance();
            if (series.size() >= maxSnapshots) {
                series.removeFirst();
                if (dropped++ == 0) {
                    LOG.warn("more than {} snapshots: keeping only the most recent ones", maxSnapshots);
                }
            }
            series.addLast(snapshot);
            List<Alert> alerts = evaluator.evaluate(snapshot);
            for (Consumer<PerformanceSnapshot> listener : snapshotListeners) {
                notify(listener, snapshot, "snapshot listener");
            }
            for (Alert alert : alerts) {
                for (Consumer<Alert> callback : alertCallbacks) {
                    notify(callback, alert, "alert callback");
                }
            }
            return snapshot;
        }
    }

    /** The snapshots taken so far, oldest first (at most the bound given at creation). */
    public List<PerformanceSnapshot> snapshots() {
        synchronized (sampleLock) {
            return List.copyOf(series);
        }
    }

    /** How many old snapshots were dropped to keep the series bounded. */
    public long droppedSnapshots() {
        synchronized (sampleLock) {
            return dropped;
        }
    }

    /** The most recent snapshot, or null before the first. */
    public PerformanceSnapshot latest() {
        synchronized (sampleLock) {
            return series.peekLast();
        }
    }

    public PerformanceMonitor addAlertCallback(Consumer<Alert> callback) {
        alertCallbacks.add(Objects.requireNonNull(callback, "callback"));
        return this;
    }

    public PerformanceMonitor addSnapshotListener(Consumer<PerformanceSnapshot> listener) {
        snapshotListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    public PerformanceMonitor removeSnapshotListener(Consumer<PerformanceSnapshot> listener) {
        snapshotListeners.remove(listener);
        return this;
    }

    public PerformanceMonitor addRule(AlertRule rule) {
        synchronized (sampleLock) {
            evaluator.add(rule);
        }
        return this;
    }

    public List<AlertRule> rules() {
        synchronized (sampleLock) {
            return evaluator.rules();
        }
    }

    public MetricsCollector collector() {
        return collector;
    }

    public Duration interval() {
        return interval;
    }

    private void tick() {
        try {
            sampleNow();
        } catch (RuntimeException e) {
            // A failing sample must not cancel the schedule (scheduleAtFixedRate stops on an exception).
            LOG.warn("taking a performance snapshot failed", e);
        }
    }

    private static <T> void notify(Consumer<T> consumer, T value, String what) {
        try {
            consumer.accept(value);
        } catch (RuntimeException e) {
            LOG.warn("{} failed", what, e);
        }
    }
}
