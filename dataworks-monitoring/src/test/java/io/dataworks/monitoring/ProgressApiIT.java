package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataworks.monitoring.internal.Json;
import io.micrometer.core.instrument.MockClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The progress API, the page's files and the truthful /health over real HTTP, one port. */
class ProgressApiIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MockClock clock = new MockClock();

    private HttpResponse<String> get(MonitoringSession session, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + session.prometheusPort().getAsInt() + path))
                .timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private MonitoringSession session() {
        return MonitoringSession.start(MonitoringOptions.defaults("flexible-migrate").withMetricsPort(0)
                .withInterval(Duration.ofHours(1)).withStallTimeout(Duration.ofSeconds(60)), clock);
    }

    private void second(MonitoringSession session) {
        clock.add(Duration.ofSeconds(1));
        session.monitor().sampleNow();
    }

    @Test
    void servesProgressHistoryThePageAndUplotOnTheMetricsPort() throws Exception {
        try (MonitoringSession session = session()) {
            RunProgress progress = session.progress();
            RunProgress.NamespaceProgress ns = progress.namespace("src.orders", "dst.orders").documentsTotal(1_000);
            progress.state(RunProgress.State.COPYING);
            for (int i = 0; i < 3; i++) {
                session.collector().forNamespace("src.orders").documentsWritten(100, 10_000);
                session.collector().batchWritten(5_000_000);
                second(session);
            }
            HttpResponse<String> api = get(session, "/api/v1/progress");
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(api.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            JsonNode p = Json.mapper().readTree(api.body());
            assertThat(p.get("state").asText()).isEqualTo("copying");
            assertThat(p.get("percent").asDouble()).isEqualTo(30.0);
            assertThat(p.get("documentsCopied").asLong()).isEqualTo(300);
            assertThat(p.get("etaSeconds").isNumber()).isTrue();
            assertThat(p.get("namespaces").get(0).get("target").asText()).isEqualTo("dst.orders");

            JsonNode h = Json.mapper().readTree(get(session, "/api/v1/history").body());
            assertThat(h.get("t")).hasSize(3);
            assertThat(h.get("documentsPerSecond").get(2).asDouble()).isEqualTo(100.0);
            assertThat(h.get("latencyP99Millis").get(2).asDouble()).isBetween(5.0, 5.01); // HdrHistogram: 0.1 %

            HttpResponse<String> page = get(session, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<title>DataWorks run</title>").contains("vendor/uPlot.iife.min.js");
            assertThat(get(session, "/app.js").body()).contains("api/v1/progress");
            HttpResponse<String> uplot = get(session, "/vendor/uPlot.iife.min.js");
            assertThat(uplot.statusCode()).isEqualTo(200);
            assertThat(uplot.body()).contains("uPlot");
            assertThat(get(session, "/nothing-here").statusCode()).isEqualTo(404);
            assertThat(get(session, "/health").body()).isEqualTo("UP\n");
            ns.copyDone();
        }
    }

    @Test
    void healthIsDownWithTheReasonWhenEveryWriteFails() throws Exception {
        try (MonitoringSession session = session()) {
            session.progress().state(RunProgress.State.COPYING);
            session.collector().documentsWritten(500, 5_000);
            second(session);
            assertThat(get(session, "/health").statusCode()).isEqualTo(200);
            for (int i = 0; i < 3; i++) { // the target died: every batch fails
                session.collector().documentsFailed(100);
                second(session);
            }
            HttpResponse<String> health = get(session, "/health");
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).startsWith("DOWN: every write failed in the last 3 s (300 documents failed, none written)");

            session.collector().documentsWritten(10, 100); // it came back
            second(session);
            assertThat(get(session, "/health").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void healthIsDownWhenNothingIsWrittenForTheStallTimeoutWhileCopying() throws Exception {
        try (MonitoringSession session = session()) {
            clock.add(Duration.ofMinutes(10)); // a long plan is no stall
            session.progress().state(RunProgress.State.COPYING);
            second(session);
            assertThat(get(session, "/health").statusCode()).isEqualTo(200);
            session.collector().documentsWritten(100, 1_000);
            second(session);
            clock.add(Duration.ofSeconds(59));
            second(session); // 60 s since the last document: at the limit, not over it
            assertThat(get(session, "/health").statusCode()).isEqualTo(200);
            clock.add(Duration.ofSeconds(2));
            HttpResponse<String> stalled = get(session, "/health");
            assertThat(stalled.statusCode()).isEqualTo(503);
            assertThat(stalled.body()).startsWith("DOWN: stalled: no document written for 62 s (stall timeout 60 s)");

            session.progress().state(RunProgress.State.VERIFYING); // verification writes nothing: not a stall
            assertThat(get(session, "/health").statusCode()).isEqualTo(200);
            session.failed("retries exhausted writing to dst.orders");
            HttpResponse<String> failed = get(session, "/health");
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.body()).isEqualTo("DOWN: retries exhausted writing to dst.orders\n");
            assertThat(Json.mapper().readTree(get(session, "/api/v1/progress").body()).get("state").asText())
                    .isEqualTo("failed");
        }
    }
}
