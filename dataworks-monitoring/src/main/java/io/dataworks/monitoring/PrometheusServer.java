package io.dataworks.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --metrics-port} endpoint, on the JDK's HTTP server (all interfaces, one daemon thread):
 * <ul>
 *   <li>{@code GET /metrics}: the collector's meters in the Prometheus text format (0.0.4);</li>
 *   <li>{@code GET /health}: 200 {@code UP} while the run is healthy, 503 {@code DOWN: reason} otherwise;</li>
 *   <li>with an {@link Api}: {@code GET /api/v1/progress} (the {@link ProgressView} as JSON),
 *       {@code GET /api/v1/history} (the series the page draws) and the live page at {@code GET /}, served
 *       from the jar with uPlot from its webjar.</li>
 * </ul>
 * The meters come from the {@link PrometheusMeterRegistry} among the collector's registries (directly or
 * inside a {@link CompositeMeterRegistry}); when there is none, one is created and the collector bound to it.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusServer.class);
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String WEB = "/io/dataworks/monitoring/web/";
    private static final String UPLOT_VERSION = webjarVersion("uplot");

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final Supplier<Health> health;
    private final Api api;

    /** What the progress endpoints serve. */
    public interface Api {
        /** The answer of {@code /api/v1/progress}: the {@link ProgressView} as JSON, secrets masked. */
        String progressJson();

        /** The answer of {@code /api/v1/history}: JSON, columns of equal length, {@code t} in epoch seconds. */
        String historyJson();
    }

    private PrometheusServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
                             Supplier<Health> health, Api api) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.health = health;
        this.api = api;
    }

    /**
     * Starts serving on {@code port} (0: any free port, see {@link #port()}).
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static PrometheusServer start(int port, MetricsCollector collector, BooleanSupplier healthy) {
        Objects.requireNonNull(healthy, "healthy");
        return start(port, collector, () -> healthy.getAsBoolean() ? Health.UP : Health.down("the run failed"), null);
    }

    /**
     * Starts serving on {@code port} (0: any free port) with {@code /health} answering {@code health} and, when
     * {@code api} is not null, the progress API and the live page.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static PrometheusServer start(int port, MetricsCollector collector, Supplier<Health> health, Api api) {
        Objects.requireNonNull(collector, "collector");
        Objects.requireNonNull(health, "health");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metrics-port must be between 0 and 65535, got " + port);
        }
        PrometheusMeterRegistry registry = findPrometheus(collector).orElseGet(() -> {
            PrometheusMeterRegistry created = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            collector.bindTo(created);
            return created;
        });
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("--metrics-port " + port + ": cannot listen (" + e.getMessage() + ")", e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dataworks-prometheus");
            t.setDaemon(true);
            return t;
        });
        PrometheusServer prometheus = new PrometheusServer(server, executor, registry, health, api);
        server.createContext("/metrics", prometheus::metrics);
        server.createContext("/health", prometheus::health);
        server.createContext("/api/v1/", prometheus::api);
        server.createContext("/", prometheus::page);
        server.setExecutor(executor);
        server.start();
        LOG.info("Prometheus metrics on http://localhost:{}/metrics", prometheus.port());
        return prometheus;
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The registry served on {@code /metrics}. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** What {@code /metrics} answers now. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void metrics(HttpExchange exchange) throws IOException {
        if (!isRead(exchange)) {
            respond(exchange, 405, "text/plain; charset=utf-8", "use GET\n");
            return;
        }
        respond(exchange, 200, TEXT_FORMAT, registry.scrape());
    }

    private void health(HttpExchange exchange) throws IOException {
        Health now;
        try {
            now = health.get();
        } catch (RuntimeException e) {
            LOG.warn("health check failed", e);
            now = Health.down("the health check failed: " + e.getMessage());
        }
        respond(exchange, now.up() ? 200 : 503, TEXT, now.body() + "\n");
    }

    private void api(HttpExchange exchange) throws IOException {
        if (!isRead(exchange)) {
            respond(exchange, 405, TEXT, "use GET\n");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (api == null) {
            respond(exchange, 404, TEXT, "no progress API in this process\n");
        } else if (path.equals("/api/v1/progress")) {
            respond(exchange, 200, JSON, api.progressJson() + "\n");
        } else if (path.equals("/api/v1/history")) {
            respond(exchange, 200, JSON, api.historyJson() + "\n");
        } else {
            respond(exchange, 404, TEXT, "not found: try /api/v1/progress or /api/v1/history\n");
        }
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!isRead(exchange)) {
            respond(exchange, 405, TEXT, "use GET\n");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String resource = null;
        String type = null;
        if (api != null) {
            switch (path) {
                case "/", "/index.html" -> {
                    resource = WEB + "index.html";
                    type = "text/html; charset=utf-8";
                }
                case "/app.js" -> {
                    resource = WEB + "app.js";
                    type = "text/javascript; charset=utf-8";
                }
                case "/app.css" -> {
                    resource = WEB + "app.css";
                    type = "text/css; charset=utf-8";
                }
                case "/vendor/uPlot.iife.min.js" -> {
                    resource = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/uPlot.iife.min.js";
                    type = "text/javascript; charset=utf-8";
                }
                case "/vendor/uPlot.min.css" -> {
                    resource = "/META-INF/resources/webjars/uplot/" + UPLOT_VERSION + "/dist/uPlot.min.css";
                    type = "text/css; charset=utf-8";
                }
                default -> {
                }
            }
        }
        byte[] body = resource == null ? null : readResource(resource);
        if (body == null) {
            respond(exchange, 404, TEXT, "not found: try /, /api/v1/progress, /metrics or /health\n");
            return;
        }
        respond(exchange, 200, type, body);
    }

    private static byte[] readResource(String name) throws IOException {
        try (InputStream in = PrometheusServer.class.getResourceAsStream(name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** The version of a webjar on the class path, as the build recorded it in {@code web/versions.properties}. */
    static String webjarVersion(String artifact) {
        String name = WEB + "versions.properties";
        try (InputStream in = PrometheusServer.class.getResourceAsStream(name)) {
            if (in == null) {
                return "missing";
            }
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return p.getProperty(artifact, "missing");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static boolean isRead(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        respond(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] bytes)
            throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    static Optional<PrometheusMeterRegistry> findPrometheus(MetricsCollector collector) {
        for (MeterRegistry r : collector.boundRegistries()) {
            Optional<PrometheusMeterRegistry> found = findPrometheus(r);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<PrometheusMeterRegistry> findPrometheus(MeterRegistry registry) {
        if (registry instanceof PrometheusMeterRegistry prometheus) {
            return Optional.of(prometheus);
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry child : composite.getRegistries()) {
                Optional<PrometheusMeterRegistry> found = findPrometheus(child);
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }
}
