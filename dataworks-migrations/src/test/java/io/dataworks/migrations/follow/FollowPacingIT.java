package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.pacing.PacerStats;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.endpoint.Endpoint;
import io.dataworks.migrations.endpoint.Pacing;
import io.dataworks.monitoring.MetricsCollector;
import io.micrometer.core.instrument.Clock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Follow's writes go through the target endpoint's pacing attempt by attempt, as the copy's do: against a target that
 * refuses 30 % of writes with 16500, every refused attempt, retries included, reaches the pacer (a retry inside one
 * paced attempt would hide all but the last answer from it), and every change is applied.
 */
class FollowPacingIT {

    private static final Namespace SOURCE = new Namespace("shop", "orders");
    private static final Namespace TARGET = new Namespace("copy", "orders");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path checkpointDir;

    @Test
    void everyWriteAttemptIsPacedAndToldToThePacer() throws InterruptedException {
        try (EmbeddedMongo sourceServer = EmbeddedMongo.builder().oplog(true).start();
             EmbeddedMongo targetServer = EmbeddedMongo.builder().retryAfterMs(5).throttleSeed(7).start();
             MongoClient sourceClient = MongoClients.create(sourceServer.connectionString());
             MongoClient targetClient = MongoClients.create(targetServer.connectionString() + "/?retryWrites=false")) {
            MongoCollection<Document> source = sourceClient.getDatabase(SOURCE.database()).getCollection(SOURCE.collection());
            MongoCollection<RawBsonDocument> rawSource = sourceClient.getDatabase(SOURCE.database())
                    .getCollection(SOURCE.collection(), RawBsonDocument.class);
            MongoCollection<RawBsonDocument> target = targetClient.getDatabase(TARGET.database())
                    .getCollection(TARGET.collection(), RawBsonDocument.class);
            FollowOptions options = FollowOptions.defaults(checkpointDir).withBatchSize(10).withBatchTimeout(Duration.ofMillis(50));
            Thread.sleep(1100); // start points have one-second resolution on this server
            ChangeFollower.create(options.withStartMargin(Duration.ZERO)).capture(sourceClient, Map.of(SOURCE, TARGET)).block(WAIT);
            Random random = new Random(5);
            long changes = 0;
            for (int i = 0; i < 200; i++) {
                Mono.from(source.insertOne(new Document("_id", i).append("amount", random.nextInt(1000)))).block(WAIT);
                changes++;
            }
            for (int i = 0; i < 100; i++) {
                Mono.from(source.updateOne(Filters.eq("_id", random.nextInt(200)), Updates.set("amount", -i))).block(WAIT);
                changes++;
            }
            targetServer.throttleRate(0.3);
            Pacing pacing = Pacing.adaptive(4);
            RetryPolicy policy = RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(1)).withMaxAttempts(50));
            Endpoint targetEndpoint = Endpoint.of("target", targetClient, policy, MetricsCollector.create(), Duration.ofSeconds(30),
                    pacing);
            Endpoint sourceEndpoint = Endpoint.of("source", sourceClient, policy, MetricsCollector.create(), Duration.ofSeconds(30),
                    Pacing.fixed(4));

            FollowHandle handle = ChangeFollower.create(options, sourceEndpoint.requests(), targetEndpoint.requests(),
                    Clock.SYSTEM, (name, value) -> { }).start(sourceClient, targetClient, Map.of(SOURCE, TARGET));
            long expected = changes;
            await().atMost(WAIT).until(() -> handle.appliedEvents() >= expected || handle.result().toFuture().isDone());
            handle.stop();
            handle.result().block(WAIT);
            long refused = targetServer.throttledCount();
            targetServer.throttleRate(0);

            PacerStats stats = pacing.stats().orElseThrow();
            assertThat(refused).as("writes refused by the target").isGreaterThan(5);
            assertThat(stats.throttledAnswers()).as("every refused attempt, retries included, told to the pacer")
                    .isEqualTo(refused);
            assertThat(stats.answers()).as("every attempt paced: refused ones and the ones that wrote")
                    .isGreaterThan(refused);
            assertThat(all(target)).isEqualTo(all(rawSource));
        }
    }

    private static java.util.List<String> all(MongoCollection<RawBsonDocument> coll) {
        return Flux.from(coll.find().sort(new Document("_id", 1))).map(RawBsonDocument::toJson).collectList().block(WAIT);
    }
}
