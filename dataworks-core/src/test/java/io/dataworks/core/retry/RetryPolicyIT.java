package io.dataworks.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.error.ErrorKind;
import io.dataworks.core.testing.TcpProxy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The policy against real refusals and real broken connections. */
class RetryPolicyIT {

    private static final RetryConfig FAST =
            new RetryConfig(40, Duration.ofMillis(1), Duration.ofMillis(20), Duration.ofSeconds(30), 0.5);

    @Test
    void everyDocumentArrivesExactlyOnceThroughFiftyPercentThrottling() {
        int batches = 40;
        int batchSize = 25;
        AtomicLong throttledRetries = new AtomicLong();
        AtomicLong otherRetries = new AtomicLong();
        RetryPolicy policy = RetryPolicy.of(FAST).withListener((kind, attempt, delay) -> {
            (kind == ErrorKind.THROTTLED ? throttledRetries : otherRetries).incrementAndGet();
            assertThat(delay).isGreaterThanOrEqualTo(Duration.ofMillis(3));
        });

        try (EmbeddedMongo mongo = EmbeddedMongo.builder().throttleRate(0.5).retryAfterMs(3).throttleSeed(2026).start();
                MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");

            Flux.range(0, batches)
                    .flatMap(b -> policy.apply(Mono.from(coll.insertMany(batch(b * batchSize, batchSize)))), 4)
                    .then()
                    .block(Duration.ofSeconds(60));

            assertThat(Mono.from(coll.countDocuments()).block(Duration.ofSeconds(10))).isEqualTo((long) batches * batchSize);
            assertThat(mongo.throttledCount()).isPositive();
            assertThat(throttledRetries.get()).isEqualTo(mongo.throttledCount());
            assertThat(otherRetries).hasValue(0);
            assertThat(mongo.writeCommandCount()).isEqualTo(batches + mongo.throttledCount());
        }
    }

    @Test
    void aWriteBudgetSlowsTheClientToItsRateAndLosesNothing() {
        int batches = 60;
        int batchSize = 250;                  // 15,000 documents against 5,000 per second
        AtomicLong throttledRetries = new AtomicLong();
        AtomicLong longestRetryAfter = new AtomicLong();
        RetryPolicy policy = RetryPolicy.of(FAST.withJitter(0.1)).withListener((kind, attempt, delay) -> {
            if (kind == ErrorKind.THROTTLED) {
                throttledRetries.incrementAndGet();
                longestRetryAfter.accumulateAndGet(delay.toMillis(), Math::max);
            }
        });

        try (EmbeddedMongo mongo = EmbeddedMongo.builder().writeBudget(5_000).start();
                MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            long start = System.nanoTime();

            Flux.range(0, batches)
                    .flatMap(b -> policy.apply(Mono.from(coll.insertMany(batch(b * batchSize, batchSize)))), 4)
                    .then()
                    .block(Duration.ofSeconds(60));

            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(Mono.from(coll.countDocuments()).block(Duration.ofSeconds(10))).isEqualTo((long) batches * batchSize);
            // one second's worth at once, the other 10,000 documents at 5,000 per second
            assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(1_800));
            assertThat(mongo.throttledCount()).isPositive().isEqualTo(throttledRetries.get());
            assertThat(longestRetryAfter.get()).isPositive();
            assertThat(mongo.writeBudget()).isEqualTo(5_000);
        }
    }

    @Test
    void aBatchCutOffByADroppedConnectionIsRetriedAndLandsOnce() throws Exception {
        AtomicLong transientRetries = new AtomicLong();
        RetryPolicy policy = RetryPolicy.of(FAST.withInitialBackoff(Duration.ofMillis(200)))
                .withListener((kind, attempt, delay) -> {
                    if (kind == ErrorKind.TRANSIENT) {
                        transientRetries.incrementAndGet();
                    }
                });
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); TcpProxy proxy = TcpProxy.start("127.0.0.1", mongo.port());
                MongoClient client = MongoClients.create(proxy.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.countDocuments()).block(Duration.ofSeconds(10));

            proxy.stall(true);
            var pending = policy.apply(Mono.from(coll.insertMany(batch(0, 100)))).toFuture();
            Thread.sleep(100);
            proxy.dropConnections();  // the batch dies on the wire, unseen by the server
            proxy.stall(false);       // the retry, 200+ ms later, goes through
            pending.get(10, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(transientRetries).hasValue(1);
            assertThat(Mono.from(coll.countDocuments()).block(Duration.ofSeconds(10))).isEqualTo(100);
        }
    }

    private static List<Document> batch(int from, int size) {
        return IntStream.range(from, from + size).mapToObj(i -> new Document("_id", i).append("v", "doc-" + i)).toList();
    }
}
