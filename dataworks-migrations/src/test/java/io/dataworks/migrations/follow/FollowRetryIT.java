package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.endpoint.Requests;
import io.micrometer.core.instrument.Clock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Follow's reads (the change stream, re-reads by {@code _id}) and writes go through the retry policy: against a server that
 * refuses 30% of reads and writes with 16500, every change is applied exactly once.
 */
class FollowRetryIT {

    private static final Namespace SOURCE = new Namespace("shop", "orders");
    private static final Namespace TARGET = new Namespace("copy", "orders");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path checkpointDir;

    private EmbeddedMongo server;
    private MongoClient client;
    private MongoCollection<Document> source;
    private MongoCollection<RawBsonDocument> rawSource;
    private MongoCollection<RawBsonDocument> target;
    private final Map<String, Long> made = new ConcurrentHashMap<>();
    private final Random random = new Random(3);

    @BeforeEach
    void start() {
        server = EmbeddedMongo.builder().oplog(true).start();
        client = MongoClients.create(server.connectionString());
        source = client.getDatabase(SOURCE.database()).getCollection(SOURCE.collection());
        rawSource = client.getDatabase(SOURCE.database()).getCollection(SOURCE.collection(), RawBsonDocument.class);
        target = client.getDatabase(TARGET.database()).getCollection(TARGET.collection(), RawBsonDocument.class);
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void everyChangeIsAppliedOnceAlthoughThirtyPercentOfReadsAndWritesAreThrottled() {
        MigrationStrategy strategy = TestStrategies.bigOrders();
        DocumentStage stage = DocumentStage.create(strategy, FollowOptions.MONGODB_MAX_DOCUMENT_BYTES);
        for (int i = 0; i < 200; i++) {
            Mono.from(source.insertOne(new Document("_id", i).append("amount", random.nextInt(1000)))).block(WAIT);
        }
        Flux.from(rawSource.find(stage.sourceFilter(SOURCE))).concatMapIterable(d -> stage.apply(d, SOURCE).documents())
                .buffer(100).concatMap(b -> target.insertMany(b)).blockLast(WAIT);
        FollowOptions options = FollowOptions.defaults(checkpointDir).withBatchSize(20).withBatchTimeout(Duration.ofMillis(50))
                .withDocuments(stage);
        sleep(1100); // start points have one-second resolution on this server
        ChangeFollower.create(options.withStartMargin(Duration.ZERO)).capture(client, Map.of(SOURCE, TARGET)).block(WAIT);
        for (int i = 0; i < 300; i++) {
            int id = random.nextInt(260);
            int op = random.nextInt(3);
            if (op == 0 && Mono.from(source.countDocuments(Filters.eq("_id", id))).block(WAIT) == 0) {
                Mono.from(source.insertOne(new Document("_id", id).append("amount", random.nextInt(1000)))).block(WAIT);
                made.merge("insert", 1L, Long::sum);
            } else if (op == 1 && Mono.from(source.updateOne(Filters.eq("_id", id), Updates.set("amount", random.nextInt(1000))))
                    .block(WAIT).getModifiedCount() > 0) {
                made.merge("update", 1L, Long::sum);
            } else if (op == 2 && Mono.from(source.deleteOne(Filters.eq("_id", id))).block(WAIT).getDeletedCount() > 0) {
                made.merge("delete", 1L, Long::sum);
            }
        }
        long events = made.values().stream().mapToLong(Long::longValue).sum();
        server.throttleRate(0.3);
        server.throttleReads(true);
        Requests retrying = Requests.retrying(RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(5))
                .withMaxBackoff(Duration.ofMillis(50))));

        FollowHandle handle = ChangeFollower.create(options, retrying, retrying, Clock.SYSTEM, (name, value) -> { })
                .start(client, client, Map.of(SOURCE, TARGET));
        await().atMost(WAIT).until(() -> handle.appliedEvents() >= events || handle.result().toFuture().isDone());
        handle.stop();
        FollowResult result = handle.result().block(WAIT);
        long throttled = server.throttledCount();
        server.throttleRate(0);

        assertThat(throttled).as("requests were throttled").isGreaterThan(10);
        assertThat(result.appliedThisRun()).as("each change once: a retried stream resumes after the last change received")
                .isEqualTo(made);
        assertThat(all(target)).isEqualTo(image(stage));
    }

    private List<String> image(DocumentStage stage) {
        List<String> out = new ArrayList<>();
        Flux.from(rawSource.find(stage.sourceFilter(SOURCE)).sort(new Document("_id", 1)))
                .concatMapIterable(d -> stage.apply(d, SOURCE).documents()).map(RawBsonDocument::toJson).collectList().block(WAIT)
                .forEach(out::add);
        return out;
    }

    private static List<String> all(MongoCollection<RawBsonDocument> coll) {
        return Flux.from(coll.find().sort(new Document("_id", 1))).map(RawBsonDocument::toJson).collectList().block(WAIT);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
