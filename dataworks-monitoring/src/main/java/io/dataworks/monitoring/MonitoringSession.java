package io.dataworks.monitoring;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a CLI needs to watch a run, in one object:
 *
 * <pre>{@code
 * try (MonitoringSession session = MonitoringSession.start(options)) {
 *     engine.run(session.collector());                  // the engine records into the collector
 *     RunReport report = session.finish(RunReport.builder("flexible-migrate").seed(seed));
 *     System.out.println(report.toJson());
 * }
 * }</pre>
 *
 * <p>Starting a session creates a {@link CompositeMeterRegistry} (a {@link SimpleMeterRegistry}, plus a
 * {@link PrometheusMeterRegistry} and its {@link PrometheusServer} when a port is given), a
 * {@link MetricsCollector} over it, a started {@link PerformanceMonitor} with the rules, a WARN log line
 * per alert, and the {@link ProgressReporter} when asked. Alerts are also listed in the report's
 * {@code details.alerts}.
 */
public final class MonitoringSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringSession.class);
    /** Snapshots kept when there is no {@code metricsOut}: the last hour at one per second. */
    static final int UNEXPORTED_MAX_SNAPSHOTS = 3_600;

    private final MonitoringOptions options;
    private final CompositeMeterRegistry registry;
    private final MetricsCollector collector;
    private final PerformanceMonitor monitor;
    private final List<Alert> alerts = new ArrayList<>();
    private volatile boolean healthy = true;
    private volatile ProgressReporter progress;
    private volatile RunReport report;
    private PrometheusServer prometheus;
    private boolean finished;
    private boolean closed;

    private MonitoringSession(MonitoringOptions options, Clock clock) {
        this.options = options;
        this.registry = new CompositeMeterRegistry(clock);
        registry.add(new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock));
        if (options.metricsPort() != null) {
            registry.add(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock));
        }
        this.collector = MetricsCollector.create(registry, clock);
        // Without --metrics-out nobody reads the whole series: keep an hour's worth, not a day's.
        this.monitor = PerformanceMonitor.create(collector, options.interval(),
                options.metricsOut() != null ? PerformanceMonitor.DEFAULT_MAX_SNAPSHOTS : UNEXPORTED_MAX_SNAPSHOTS);
        options.rules().forEach(monitor::addRule);
        monitor.addAlertCallback(this::onAlert);
    }

    /** Starts monitoring with the system clock. */
    public static MonitoringSession start(MonitoringOptions options) {
        return start(options, Clock.SYSTEM);
    }

    /** Starts monitoring; every time figure comes from {@code clock}. */
    public static MonitoringSession start(MonitoringOptions options, Clock clock) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(clock, "clock");
        MonitoringSession session = new MonitoringSession(options, clock);
        try {
            if (options.metricsPort() != null) {
                session.prometheus = PrometheusServer.start(options.metricsPort(), session.collector, session::healthy);
            }
            if (options.progress()) {
                session.progress = ProgressReporter.attach(session.monitor);
            }
            session.monitor.start();
            return session;
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public MetricsCollector collector() {
        return collector;
    }

    public PerformanceMonitor monitor() {
        return monitor;
    }

    public MonitoringOptions options() {
        return options;
    }

    /** Sets what {@code /health} answers: 200 while true, 503 once false (e.g. the run failed). */
    public void healthy(boolean value) {
        this.healthy = value;
    }

    public boolean healthy() {
        return healthy;
    }

    /** The bound Prometheus port, when {@code metricsPort} was given. */
    public OptionalInt prometheusPort() {
        PrometheusServer server = prometheus;
        return server == null ? OptionalInt.empty() : OptionalInt.of(server.port());
    }

    /**
     * The snapshot series so far and, once {@link #finish} has run, the report, in {@code json} or {@code csv}
     * (see {@link MetricsExporter}); works during and after the run.
     */
    public String exportMetrics(String format) {
        return MetricsExporter.export(format, monitor.snapshots(), report);
    }

    /** The report returned by {@link #finish}, or null before. */
    public RunReport report() {
        return report;
    }

    /** The alerts seen so far, in order. */
    public synchronized List<Alert> alerts() {
        return List.copyOf(alerts);
    }

    /**
     * Ends the run: stops sampling, takes the final snapshot (the progress line shows it), fills the
     * builder's counters, rates, latency and peak heap from it (overriding what the builder held),
     * adds the alerts to {@code details.alerts}, writes {@code metricsOut} when given, stops everything
     * and returns the report. Call once.
     *
     * @throws java.io.UncheckedIOException when {@code metricsOut} cannot be written (everything is stopped anyway)
     */
    public RunReport finish(RunReport.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        synchronized (this) {
            if (finished) {
                throw new IllegalStateException("finish() was already called");
            }
            finished = true;
        }
        try {
            monitor.stop();
            PerformanceSnapshot last = monitor.sampleNow();
            builder.fromSnapshot(last).peakHeapMb(collector.peakHeapMb());
            List<Alert> seen = alerts();
            if (!seen.isEmpty()) {
                builder.detail("alerts", seen.stream().map(MonitoringSession::alertDetail).toList());
            }
            RunReport built = builder.build();
            report = built;
            if (options.metricsOut() != null) {
                MetricsExporter.write(options.metricsOut(), monitor.snapshots(), built);
                LOG.info("metrics written to {}", options.metricsOut());
            }
            return built;
        } finally {
            close();
        }
    }

    /** Stops progress, monitor and Prometheus; idempotent. Prefer {@link #finish} at the end of a run. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        monitor.stop();
        if (progress != null) {
            progress.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
        registry.close();
    }

    private void onAlert(Alert alert) {
        synchronized (this) {
            alerts.add(alert);
        }
        ProgressReporter line = progress;
        if (line != null) {
            line.clearLine();
        }
        LOG.warn("{}", alert.message());
    }

    private static Map<String, Object> alertDetail(Alert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", a.at().toString());
        m.put("state", a.state().name());
        m.put("rule", a.rule().description());
        m.put("value", a.value());
        m.put("message", a.message());
        return m;
    }
}
