package io.dataworks.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

            MigrationEngine.create(MigrationSettings.of(src, "s", dst, "t").withSourceDatabase("shop")
                    .withCheckpointDir(dir).withBatchSize(200).withInsertWorkers(4).withMetrics(metrics)
                    .withRetryPolicy(RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(5)))))
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
    void survivesConnectionsDroppedMidBatch() {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.start();
             TcpProxy sourceProxy = TcpProxy.start("127.0.0.1", source.port());
             TcpProxy targetProxy = TcpProxy.start("127.0.0.1", target.port());
             MongoClient src = MongoClients.create(sourceProxy.connectionString());
             MongoClient dst = MongoClients.create(targetProxy.connectionString());
             MongoClient direct = MongoClients.create(target.connectionString());
             MongoClient directSource = MongoClients.create(source.connectionString())) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 10_000);
            MetricsCollector metrics = MetricsCollector.create();
            // A few drops while batches are in flight: each one breaks the open cursor and the bulk writes in progress.
            ScheduledExecutorService chaos = Executors.newSingleThreadScheduledExecutor();
            java.util.concurrent.atomic.AtomicInteger drops = new java.util.concurrent.atomic.AtomicInteger();
            chaos.scheduleAtFixedRate(() -> {
                if (metrics.getCurrentPerformance().documentsWritten() > 0 && drops.get() < 3) {
                    drops.incrementAndGet();
                    sourceProxy.dropConnections();
                    targetProxy.dropConnections();
                }
            }, 50, 400, TimeUnit.MILLISECONDS);
            try {
                MigrationEngine.create(MigrationSettings.of(src, "s", dst, "t").withSourceDatabase("shop")
                        .withCheckpointDir(dir).withBatchSize(100).withSourceBatchSize(200).withInsertWorkers(4).withMetrics(metrics)
                        .withRetryPolicy(RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(10)))))
                        .migrate().block(Duration.ofSeconds(90));
            } finally {
                chaos.shutdownNow();
            }
            assertThat(all(direct, "shop", "orders")).usingElementComparator(Servers.byBytes())
                    .containsExactlyElementsOf(all(directSource, "shop", "orders"));
            assertThat(drops.get()).isPositive();
            assertThat(targetProxy.connectionsAccepted() + sourceProxy.connectionsAccepted()).isGreaterThan(4);
            assertThat(metrics.getCurrentPerformance().retries()).isPositive();
        }
    }
}
