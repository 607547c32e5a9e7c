package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.endpoint.Requests;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import io.micrometer.core.instrument.Clock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Change-stream follow against the embedded server with its oplog enabled. */
class ChangeFollowerIT {

    private static final Namespace SOURCE = new Namespace("shop", "orders");
    private static final Namespace TARGET = new Namespace("shop_copy", "orders");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path checkpointDir;

    private EmbeddedMongo server;
    private MongoClient client;
    private MongoCollection<Document> source;
    private MongoCollection<RawBsonDocument> rawSource;
    private MongoCollection<RawBsonDocument> target;
    private final Random random = new Random(7);
    private final Map<String, Long> made = new ConcurrentHashMap<>();
    private int nextId = 0;

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
    void appliesInsertsUpdatesAndDeletesMadeDuringAndAfterTheCopy() {
        insertSource(1000);
        ChangeFollower follower = follower(FollowOptions.defaults(checkpointDir));
        captureAfterTheLoad(follower);
        made.clear();

        // The copy runs while the source keeps changing.
        CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> randomChanges(300));
        copy();
        writes.join();
        randomChanges(200); // after the copy, before following starts

        FollowHandle handle = follower.start(client, client, Map.of(SOURCE, TARGET));
        long expected = made.values().stream().mapToLong(Long::longValue).sum();
        await().atMost(Duration.ofSeconds(30)).until(() -> handle.appliedEvents() >= expected);
        randomChanges(100); // while following
        long expectedAll = made.values().stream().mapToLong(Long::longValue).sum();
        await().atMost(Duration.ofSeconds(30)).until(() -> handle.appliedEvents() >= expectedAll);
        handle.stop();
        FollowResult result = handle.result().block(Duration.ofSeconds(30));

