package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataworks.monitoring.internal.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** grafana/dataworks.json parses, and every metric it queries is one a run serves on /metrics. */
class GrafanaDashboardIT {

    private static final Path DASHBOARD = Path.of("grafana", "dataworks.json");

    @Test
    void everyQueriedMetricIsServed() throws Exception {
        JsonNode dashboard = Json.mapper().readTree(Files.readString(DASHBOARD));
        assertThat(dashboard.path("title").asText()).isEqualTo("DataWorks run");
        Set<String> queried = new TreeSet<>();
        Set<String> titles = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText());
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                Matcher m = Pattern.compile("dataworks_[A-Za-z0-9_]+").matcher(target.path("expr").asText());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        // the page's panels
        assertThat(titles).contains("Progress", "ETA", "Namespaces", "Throughput (documents/s)",
                "Write latency p50 / p99", "Throttled requests/s", "Pacing rate / concurrency limit", "Follow lag",
                "Ready to cut over", "Errors and dead letters");

        Set<String> served = new TreeSet<>();
        try (MonitoringSession session = MonitoringSession.start(MonitoringOptions.defaults("flexible-migrate")
                .withMetricsPort(0).withInterval(Duration.ofHours(1)))) {
            // what a migration records
            MetricsCollector c = session.collector();
            c.total(100);
            c.forNamespace("shop.orders").documentsWritten(10, 1_000);
            c.forNamespace("shop.orders").batchWritten(TimeUnit.MILLISECONDS.toNanos(3));
            c.documentsFailed(1);
            c.throttled();
            c.retry("THROTTLED");
            c.gauge("followLagSeconds", 2.5);
            c.gauge("followPendingEvents", 4);
            session.progress().namespace("shop.orders", "dst.orders").documentsTotal(100);
            session.progress().pacingRate(500).concurrencyLimit(8).deadLetters(1);
            session.monitor().sampleNow();
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + session.prometheusPort().getAsInt() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            for (String line : metrics.body().split("\n")) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    served.add(line.split("[{ ]", 2)[0]);
                }
            }
            assertThat(metrics.body()).contains("dataworks_namespace_progress_percent{ns=\"shop.orders\"} 10.0");
        }
        assertThat(queried).hasSizeGreaterThan(10);
        assertThat(served).as("metrics served").containsAll(queried);
    }
}
