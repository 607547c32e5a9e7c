package io.dataworks.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.core.testing.TcpProxy;
import io.dataworks.migrations.testing.Fill;
import io.dataworks.migrations.testing.Servers;
import io.dataworks.monitoring.MetricsCollector;
import io.dataworks.monitoring.PerformanceSnapshot;
import reactor.core.publisher.Flux;

/** Throttling and broken connections: the copy completes with nothing lost or duplicated. */
class ResilienceIT {

    @TempDir
    Path dir;

    static List<RawBsonDocument> all(MongoClient client, String db, String coll) {
        return Flux.from(client.getDatabase(db).getCollection(coll, RawBsonDocument.class).find()
                .sort(new BsonDocument("_id", new BsonInt32(1)))).collectList().block();
    }

    @Test
    void completesAgainstATargetThrottlingThirtyPercentAndCountsTheThrottles() {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().throttleRate(0.3).retryAfterMs(5).throttleSeed(7).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 10_000);
            MetricsCollector metrics = MetricsCollector.create();

            MigrationEngine.create(MigrationSettings.builder(src, "s", dst, "t").sourceDatabase("shop")
                    .checkpointDir(dir).batchSize(200).insertWorkers(4).metrics(metrics)
                    .retryPolicy(RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(5)))).build())
                    .migrate().block(Duration.ofSeconds(60));

            assertThat(all(dst, "shop", "orders")).usingElementComparator(Servers.byBytes())
                    .containsExactlyElementsOf(all(src, "shop", "orders"));
            PerformanceSnapshot snapshot = metrics.getCurrentPerformance();
            assertThat(target.throttledCount()).isPositive();
            assertThat(snapshot.throttles()).isEqualTo(target.throttledCount());
            assertThat(snapshot.retries()).isGreaterThanOrEqualTo(target.throttledCount());
            assertThat(snapshot.documentsWritten()).isEqualTo(10_000);
        }
    }

    @Test
    void againstACosmosBudgetThrottledRequestsAndThrottledDocumentsAreCountedApartAsTheServerCountsThem() {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder()
                     .cosmosBudget(io.dataworks.core.embedded.CosmosRequestUnits.insertBudget(4000)).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 6000);
            MetricsCollector metrics = MetricsCollector.create();

            MigrationEngine.create(MigrationSettings.builder(src, "s", dst, "t").sourceDatabase("shop")
                    .checkpointDir(dir).batchSize(500).insertWorkers(4).metrics(metrics).copyIndexes(false)
                    .retryPolicy(RetryPolicy.of(RetryConfig.DEFAULTS.withMaxAttempts(50))).build())
                    .migrate().block(Duration.ofSeconds(90));

            var server = target.cosmosStats();
            assertThat(all(dst, "shop", "orders")).hasSize(6000);
            assertThat(server.throttledRequests()).as("the budget throttled").isPositive();
            // partial bulk inserts count once as a request, and each refused document once as a document
            assertThat(metrics.getCurrentPerformance().throttles()).isEqualTo(server.throttledRequests());
            assertThat(metrics.throttledDocuments()).isEqualTo(server.throttledDocuments());
            assertThat(metrics.throttledDocuments()).isGreaterThan(metrics.getCurrentPerformance().throttles());
        }
    }

    @Test
    void survivesConnectionsDroppedMidBatch() throws Exception {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.start();
             TcpProxy sourceProxy = TcpProxy.start("127.0.0.1", source.port());
             TcpProxy targetProxy = TcpProxy.start("127.0.0.1", target.port());
             MongoClient src = MongoClients.create(sourceProxy.connectionString());
             MongoClient dst = MongoClients.create(targetProxy.connectionString());
             MongoClient direct = MongoClients.create(target.connectionString());
             MongoClient directSource = MongoClients.create(source.connectionString())) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 20_000);
            MetricsCollector metrics = MetricsCollector.create();
            var copy = MigrationEngine.create(MigrationSettings.builder(src, "s", dst, "t").sourceDatabase("shop")
                            .checkpointDir(dir).batchSize(100).sourceBatchSize(200).insertWorkers(4).metrics(metrics)
                            .retryPolicy(RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(10)))).build())
                    .migrate().toFuture();
            // Twice, while the copy runs: hold every byte (requests in flight hang), then cut every connection.
            int drops = 0;
            for (long after : new long[] {1, 4000}) {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> metrics.getCurrentPerformance().documentsWritten() >= after || copy.isDone());
                if (copy.isDone()) {
                    break;
                }
                sourceProxy.stall(true);
                targetProxy.stall(true);
                Thread.sleep(100);
                sourceProxy.dropConnections();
                targetProxy.dropConnections();
                sourceProxy.stall(false);
                targetProxy.stall(false);
                drops++;
            }
            copy.get(90, TimeUnit.SECONDS);

            assertThat(all(direct, "shop", "orders")).usingElementComparator(Servers.byBytes())
                    .containsExactlyElementsOf(all(directSource, "shop", "orders"));
            assertThat(drops).isEqualTo(2);
            assertThat(targetProxy.connectionsAccepted() + sourceProxy.connectionsAccepted()).isGreaterThan(4);
            assertThat(metrics.getCurrentPerformance().retries()).isPositive();
        }
    }

    @Test
    void completesAgainstASourceThrottlingReads() {
        try (EmbeddedMongo source = EmbeddedMongo.builder().throttleRate(0.3).throttleReads(true).retryAfterMs(5).start();
             EmbeddedMongo target = EmbeddedMongo.start();
             MongoClient src = MongoClients.create(source.connectionString() + "/?retryReads=false");
             MongoClient dst = MongoClients.create(target.connectionString())) {
            source.throttleRate(0);
            Fill.orders(source.connectionString(), "shop", "orders", 0, 5_000);
            source.throttleRate(0.3);
            MetricsCollector metrics = MetricsCollector.create();

            MigrationEngine.create(MigrationSettings.builder(src, "s", dst, "t").sourceDatabase("shop")
                    .checkpointDir(dir).sourceBatchSize(100).batchSize(100).metrics(metrics)
                    .retryPolicy(RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(5)))).build())
                    .migrate().block(Duration.ofSeconds(60));

            source.throttleRate(0);
            assertThat(all(dst, "shop", "orders")).usingElementComparator(Servers.byBytes())
                    .containsExactlyElementsOf(all(src, "shop", "orders"));
            assertThat(source.throttledCount()).isPositive();
            // every refused read, planning reads included, went through the run's policy and was counted
            assertThat(metrics.getCurrentPerformance().retriesByKind()).containsEntry("throttled", source.throttledCount());
            assertThat(metrics.getCurrentPerformance().documentsRead()).isEqualTo(5_000);
        }
    }

    @Test
    void aTargetThatStopsAnsweringFailsWithinTheRetryBudgetInsteadOfHanging() throws Exception {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.start();
             TcpProxy targetProxy = TcpProxy.start("127.0.0.1", target.port());
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(targetProxy.connectionString())) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 30_000);
            MetricsCollector metrics = MetricsCollector.create();
            // the planner and the first batches get through, then the target stops answering without closing anything
            var copy = MigrationEngine.create(MigrationSettings.builder(src, "s", dst, "t").sourceDatabase("shop")
                            .checkpointDir(dir).batchSize(50).insertWorkers(1).metrics(metrics).copyIndexes(false)
                            .requestTimeout(Duration.ofMillis(500))
                            .retryPolicy(RetryPolicy.of(RetryConfig.DEFAULTS.withMaxAttempts(3).withInitialBackoff(Duration.ofMillis(10))))
                            .build())
                    .migrate().toFuture();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> metrics.getCurrentPerformance().documentsWritten() > 0 || copy.isDone());
            targetProxy.stall(true);
            assertThat(copy.isDone()).as("still copying when the target stopped answering").isFalse();
            try {
                assertThatThrownBy(() -> copy.get(30, TimeUnit.SECONDS))
                        .as("a stalled target must end the run, not hang it")
                        .hasRootCauseInstanceOf(java.util.concurrent.TimeoutException.class)
                        .hasMessageContaining("gave up after");
                assertThat(metrics.getCurrentPerformance().retries()).isPositive();
            } finally {
                targetProxy.stall(false);
            }
        }
    }
}
