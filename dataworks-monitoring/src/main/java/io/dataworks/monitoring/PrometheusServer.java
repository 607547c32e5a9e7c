package io.dataworks.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --metrics-port} endpoint, on the JDK's HTTP server (all interfaces, one daemon thread):
 * <ul>
 *   <li>{@code GET /metrics}: the collector's meters in the Prometheus text format (0.0.4);</li>
 *   <li>{@code GET /health}: 200 {@code UP} while {@code healthy} says so, 503 {@code DOWN} otherwise.</li>
 * </ul>
 * The meters come from the {@link PrometheusMeterRegistry} among the collector's registries (directly or
 * inside a {@link CompositeMeterRegistry}); when there is none, one is created and the collector bound to it.
 */
public final class PrometheusServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrometheusServer.class);
    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final BooleanSupplier healthy;

    private PrometheusServer(HttpServer server, ExecutorService executor, PrometheusMeterRegistry registry,
                             BooleanSupplier healthy) {
        this.server = server;
        this.executor = executor;
        this.registry = registry;
        this.healthy = healthy;
    }

    /**
     * Starts serving on {@code port} (0: any free port, see {@link #port()}).
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static PrometheusServer start(int port, MetricsCollector collector, BooleanSupplier healthy) {
        Objects.requireNonNull(collector, "collector");
        Objects.requireNonNull(healthy, "healthy");
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
        PrometheusServer prometheus = new PrometheusServer(server, executor, registry, healthy);
        server.createContext("/metrics", prometheus::metrics);
        server.createContext("/health", prometheus::health);
        server.createContext("/", exchange -> respond(exchange, 404, "text/plain; charset=utf-8",
                "not found: try /metrics or /health\n"));
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
        boolean up;
        try {
            up = healthy.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("health check failed", e);
            up = false;
        }
        respond(exchange, up ? 200 : 503, "text/plain; charset=utf-8", up ? "UP\n" : "DOWN\n");
    }

    private static boolean isRead(HttpExchange exchange) {
        String method = exchange.getRequestMethod();
        return "GET".equals(method) || "HEAD".equals(method);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body)
            throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
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
