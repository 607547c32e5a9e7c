package io.dataworks.migrations.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.pacing.Pacer;
import io.dataworks.core.pacing.PacerStats;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Verification and reconciliation read through {@link Requests#pacedSortedById}: the endpoint's pacer sets the pace of
 * their cursors as it does the copy's, and a throttled read teaches it; every document is still read once, in order.
 */
class PacedReadsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final BsonDocument BY_ID = new BsonDocument("_id", new BsonInt32(1));

    @Test
    void sortedReadsTakeTheirShareOfTheLearnedRate() {
        try (EmbeddedMongo server = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            MongoCollection<BsonDocument> coll = filled(client, 1_000);
            Pacer pacer = Pacer.builder().initialRate(2_000).burst(Duration.ZERO).build();
            Endpoint endpoint = endpoint(client, Pacing.of(pacer, 4));

            long start = System.nanoTime();
            List<Integer> ids = read(endpoint, coll);
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertThat(ids).hasSize(1_000).isSorted().doesNotHaveDuplicates();
            PacerStats stats = pacer.stats();
            assertThat(stats.answers()).as("one pacing step per 100 documents").isEqualTo(10);
            assertThat(stats.sentUnits()).isEqualTo(1_000);
            // ten steps of 100 documents at 2,000 documents/s: at least nine waits of 50 ms
            assertThat(millis).as("paced at the learned rate").isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void aThrottledReadTeachesThePacerAndResumesAfterTheLastId() {
        try (EmbeddedMongo server = EmbeddedMongo.builder().throttleRate(0.3).throttleReads(true).retryAfterMs(5).start();
             MongoClient client = MongoClients.create(server.connectionString() + "/?retryReads=false")) {
            server.throttleRate(0);
            MongoCollection<BsonDocument> coll = filled(client, 2_000);
            server.throttleRate(0.3);
            Pacing pacing = Pacing.adaptive(4);
            Endpoint endpoint = endpoint(client, pacing);

            List<Integer> ids = read(endpoint, coll);

            assertThat(ids).hasSize(2_000).isSorted().doesNotHaveDuplicates();
            assertThat(server.throttledCount()).as("reads refused").isPositive();
            assertThat(pacing.stats().orElseThrow().throttledAnswers()).as("each refused read told to the pacer")
                    .isEqualTo(server.throttledCount());
        }
    }

    @Test
    void aFixedPacingReadsUnpaced() {
        try (EmbeddedMongo server = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            MongoCollection<BsonDocument> coll = filled(client, 500);
            Pacing pacing = Pacing.fixed(4);
            assertThat(read(endpoint(client, pacing), coll)).hasSize(500).isSorted();
            assertThat(pacing.stats()).isEmpty();
        }
    }

    private static Endpoint endpoint(MongoClient client, Pacing pacing) {
        RetryPolicy policy = RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(1)).withMaxAttempts(50));
        return Endpoint.of("target", client, policy, MetricsCollector.create(), Duration.ofSeconds(30), pacing);
    }

    private static List<Integer> read(Endpoint endpoint, MongoCollection<BsonDocument> coll) {
        return endpoint.requests().pacedSortedById(after -> coll.find(after == null ? new BsonDocument()
                        : new BsonDocument("_id", new BsonDocument("$gt", after))).sort(BY_ID).batchSize(50))
                .map(doc -> doc.getInt32("_id").getValue())
                .collectList().block(TIMEOUT);
    }

    private static MongoCollection<BsonDocument> filled(MongoClient client, int n) {
        MongoCollection<BsonDocument> coll = client.getDatabase("db").getCollection("c", BsonDocument.class);
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("v", new BsonString("x".repeat(50))));
        }
        Flux.fromIterable(docs).buffer(500).concatMap(batch -> Mono.from(coll.insertMany(batch))).then().block(TIMEOUT);
        return coll;
    }
}
