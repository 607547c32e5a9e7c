package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.dataworks.core.cli.Cli;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.testing.Fill;

/**
 * A migration of four collections into a throttling target (a Cosmos DB-like RU budget), watched as a script would: the progress API on
 * --metrics-port answers throughout with the documented fields, its percent never goes back and reaches 100, and the
 * ETA is a number while copying; and the live page, loaded mid-run in headless Chromium, shows the four namespaces'
 * bars and charts with points (the screenshot stays in {@code target/dashboard/migration.png}).
 */
class ProgressApiMigrationIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theProgressApiFollowsAMigrationOfFourCollectionsToOneHundredPercent() throws Exception {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             // a Cosmos DB-like budget of about 3,000 documents/s: the copy takes ~10 s whatever the CPU, and throttles
             EmbeddedMongo target = EmbeddedMongo.builder()
                     .cosmosBudget(io.dataworks.core.embedded.CosmosRequestUnits.insertBudget(3000)).start()) {
            for (String name : List.of("orders", "customers", "invoices", "parts")) {
                Fill.orders(source.connectionString(), "shop", name, 0, 8000);
            }
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            // throttled requests wait the budget out: allow more attempts than the default 10
            Files.writeString(dir.resolve("none.env"), "FRAMEWORK_RETRY_MAX_ATTEMPTS=200\n");
            String[] args = {"--source-uri", source.connectionString(), "--source-db", "shop", "--target-uri", target.connectionString(),
                    "--checkpoint-dir", dir.resolve("cp").toString(), "--no-progress", "--env-file", dir.resolve("none.env").toString(),
                    "--metrics-port", String.valueOf(port), "--batch-size", "200", "--insert-workers", "2"};
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() ->
                    Cli.run(new FlexibleMigrate(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args));

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/progress"))
                    .timeout(Duration.ofSeconds(5)).build();
            List<JsonNode> answers = new ArrayList<>();
            java.util.Optional<io.dataworks.core.testing.Chromium> chromium = io.dataworks.core.testing.Chromium.find(dir);
            String dom = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!run.isDone() && System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        JsonNode answer = JSON.readTree(response.body());
                        answers.add(answer);
                        double percent = answer.path("percent").asDouble();
                        if (dom == null && chromium.isPresent() && "copying".equals(answer.path("state").asText())
                                && percent > 5 && percent < 70) {
                            String page = "http://127.0.0.1:" + port + "/";
                            dom = chromium.get().dumpDom(page);
                            chromium.get().screenshot(page, Path.of("target", "dashboard", "migration.png"));
                        }
                    }
                } catch (java.io.IOException notYetListening) {
                    // the port opens once the run has connected
                }
                Thread.sleep(100);
            }
            assertThat(run.get(120, TimeUnit.SECONDS)).isZero();

            List<JsonNode> copying = answers.stream().filter(a -> "copying".equals(a.path("state").asText())).toList();
            assertThat(copying).as("answers while copying").hasSizeGreaterThanOrEqualTo(3);
            for (JsonNode a : answers) {
                assertThat(a.has("percent") && a.has("documentsCopied") && a.has("documentsTotal") && a.has("documentsPerSecond")
                        && a.has("bytesPerSecond") && a.has("throttledPerSecond") && a.has("errors") && a.has("namespaces"))
                        .as("documented fields in %s", a).isTrue();
            }
            double last = -1;
            for (JsonNode a : answers) {
                double percent = a.path("percent").asDouble();
                assertThat(percent).as("percent never goes back").isGreaterThanOrEqualTo(last);
                last = percent;
            }
            assertThat(copying.stream().filter(a -> a.path("percent").asDouble() > 0 && a.path("percent").asDouble() < 100)
                    .anyMatch(a -> a.path("etaSeconds").isNumber())).as("a finite ETA mid-run").isTrue();
            JsonNode lastCopying = copying.get(copying.size() - 1);
            assertThat(lastCopying.path("namespaces")).hasSize(4);
            JsonNode end = answers.get(answers.size() - 1);
            assertThat(end.path("state").asText()).as("the last answer, in the port's linger after the end: %s", end).isEqualTo("done");
            assertThat(end.path("percent").asDouble()).isEqualTo(100.0);
            assertThat(end.path("documentsCopied").asLong()).isEqualTo(32_000);
            assertThat(end.path("throttledPerSecond").isNumber()).isTrue();

            org.junit.jupiter.api.Assumptions.assumeTrue(chromium.isPresent(), io.dataworks.core.testing.Chromium.missing());
            assertThat(dom).as("the page was loaded mid-run").isNotNull();
            assertThat(dom).contains("data-ready=\"true\"").contains("data-state=\"copying\"").contains("<canvas");
            for (String name : List.of("orders", "customers", "invoices", "parts")) {
                assertThat(dom).containsPattern("class=\"ns-row\" data-source=\"shop." + name + "\" data-percent=\"[\\d.]+\"");
            }
            assertThat(dom).containsPattern("id=\"chart-throughput\" data-points=\"[1-9]\\d*\"");
            byte[] png = Files.readAllBytes(Path.of("target", "dashboard", "migration.png"));
            assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }
}