        assertThat(result.reason()).isEqualTo(FollowResult.StopReason.STOPPED);
        assertThat(result.appliedThisRun()).isEqualTo(made);
        assertThat(result.appliedThisRun()).containsKeys("insert", "update", "delete");
        assertThat(result.summary()).contains("Safe to switch", "writes to the source");
        assertTargetEqualsSource();
    }

    @Test
    void aRestartResumesFromTheCheckpointedTokenWithoutMissingOrRepeatingAnEvent() {
        insertSource(500);
        copy();
        FollowOptions options = FollowOptions.defaults(checkpointDir).withBatchSize(10).withBatchTimeout(Duration.ofMillis(50));
        captureAfterTheLoad(follower(options));
        made.clear();
        randomChanges(200);
        long total = made.values().stream().mapToLong(Long::longValue).sum();

        FollowResult first = follower(options.withMaxEvents(73)).start(client, client, Map.of(SOURCE, TARGET))
                .result().block(Duration.ofSeconds(30));
        assertThat(first.reason()).isEqualTo(FollowResult.StopReason.MAX_EVENTS);
        assertThat(first.eventsThisRun()).isEqualTo(73);
        FollowCheckpoint saved = FollowCheckpoint.load(io.dataworks.migrations.checkpoint.CheckpointStore.readOnly(checkpointDir), SOURCE).orElseThrow();
        assertThat(saved.resumeToken()).isNotNull();

        FollowHandle second = follower(options).start(client, client, Map.of(SOURCE, TARGET));
        await().atMost(Duration.ofSeconds(30)).until(() -> second.appliedEvents() >= total - 73);
        second.stop();
        FollowResult result = second.result().block(Duration.ofSeconds(30));

        assertThat(result.eventsThisRun()).isEqualTo(total - 73);
        assertThat(result.appliedTotal()).as("each event applied exactly once over both runs").isEqualTo(made);
        assertTargetEqualsSource();
    }

    @Test
    void stopsOnItsOwnWhenTheLagStaysBelowTheCutoverThreshold() {
        insertSource(300);
        copy();
        FollowOptions options = FollowOptions.defaults(checkpointDir).withSampleInterval(Duration.ofMillis(100))
                .withCutover(new Cutover(Duration.ofSeconds(1), Duration.ofMillis(1500)));
        ChangeFollower follower = follower(options);
        captureAfterTheLoad(follower);
        randomChanges(100);
        Map<String, Double> gauges = new ConcurrentHashMap<>();
        Requests retrying = Requests.retrying(RetryPolicy.of(RetryConfig.DEFAULTS));
        ChangeFollower measured = ChangeFollower.create(options, retrying, retrying, Clock.SYSTEM, gauges::put);

        long started = System.nanoTime();
        FollowResult result = measured.start(client, client, Map.of(SOURCE, TARGET)).result().block(Duration.ofSeconds(30));

        assertThat(result.reason()).isEqualTo(FollowResult.StopReason.CUTOVER);
        assertThat(result.finalLagSeconds()).isLessThanOrEqualTo(1.0);
        assertThat(result.pendingEvents()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(gauges).containsKeys("followLagSeconds", "followPendingEvents");
        assertTargetEqualsSource();
    }

    @Test
    void cosmosFlavourCarriesNoDeletesAndReconcileDeletesRemovesExactlyTheExtraDocuments() {
        insertSource(1000);
        copy();
        FollowOptions options = FollowOptions.defaults(checkpointDir).withCosmos(true);
        ChangeFollower follower = follower(options);
        captureAfterTheLoad(follower);
        made.clear();
        randomChanges(300);
        long upserts = made.getOrDefault("insert", 0L) + made.getOrDefault("update", 0L);

        FollowHandle handle = follower.start(client, client, Map.of(SOURCE, TARGET));
        await().atMost(Duration.ofSeconds(30)).until(() -> handle.appliedEvents() >= upserts);
        handle.stop();
        FollowResult result = handle.result().block(Duration.ofSeconds(30));
        assertThat(result.appliedThisRun()).containsOnlyKeys("upsert");
        assertThat(result.summary()).contains("--reconcile-deletes");

        long extra = count(target) - Mono.from(rawSource.countDocuments()).block(WAIT);
        assertThat(extra).as("deleted on the source, still on the target").isEqualTo(made.get("delete"));
        Mono.from(target.insertOne(RawBsonDocument.parse("{_id: 'not-a-number', note: 'outside the partitions'}"))).block(WAIT);
        NamespacePlan plan = new NamespacePlan(SOURCE, TARGET, 0, 0, "test", List.of(
                new Partition(0, "number", null, new BsonInt32(300)),
                new Partition(1, "number", new BsonInt32(300), new BsonInt32(800)),
                new Partition(2, "number", new BsonInt32(800), null)));

        DeleteReconciler.Result reconciled = DeleteReconciler.builder().batchSize(100).parallelism(2).build()
                .reconcile(plan, rawSource, target).block(Duration.ofSeconds(30));

        assertThat(reconciled.deleted()).isEqualTo(extra);
        Mono.from(target.deleteOne(Filters.eq("_id", "not-a-number"))).block(WAIT);
        assertTargetEqualsSource();
    }

    @Test
    void aSourceWithoutChangeStreamsIsRefusedBeforeTheCopy() {
        try (EmbeddedMongo noOplog = EmbeddedMongo.start();
             MongoClient plain = MongoClients.create(noOplog.connectionString())) {
            Throwable error = org.assertj.core.api.Assertions.catchThrowable(() ->
                    ChangeFollower.create(FollowOptions.defaults(checkpointDir)).capture(plain, Map.of(SOURCE, TARGET)).block(Duration.ofSeconds(30)));
            assertThat(error).isInstanceOf(io.dataworks.core.DataWorksException.class)
                    .hasMessageContaining("cannot open a change stream").hasMessageContaining("--follow needs");
        }
    }

    @Test
    void theCheckpointRoundTripsThroughItsStoredForm() {
        FollowCheckpoint cp = new FollowCheckpoint(SOURCE, TARGET, BsonDocument.parse("{_data: '826B016B48000000022B'}"),
                new org.bson.BsonTimestamp(1_795_255_112, 3), Map.of("insert", 5L, "delete", 2L));
        try (io.dataworks.migrations.checkpoint.CheckpointStore store = io.dataworks.migrations.checkpoint.CheckpointStore.files(checkpointDir)) {
            store.write(io.dataworks.migrations.checkpoint.CheckpointStore.Kind.FOLLOW, SOURCE,
                    new BsonDocument("follow", cp.toBson()));
            assertThat(FollowCheckpoint.load(store, SOURCE)).contains(cp);
        }
        assertThat(FollowCheckpoint.fromBson(cp.toBson())).isEqualTo(cp);
    }

    private ChangeFollower follower(FollowOptions options) {
        return ChangeFollower.create(options);
    }

    /** Start points have one-second resolution on this server: let the load's second pass first. */
    private void captureAfterTheLoad(ChangeFollower follower) {
        sleep(1100);
        ChangeFollower exact = ChangeFollower.create(FollowOptions.defaults(checkpointDir).withStartMargin(Duration.ZERO));
        exact.capture(client, Map.of(SOURCE, TARGET)).block(Duration.ofSeconds(30));
    }

    private void insertSource(int n) {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            docs.add(doc(nextId++));
        }
        Flux.fromIterable(docs).buffer(500).concatMap(b -> source.insertMany(b)).blockLast(WAIT);
    }

    private Document doc(int id) {
        return new Document("_id", id).append("status", "new").append("amount", random.nextInt(1000)).append("v", 0);
    }

    /** The copy: a plain read of the source written to the target, skipping what is already there. */
    private void copy() {
        Flux.from(rawSource.find().batchSize(200)).buffer(200)
                .concatMap(b -> Mono.from(target.insertMany(b, new InsertManyOptions().ordered(false))).onErrorResume(e -> Mono.empty()))
                .blockLast(WAIT);
    }

    /** Inserts, updates, replaces and deletes on the source, counted by the change event each one makes. */
    private synchronized void randomChanges(int n) {
        for (int i = 0; i < n; i++) {
            int op = random.nextInt(10);
            int id = random.nextInt(Math.max(1, nextId));
            if (op < 3) {
                Mono.from(source.insertOne(doc(nextId++))).block(WAIT);
                made.merge("insert", 1L, Long::sum);
            } else if (op < 7) {
                long modified = Mono.from(source.updateOne(Filters.eq("_id", id), Updates.inc("v", 1))).block(WAIT).getModifiedCount();
                if (modified > 0) {
                    made.merge("update", 1L, Long::sum);
                }
            } else if (op < 8) {
                long modified = Mono.from(source.replaceOne(Filters.eq("_id", id),
                        new Document("_id", id).append("status", "replaced").append("v", 100 + i))).block(WAIT).getModifiedCount();
                if (modified > 0) {
                    made.merge("update", 1L, Long::sum); // this server reports replacements as updates
                }
            } else {
                long deleted = Mono.from(source.deleteOne(Filters.eq("_id", id))).block(WAIT).getDeletedCount();
                if (deleted > 0) {
                    made.merge("delete", 1L, Long::sum);
                }
            }
        }
    }

    private void assertTargetEqualsSource() {
        BsonDocument byId = new BsonDocument("_id", new BsonInt32(1));
        List<String> expected = Flux.from(rawSource.find().sort(byId)).map(RawBsonDocument::toJson).collectList().block(WAIT);
        List<String> actual = Flux.from(target.find().sort(byId)).map(RawBsonDocument::toJson).collectList().block(WAIT);
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(actual).isEqualTo(expected);
    }

    private static long count(MongoCollection<RawBsonDocument> coll) {
        return Mono.from(coll.countDocuments()).block(WAIT);
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
