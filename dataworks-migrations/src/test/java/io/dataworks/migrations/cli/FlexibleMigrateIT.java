package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.testing.Fill;
import io.dataworks.monitoring.RunReport;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class FlexibleMigrateIT {

    @TempDir
    Path dir;

    EmbeddedMongo source;
    EmbeddedMongo target;


    @BeforeEach
    void start() {
        source = EmbeddedMongo.start();
        target = EmbeddedMongo.start();
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    MigrateCli.Result run(String... args) {
        try {
            Files.writeString(dir.resolve("none.env"), "");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--no-progress");
        all.add("--env-file");
        all.add(dir.resolve("none.env").toString());
        return MigrateCli.run(all);
    }

    long count(EmbeddedMongo server, String db, String coll) {
        try (MongoClient client = MongoClients.create(server.connectionString())) {
            return Mono.from(client.getDatabase(db).getCollection(coll).countDocuments()).block();
        }
    }

    @Test
    void copiesWithRenamingAndPrintsAndWritesTheReport() throws Exception {
        Fill.orders(source.connectionString(), "shop", "orders", 0, 2500);
        Fill.orders(source.connectionString(), "shop", "customers", 0, 300);
        Path report = dir.resolve("report.json");

        MigrateCli.Result result = run("--source-uri", source.connectionString(), "--source-db", "shop",
                "--source-collection", "orders,customers", "--target-uri", target.connectionString(), "--target-db", "shop2",
                "--target-collection", "orders_v2", "--target-collection", "customers", "--checkpoint-dir", dir.resolve("cp").toString(),
                "--batch-size", "200", "--report", report.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(count(target, "shop2", "orders_v2")).isEqualTo(2500);
        assertThat(count(target, "shop2", "customers")).isEqualTo(300);
        RunReport written = RunReport.fromJson(Files.readString(report));
        assertThat(written.status()).isEqualTo("completed");
        assertThat(written.documentsWritten()).isEqualTo(2800);
        assertThat(written.namespaces()).extracting(RunReport.NamespaceReport::target).containsExactly("shop2.orders_v2", "shop2.customers");
        // a person gets a summary on stderr; the JSON goes only where --report says (here a file: stdout stays empty)
        assertThat(result.out()).doesNotContain("\"tool\"");
        assertThat(result.err()).contains("shop2.orders_v2");
        assertThat(Files.exists(dir.resolve("cp/shop.orders.checkpoint.json"))).isTrue();
    }

    @Test
    void unknownStrategyListsTheAvailableOnes() {
        MigrateCli.Result result = run("--source-uri", source.connectionString(), "--source-db", "shop", "--target-uri", target.connectionString(),
                "--strategy", "nope");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("nope").contains("copy");
    }

    @Test
    void aMisspeltCollectionIsAUsageErrorAndNothingIsWritten() {
        Fill.orders(source.connectionString(), "shop", "orders", 0, 100);
        MigrateCli.Result result = run("--source-uri", source.connectionString(), "--source-db", "shop", "--target-uri", target.connectionString(),
                "--source-collection", "orders,ordres", "--checkpoint-dir", dir.resolve("cp-misspelt").toString());
        assertThat(result.exitCode()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("ordres");
        try (MongoClient client = MongoClients.create(target.connectionString())) {
            assertThat(Flux.from(client.listDatabaseNames()).collectList().block()).doesNotContain("shop");
        }
    }

    @Test
    void dryRunPrintsThePlanAndWritesNothing() {
        Fill.orders(source.connectionString(), "shop", "orders", 0, 100);
        MigrateCli.Result result = run("--source-uri", source.connectionString(), "--source-db", "shop", "--target-uri", target.connectionString(),
                "--checkpoint-dir", dir.resolve("cp").toString(), "--dry-run");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("shop.orders -> shop.orders").contains("Dry run");
        assertThat(Files.exists(dir.resolve("cp"))).isFalse();
        try (MongoClient client = MongoClients.create(target.connectionString())) {
            assertThat(Flux.from(client.listDatabaseNames()).collectList().block()).doesNotContain("shop");
        }
    }

    @Test
    void anUnreachableHostFailsWithAMaskedMessage() {
        MigrateCli.Result result = run("--source-uri", "mongodb://admin:s3cret@127.0.0.1:1/?serverSelectionTimeoutMS=500", "--source-db", "shop",
                "--target-uri", target.connectionString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("127.0.0.1:1").doesNotContain("s3cret");
    }

    @Test
    void aMissingSourceIsAUsageErrorNamingTheFlag() {
        MigrateCli.Result result = run("--target-uri", target.connectionString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--source-uri");
    }

    @Test
    void renamingNeedsOneNamePerSourceCollection() {
        MigrateCli.Result result = run("--source-uri", source.connectionString(), "--source-db", "shop", "--source-collection", "a,b",
                "--target-uri", target.connectionString(), "--target-collection", "x");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("--target-collection");
    }

    @Test
    void demoFillsMigratesVerifiesAndReports() {
        MigrateCli.Result result = run("--demo", "--total", "500", "--report", "-");
        assertThat(result.exitCode()).as(result.err()).isZero();
        RunReport report = RunReport.fromJson(result.out().substring(result.out().indexOf('{')));
        assertThat(report.status()).isEqualTo("completed");
        assertThat(report.documentsWritten()).isEqualTo(500);
        assertThat(report.verification().status()).isEqualTo("match");
        assertThat(report.verification().targetCount()).isEqualTo(500);
        // the real verification of --verify: raw BSON hashes per partition for the copy strategy
        assertThat(report.verification().method()).isEqualTo("hash");
        assertThat(report.namespaces()).extracting(RunReport.NamespaceReport::source).containsExactly("dealer_service.service_orders");
    }
}
