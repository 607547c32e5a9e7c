package io.dataworks.monitoring;

import io.dataworks.monitoring.internal.ProgressHistory;
import io.dataworks.monitoring.internal.RunHealth;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a CLI needs to watch a run, in one object:
 *
 * <pre>{@code
 * try (MonitoringSession session = MonitoringSession.start(options)) {
 *     engine.run(session.collector(), session.progress()); // the engine records into both
 *     session.finish(RunReport.builder("flexible-migrate").seed(seed), reportPath); // summary on stderr, JSON to --report
 * }
 * }</pre>
 *
 * <p>Starting a session creates a {@link CompositeMeterRegistry} (a {@link SimpleMeterRegistry}, plus a
 * {@link PrometheusMeterRegistry} and its {@link PrometheusServer} when a port is given), a
 * {@link MetricsCollector} over it, a started {@link PerformanceMonitor} with the rules, a WARN log line
 * per alert, and the {@link ProgressReporter} when asked. Alerts are also listed in the report's
 * {@code details.alerts}.
 *
 * <p>With a port, the same server answers {@code /api/v1/progress} from {@link #progress()} (the
 * {@link RunProgress} the engine feeds), {@code /api/v1/history} (a bounded series for the page's charts) and
 * the live page at {@code /}; {@code /health} says DOWN with the reason once the run failed, when every write
 * failed over the last {@value #FAILING_WINDOW_SECONDS} s, or when nothing was written for the stall timeout
 * while copying.
 */
public final class MonitoringSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MonitoringSession.class);
    /** Snapshots kept when there is no {@code metricsOut}: the last hour at one per second. */
    static final int UNEXPORTED_MAX_SNAPSHOTS = 3_600;
    /** Points kept for the page's charts (the whole run, thinned as it grows). */
    static final int HISTORY_POINTS = 1_200;
    /** {@code /health} is DOWN when every write failed over this many seconds. */
    static final int FAILING_WINDOW_SECONDS = 10;

    private final MonitoringOptions options;
    private final CompositeMeterRegistry registry;
    private final MetricsCollector collector;
    private final PerformanceMonitor monitor;
    private final List<Alert> alerts = new ArrayList<>();
    private final RunProgress progressModel;
    private final ProgressHistory history = new ProgressHistory(HISTORY_POINTS);
    private final RunHealth runHealth;
    private final Map<String, java.util.concurrent.atomic.AtomicReference<Double>> namespacePercent =
            new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean healthy = true;
    private volatile String failureReason;
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
        this.progressModel = RunProgress.create(collector);
        this.runHealth = new RunHealth(clock, options.stallTimeout(), Duration.ofSeconds(FAILING_WINDOW_SECONDS));
        monitor.addSnapshotListener(this::onSnapshot);
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
                session.prometheus = PrometheusServer.start(options.metricsPort(), session.collector,
                        session::health, session.api());
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

    /**
     * What the engine feeds for {@code /api/v1/progress} and the page: stages, namespaces, follow lag, cut-over.
     * See {@link RunProgress}.
     */
    public RunProgress progress() {
        return progressModel;
    }

    /** The progress API's answer now. */
    public ProgressView progressView() {
        return progressModel.view(monitor.latest());
    }

    /** The progress API's answer now as JSON, through the options' secret masker. */
    public String progressJson() {
        return options.redact().apply(progressView().toJson());
    }

    /** Sets whether the run failed: {@code /health} answers 503 once false (e.g. the run failed). */
    public void healthy(boolean value) {
        this.healthy = value;
    }

    /** The run failed: {@code /health} answers {@code 503 DOWN: reason}, the progress state is {@code failed}. */
    public void failed(String reason) {
        failureReason = reason;
        healthy = false;
        progressModel.state(RunProgress.State.FAILED).lastError(reason);
    }

    public boolean healthy() {
        return health().up();
    }

    /**
     * What {@code /health} answers now: DOWN once the run was marked failed, when every write failed over the last
     * {@value #FAILING_WINDOW_SECONDS} seconds, or when no document was written for the stall timeout while copying.
     */
    public Health health() {
        if (!healthy) {
            return Health.down(failureReason == null ? "the run failed" : options.redact().apply(failureReason));
        }
        return runHealth.check(copying());
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
     * Ends the run as {@link #finish(RunReport.Builder)} does, then prints the human {@link RunSummary} to stderr and
     * writes the JSON report where {@code --report} says: a file, {@code -} for stdout, or nowhere when null. Both go
     * through the options' secret masker ({@link MonitoringOptions#redact()}).
     *
     * @throws java.io.UncheckedIOException when the report or {@code metricsOut} cannot be written
     */
    public RunReport finish(RunReport.Builder builder, Path report) {
        return finish(builder, report, System.err);
    }

    /** As {@link #finish(RunReport.Builder, Path)}, the summary going to {@code summaryOut}. */
    public RunReport finish(RunReport.Builder builder, Path report, PrintStream summaryOut) {
        PrintWriter stdout = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter summary = new PrintWriter(new OutputStreamWriter(summaryOut, StandardCharsets.UTF_8), true);
        return finish(builder, report, stdout, summary);
    }

    /**
     * As {@link #finish(RunReport.Builder, Path)}, for a CLI that prints through writers (picocli's {@code out} and
     * {@code err}): the report goes to {@code out} for {@code --report -}, the summary to {@code err}. When the report
     * file cannot be written, the summary says so and the {@link java.io.UncheckedIOException} is thrown after it.
     */
    public RunReport finish(RunReport.Builder builder, Path report, PrintWriter out, PrintWriter err) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(err, "err");
        RunReport built = finish(builder);
        ProgressView view = progressModel.view(monitor.latest());
        if (RunReport.isStdout(report)) {
            out.println(built.toJson(options.redact()));
            out.flush();
        } else if (report != null) {
            // the report file is written on a second thread while the summary is put together: both take tens of
            // milliseconds for a run of hundreds of collections, at the very end, where nothing else runs beside them
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> built.writeTo(report, options.redact()));
            String summary = RunSummary.format(built, view, report, null);
            RuntimeException writeFailure = null;
            try {
                written.join();
            } catch (CompletionException e) {
                writeFailure = e.getCause() instanceof RuntimeException cause ? cause : e;
                summary = RunSummary.format(built, view, report, String.valueOf(writeFailure.getMessage()));
            }
            err.print(options.redact().apply(summary));
            err.flush();
            if (writeFailure != null) {
                throw writeFailure;
            }
            return built;
        }
        err.print(options.redact().apply(RunSummary.format(built, view, report, null)));
        err.flush();
        return built;
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
            endState(built.status());
            if (options.metricsOut() != null) {
                MetricsExporter.write(options.metricsOut(), monitor.snapshots(), built);
                LOG.info("metrics written to {}", options.metricsOut());
            }
            lingerForTheLastPoll();
            return built;
        } finally {
            close();
        }
    }

    /**
     * With {@code --metrics-port}, the endpoints keep answering for {@link #FINAL_ANSWER_LINGER} after the run ended,
     * so that a script or page polling once a second sees the final state ({@code done} at 100 %, or {@code failed})
     * rather than a closed port.
     */
    private void lingerForTheLastPoll() {
        if (prometheus == null) {
            return;
        }
        try {
            Thread.sleep(FINAL_ANSWER_LINGER.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long the endpoints of {@code --metrics-port} answer after the run ended. */
    public static final java.time.Duration FINAL_ANSWER_LINGER = java.time.Duration.ofSeconds(2);

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

    private boolean copying() {
        return progressModel.shownState() == RunProgress.State.COPYING;
    }

    private void endState(String status) {
        RunProgress.State now = progressModel.state();
        if (now.terminal() && now != RunProgress.State.DONE) {
            return; // a failure or interruption already fed stays
        }
        progressModel.state(switch (status) {
            case RunReport.FAILED -> RunProgress.State.FAILED;
            case RunReport.INTERRUPTED -> RunProgress.State.INTERRUPTED;
            default -> RunProgress.State.DONE;
        });
    }

    private void onSnapshot(PerformanceSnapshot s) {
        ProgressView v = progressModel.view(s);
        runHealth.onSnapshot(s, copying());
        exportProgress(v, s);
        history.add(s.timestamp().toEpochMilli() / 1000.0,
                v.documentsPerSecond(), v.bytesPerSecond(),
                s.intervalLatency().count() == 0 ? Double.NaN : s.intervalLatency().p50Millis(),
                s.intervalLatency().count() == 0 ? Double.NaN : s.intervalLatency().p99Millis(),
                v.throttledPerSecond(),
                v.pacingRate() == null ? Double.NaN : v.pacingRate(),
                v.concurrencyLimit() == null ? Double.NaN : v.concurrencyLimit(),
                v.lagSeconds() == null ? Double.NaN : v.lagSeconds(),
                v.percent() == null ? Double.NaN : v.percent());
    }

    /**
     * The progress as meters too, for Prometheus and the Grafana dashboard: {@code dataworks.progressPercent},
     * {@code dataworks.etaSeconds}, {@code dataworks.canCutover} (0/1), {@code dataworks.deadLetters},
     * {@code dataworks.pacingRate} and {@code dataworks.concurrency} when fed, and
     * {@code dataworks.namespace.progress.percent{ns}}. Unknown values are NaN.
     */
    private void exportProgress(ProgressView v, PerformanceSnapshot s) {
        collector.gauge("progressPercent", v.percent() == null ? Double.NaN : v.percent());
        collector.gauge("etaSeconds", v.etaSeconds() == null ? Double.NaN : v.etaSeconds());
        collector.gauge("canCutover", v.canCutover() ? 1 : 0);
        collector.gauge("deadLetters", v.deadLetters());
        if (v.pacingRate() != null) {
            collector.gauge("pacingRate", v.pacingRate());
        }
        if (v.concurrencyLimit() != null && !s.gauges().containsKey("concurrency")) {
            collector.gauge("concurrency", v.concurrencyLimit());
        }
        for (ProgressView.Namespace ns : v.namespaces()) {
            namespacePercent.computeIfAbsent(ns.source(), source -> {
                java.util.concurrent.atomic.AtomicReference<Double> holder =
                        new java.util.concurrent.atomic.AtomicReference<>(Double.NaN);
                io.micrometer.core.instrument.Gauge.builder("dataworks.namespace.progress.percent", holder,
                                h -> h.get() == null ? Double.NaN : h.get())
                        .description("percent of the namespace's documents copied").tag("ns", source)
                        .strongReference(true).register(registry);
                return holder;
            }).set(ns.percent() == null ? Double.NaN : ns.percent());
        }
    }

    private PrometheusServer.Api api() {
        return new PrometheusServer.Api() {
            @Override
            public String progressJson() {
                return MonitoringSession.this.progressJson();
            }

            @Override
            public String historyJson() {
                return history.toJson();
            }
        };
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
