package io.dataworks.generators.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.testing.Chromium;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.generators.GenerationEngine;
import io.dataworks.generators.GenerationSettings;
import io.dataworks.generators.sink.MongoCollectionSink;
import io.dataworks.generators.template.TemplateGenerator;
import io.dataworks.monitoring.MonitoringOptions;
import io.dataworks.monitoring.MonitoringSession;
import io.dataworks.monitoring.RunProgress;
import reactor.core.Disposable;

/**
 * The live page in a real headless Chromium, loaded in the middle of a real generation into a throttled embedded
 * MongoDB: the progress API answers every second with rising numbers, and the page shows the run's progress bar and
 * charts. The screenshot stays in {@code target/dashboard/} as the test's artefact.
 */
class DashboardBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ARTEFACTS = Path.of("target", "dashboard");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void thePageShowsTheRunningGenerationWithBarsAndCharts() throws Exception {
        Optional<Chromium> chromium = Chromium.find(dir);
        Assumptions.assumeTrue(chromium.isPresent(), Chromium.missing());
        long total = 2_000_000; // far more than the budget lets through while the test looks: the run is mid-way
        try (EmbeddedMongo server = EmbeddedMongo.builder().writeBudget(4_000).retryAfterMs(20).start();
             MongoClient client = MongoClients.create(server.connectionString());
             MonitoringSession session = MonitoringSession.start(
                     MonitoringOptions.defaults("flexible-generator").withMetricsPort(0))) {
            MongoCollectionSink sink = MongoCollectionSink.create(
                    client.getDatabase("shop").getCollection("orders", RawBsonDocument.class),
                    "embedded shop.orders", true, RetryPolicy.of(RetryConfig.DEFAULTS));
            GenerationSettings settings = new GenerationSettings(
                    TemplateGenerator.compile(FlexibleGeneratorIT.TEMPLATE, "orders.json"), total, 7, 2, 250,
                    Duration.ofMillis(200), 2, sink);
            // what flexible-generator does with its session
            session.progress().state(RunProgress.State.COPYING)
                    .namespace("orders.json", sink.description()).documentsTotal(total).wholeRun();
            Disposable run = GenerationEngine.create(settings).run(session.collector()).subscribe();
            try {
                String base = "http://127.0.0.1:" + session.prometheusPort().getAsInt();
                List<JsonNode> answers = pollEverySecond(base, 4);
                for (JsonNode p : answers) {
                    assertThat(p.path("state").asText()).isEqualTo("copying");
                    assertThat(p.path("documentsTotal").asLong()).isEqualTo(total);
                    assertThat(p.path("etaSeconds").isNumber()).as("finite ETA mid-run: %s", p).isTrue();
                    assertThat(p.path("namespaces").get(0).path("target").asText()).isEqualTo("embedded shop.orders");
                }
                for (int i = 1; i < answers.size(); i++) {
                    assertThat(answers.get(i).path("percent").asDouble())
                            .isGreaterThanOrEqualTo(answers.get(i - 1).path("percent").asDouble());
                }
                long before = progress(base).path("documentsCopied").asLong();
                assertThat(before).isPositive();

                String dom = chromium.get().dumpDom(base + "/");
                long after = progress(base).path("documentsCopied").asLong();

                assertThat(dom).contains("data-ready=\"true\"").contains("data-state=\"copying\"");
                long shown = Long.parseLong(group(dom, "id=\"overall-text\">([\\d,]+) of 2,000,000 documents")
                        .replace(",", ""));
                assertThat(shown).isBetween(before, after);
                assertThat(group(dom, "id=\"percent\">([\\d.]+)%")).isNotEmpty();
                assertThat(dom).containsPattern("class=\"ns-row\" data-source=\"orders.json\" data-percent=\"[\\d.]+\"");
                for (String chart : List.of("chart-throughput", "chart-latency", "chart-throttled")) {
                    Matcher m = Pattern.compile("id=\"" + chart + "\" data-points=\"(\\d+)\"").matcher(dom);
                    assertThat(m.find()).as(chart + " has points").isTrue();
                    assertThat(Integer.parseInt(m.group(1))).as(chart).isPositive();
                }
                assertThat(dom).contains("<canvas");

                Files.createDirectories(ARTEFACTS);
                Path png = ARTEFACTS.toAbsolutePath().resolve("dashboard.png");
                Files.deleteIfExists(png);
                chromium.get().screenshot(base + "/", png);
                assertThat(png).exists();
                byte[] bytes = Files.readAllBytes(png);
                assertThat(bytes.length).isGreaterThan(20_000);
                assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
                Files.writeString(ARTEFACTS.resolve("dashboard.html"), dom);
            } finally {
                run.dispose();
            }
        }
    }

    private List<JsonNode> pollEverySecond(String base, int answers) throws Exception {
        List<JsonNode> seen = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (seen.size() < answers) {
            assertThat(System.nanoTime()).as("the run shows progress within 60 s").isLessThan(deadline);
            JsonNode p = progress(base);
            if (p.path("documentsCopied").asLong() > 0 && p.path("etaSeconds").isNumber()) {
                seen.add(p);
            }
            Thread.sleep(1_000);
        }
        return seen;
    }

    private JsonNode progress(String base) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/progress"))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static String group(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("page matches %s", regex).isTrue();
        return m.group(1);
    }

}
