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
 * A migration of four collections into a throttling target, watched as a script would: the progress API on
 * --metrics-port answers throughout with the documented fields, its percent never goes back and reaches 100, and the
 * ETA is a number while copying.
 */
class ProgressApiMigrationIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theProgressApiFollowsAMigrationOfFourCollectionsToOneHundredPercent() throws Exception {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().throttleRate(0.3).retryAfterMs(20).start()) {
            for (String name : List.of("orders", "customers", "invoices", "parts")) {
                Fill.orders(source.connectionString(), "shop", name, 0, 8000);
            }
            int port;
            try (ServerSocket free = new ServerSocket(0)) {
                port = free.getLocalPort();
            }
            Files.writeString(dir.resolve("none.env"), "");
            String[] args = {"--source-uri", source.connectionString(), "--source-db", "shop", "--target-uri", target.connectionString(),
                    "--checkpoint-dir", dir.resolve("cp").toString(), "--no-progress", "--env-file", dir.resolve("none.env").toString(),
                    "--metrics-port", String.valueOf(port), "--batch-size", "200", "--insert-workers", "2"};
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() ->
                    Cli.run(new FlexibleMigrate(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), args));

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/progress"))
                    .timeout(Duration.ofSeconds(5)).build();
            List<JsonNode> answers = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!run.isDone() && System.nanoTime() < deadline) {
                try {
                    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        answers.add(JSON.readTree(response.body()));
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
            assertThat(end.path("percent").asDouble()).as("the last answer before the run closed: %s", end).isEqualTo(100.0);
            assertThat(end.path("documentsCopied").asLong()).isEqualTo(32_000);
            assertThat(end.path("throttledPerSecond").isNumber()).isTrue();
        }
    }
}
