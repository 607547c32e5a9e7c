package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.embedded.CosmosRequestUnits;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.testing.Fill;
import reactor.core.publisher.Flux;

/** What a Cosmos DB migration costs, told before it starts (--dry-run, --target-ru), and the demo against a budget. */
class CosmosCostCliIT {

    @TempDir
    Path dir;

    MigrateCli.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--no-progress", "--env-file", MigrateCli.emptyEnvFile(dir).toString()));
        return MigrateCli.run(all);
    }

    @Test
    void aDryRunAgainstACosmosSourcePrintsTheRequestUnitsMeasuredOnASampleAndTheDurationAtTheTargetBudget() {
        // a budget large enough that nothing here is throttled: the charges are what is measured
        try (EmbeddedMongo source = EmbeddedMongo.builder().cosmosBudget(10_000_000).start();
             EmbeddedMongo target = EmbeddedMongo.start()) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 5_000);
            long sampleBytes = sampleBytes(source, 100);

            MigrateCli.Result result = run("--source-uri", source.connectionString(), "--source-db", "shop",
                    "--target-uri", target.connectionString(), "--target-db", "shop", "--checkpoint-dir", dir.resolve("cp").toString(),
                    "--dry-run", "--target-ru", "10000");

            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("Request units").contains("shop.orders");
            // the source charged the sample by its bytes (1 RU per KB); the estimate scales it to the 5,000 documents
            double perDocument = CosmosRequestUnits.read(sampleBytes) / 100;
            assertThat(number(result.out(), "~([\\d,]+) RU to read the source")).isCloseTo(perDocument * 5_000,
                    org.assertj.core.data.Percentage.withPercentage(2));
            double write = CosmosRequestUnits.write(sampleBytes / 100) * 5_000;
            assertThat(number(result.out(), "~([\\d,]+) RU to write them")).isCloseTo(write,
                    org.assertj.core.data.Percentage.withPercentage(2));
            assertThat(result.out()).contains("at --target-ru 10,000 RU/s the writes alone take at least ~"
                    + Math.round(write / 10_000) + " s");
            assertThat(count(target)).as("a dry run writes nothing").isZero();
        }
    }

    @Test
    void aDryRunAgainstAServerThatIsNotCosmosSaysThereIsNoRequestUnitEstimate() {
        try (EmbeddedMongo source = EmbeddedMongo.start(); EmbeddedMongo target = EmbeddedMongo.start()) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 100);
            MigrateCli.Result result = run("--source-uri", source.connectionString(), "--source-db", "shop",
                    "--target-uri", target.connectionString(), "--target-db", "shop", "--checkpoint-dir", dir.resolve("cp").toString(),
                    "--dry-run", "--target-ru", "5000");
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(result.out()).contains("does not answer getLastRequestStatistics").doesNotContain("RU to read");
        }
    }

    @Test
    void budgetsThatAreNotPositiveAndADemoBudgetWithoutTheDemoAreUsageErrors() {
        MigrateCli.Result zero = run("--source-uri", "mongodb://127.0.0.1:1", "--source-db", "a", "--target-uri",
                "mongodb://127.0.0.1:1", "--target-db", "b", "--target-ru", "0");
        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err()).contains("--target-ru");
        MigrateCli.Result noDemo = run("--source-uri", "mongodb://127.0.0.1:1", "--source-db", "a", "--target-uri",
                "mongodb://127.0.0.1:1", "--target-db", "b", "--cosmos-budget", "1000");
        assertThat(noDemo.exitCode()).isEqualTo(2);
        assertThat(noDemo.err()).contains("--cosmos-budget").contains("--demo");
    }

    @Test
    void theDemoAgainstACosmosBudgetIsPacedAndReportsItsPacingAndTheBudgetUsed() throws Exception {
        MigrateCli.Result result = run("--demo", "--total", "3000", "--cosmos-budget", "15000", "--target-ru", "15000",
                "--report", "-");

        assertThat(result.exitCode()).as(result.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(result.out().substring(result.out().indexOf('{')));
        JsonNode target = report.at("/details/pacing/target");
        assertThat(target.get("adaptive").asBoolean()).isTrue();
        assertThat(target.get("documentsSent").asLong()).isGreaterThanOrEqualTo(3000);
        JsonNode budget = report.at("/details/pacing/targetBudget");
        assertThat(budget.get("ruPerSecond").asDouble()).isEqualTo(15000);
        assertThat(budget.get("estimatedUse").asDouble()).isPositive();
    }

    private static long sampleBytes(EmbeddedMongo server, int n) {
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            return Flux.from(client.getDatabase("shop").getCollection("orders", RawBsonDocument.class).find().limit(n))
                    .map(doc -> (long) doc.getByteBuffer().remaining()).reduce(0L, Long::sum).block(Duration.ofSeconds(30));
        }
    }

    private static long count(EmbeddedMongo server) {
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            return Flux.from(client.getDatabase("shop").listCollectionNames()).count().block(Duration.ofSeconds(30));
        }
    }

    private static double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return Double.parseDouble(m.group(1).replace(",", ""));
    }
}
