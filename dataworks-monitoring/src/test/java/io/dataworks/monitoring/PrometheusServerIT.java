package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Clock;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Prometheus endpoint over real HTTP. */
class PrometheusServerIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HttpResponse<String> get(int port, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheCollectorsCountersAndHealth() throws Exception {
        MetricsCollector collector = MetricsCollector.create(); // a SimpleMeterRegistry: the server adds Prometheus
        AtomicBoolean healthy = new AtomicBoolean(true);
        try (PrometheusServer server = PrometheusServer.start(0, collector, healthy::get)) {
            assertThat(server.port()).isPositive();
            collector.forNamespace("shop.orders").documentsWritten(1_234, 56_789);
            collector.documentsRead(1_300, 60_000);
            collector.retry("THROTTLED");
            collector.throttled();
            collector.batchWritten(TimeUnit.MILLISECONDS.toNanos(15));
            collector.gauge("concurrency", 12);
            collector.getCurrentPerformance();

            HttpResponse<String> metrics = get(server.port(), "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("text/plain; version=0.0.4"));
            assertThat(metrics.body())
                    .contains("dataworks_documents_written_total 1234.0")
                    .contains("dataworks_documents_read_total 1300.0")
                    .contains("dataworks_bytes_written_total 56789.0")
                    .contains("dataworks_retries_total{kind=\"throttled\"} 1.0")
                    .contains("dataworks_throttled_total 1.0")
                    .contains("dataworks_namespace_documents_written_total{ns=\"shop.orders\"} 1234.0")
                    .contains("dataworks_batch_write_latency_seconds_count 1")
                    .contains("dataworks_batch_write_latency_interval_seconds{quantile=\"0.99\"} 0.015")
                    .contains("dataworks_concurrency 12.0");

            // new meters after the server started are served too
            collector.retry("TRANSIENT");
            assertThat(get(server.port(), "/metrics").body()).contains("dataworks_retries_total{kind=\"transient\"} 1.0");

            HttpResponse<String> up = get(server.port(), "/health");
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).isEqualTo("UP\n");
            healthy.set(false);
            HttpResponse<String> down = get(server.port(), "/health");
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).isEqualTo("DOWN: the run failed\n");

            assertThat(get(server.port(), "/").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aSessionWithAPortServesItsMetricsUntilFinished() throws Exception {
        Path out = dir.resolve("metrics.json");
        MonitoringSession session = MonitoringSession.start(MonitoringOptions.defaults("flexible-migrate")
                .withMetricsPort(0).withMetricsOut(out).withInterval(Duration.ofMillis(50)), Clock.SYSTEM);
        int port = session.prometheusPort().orElseThrow();
        session.collector().documentsWritten(42, 4_200);

        assertThat(get(port, "/metrics").body()).contains("dataworks_documents_written_total 42.0");
        assertThat(get(port, "/health").statusCode()).isEqualTo(200);
        session.healthy(false);
        assertThat(get(port, "/health").statusCode()).isEqualTo(503);

        RunReport report = session.finish(RunReport.builder("flexible-migrate").status(RunReport.FAILED));
        assertThat(report.documentsWritten()).isEqualTo(42);
        assertThat(MetricsExporter.read(out).summary()).isEqualTo(report);
        assertThatThrownBy(() -> get(port, "/health")).isInstanceOf(java.io.IOException.class);
    }

    @Test
    void aBusyPortIsReportedWithTheFlag() {
        MetricsCollector collector = MetricsCollector.create();
        try (PrometheusServer first = PrometheusServer.start(0, collector, () -> true)) {
            assertThatThrownBy(() -> PrometheusServer.start(first.port(), collector, () -> true))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("--metrics-port " + first.port());
        }
    }
}
