package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
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

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.document.DocumentStage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Follow applies the strategy (filter, transform, id mapping) the way the copy does, against the embedded server. */
class FollowStrategyIT {

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
    void insertsUpdatesAndReplacesAreTransformedAndDeletesFollowTheIdMapping() {
        java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
        MigrationStrategy strategy = TestStrategies.orders(threads);
        for (int i = 0; i < 20; i++) {
            insert(i, "new", 100 * i);
        }
        copy(strategy);
        FollowOptions options = options(strategy);
        capture(options);
        threads.clear(); // the copy above ran on the test thread

        for (int i = 20; i < 30; i++) {
            insert(i, "new", 100 * i);
        }
        for (int i = 0; i < 25; i += 2) {
            Mono.from(source.updateOne(Filters.eq("_id", i), Updates.set("status", "paid"))).block(WAIT);
        }
        Mono.from(source.replaceOne(Filters.eq("_id", 3), new Document("_id", 3).append("status", "replaced").append("amount", 7))).block(WAIT);
        Mono.from(source.deleteOne(Filters.eq("_id", 5))).block(WAIT);
        Mono.from(source.deleteOne(Filters.eq("_id", 25))).block(WAIT);
        long events = 10 + 13 + 1 + 2;

        FollowResult result = followUntil(options, events);

        assertThat(threads).as("the strategy runs on the blocking scheduler, never on a driver thread").isNotEmpty()
                .allMatch(name -> name.startsWith("boundedElastic-"));
        assertThat(result.eventsThisRun()).isEqualTo(events);
        assertThat(result.excluded()).isZero();
        assertThat(ids(target)).doesNotContain("\"order-5\"", "\"order-25\"").contains("\"order-3\"", "\"order-29\"");
        assertThat(all(target)).as("the target is the strategy's image of the source").isEqualTo(image(strategy));
        assertThat(Mono.from(target.find(Filters.eq("_id", "order-3")).first()).block(WAIT).toJson())
                .contains("\"state\": \"replaced\"", "\"amountCents\": 700", "\"migrated\": true");
    }

    @Test
    void documentsOutsideTheFilterAreNotWrittenAndAnUpdateThatLeavesItDeletesTheTargetDocument() {
        MigrationStrategy strategy = TestStrategies.bigOrders();
        for (int i = 0; i < 10; i++) {
            insert(i, "new", 100 * i); // 0..900: 5..9 pass the filter
        }
        copy(strategy);
        assertThat(count(target)).isEqualTo(5);
        FollowOptions options = options(strategy);
        capture(options);

        Mono.from(source.updateOne(Filters.eq("_id", 1), Updates.set("amount", 600))).block(WAIT); // enters
        Mono.from(source.updateOne(Filters.eq("_id", 8), Updates.set("amount", 10))).block(WAIT); // leaves
        Mono.from(source.updateOne(Filters.eq("_id", 2), Updates.set("status", "paid"))).block(WAIT); // stays out
        insert(10, "new", 50); // excluded insert
        insert(11, "new", 5000);
        Mono.from(source.deleteOne(Filters.eq("_id", 9))).block(WAIT);

        FollowResult result = followUntil(options, 6);

        assertThat(result.excluded()).as("_id 8 left, _id 2 stayed out, _id 10 never in").isEqualTo(3);
        assertThat(ids(target)).containsExactly("1", "5", "6", "7", "11");
        assertThat(all(target)).isEqualTo(image(strategy));
        assertThat(result.safeToSwitch()).isTrue();
    }

    @Test
    void aStrategyWithoutAnIdMappingStopsFollowingAtTheFirstDeleteAndSaysWhy() {
        MigrationStrategy strategy = TestStrategies.contentIds();
        insert(0, "new", 1);
        copy(strategy);
        FollowOptions options = options(strategy).withBatchSize(1);
        capture(options);
        insert(1, "new", 2);
        Mono.from(source.deleteOne(Filters.eq("_id", 0))).block(WAIT);

        FollowHandle handle = ChangeFollower.create(options).start(client, client, Map.of(SOURCE, TARGET));
        Throwable error = catchThrowable(() -> handle.result().block(WAIT));

        assertThat(error).isInstanceOf(DataWorksException.class)
                .hasMessageContaining("shop.orders: source _id 0 was deleted on the source")
                .hasMessageContaining("'test-content-ids' declares no _id mapping (target _ids are hashes of the content)")
                .hasMessageContaining("checkpoint is before this change");
        assertThat(((DataWorksException) error).exitCode()).isEqualTo(ExitCode.FAILED);
        FollowCheckpoint saved = FollowCheckpoint.load(io.dataworks.migrations.checkpoint.CheckpointStore.readOnly(checkpointDir), SOURCE).orElseThrow();
        assertThat(saved.applied()).as("the insert was applied, the delete was not").isEqualTo(Map.of("insert", 1L));
        assertThat(count(target)).isEqualTo(2);
    }

    @Test
    void aDocumentTooLargeForTheTargetIsKeptInTheDeadLettersOnce() throws Exception {
        MigrationStrategy strategy = new io.dataworks.migrations.strategy.CopyStrategy();
        FollowOptions options = options(strategy).withDocuments(DocumentStage.create(strategy, 2048));
        capture(options);
        insert(1, "new", 1);
        Mono.from(source.insertOne(new Document("_id", 2).append("notes", "x".repeat(5000)))).block(WAIT);

        try (var store = io.dataworks.migrations.checkpoint.CheckpointStore.unlocked(checkpointDir);
             var letters = store.deadLetters(null)) {
            letters.load();
            FollowHandle handle = ChangeFollower.create(options.withDeadLetters(letters)).start(client, client, Map.of(SOURCE, TARGET));
            await().atMost(WAIT).until(() -> letters.entries(SOURCE.toString()) == 1 && count(target) == 1);
            handle.stop();
            FollowResult result = handle.result().block(WAIT);
            assertThat(result.refused()).isEqualTo(1);
            assertThat(result.targetComplete()).as("a refused document is not safe to switch").isFalse();
        }
        List<String> lines = java.nio.file.Files.readAllLines(checkpointDir.resolve("dead-letter.jsonl"));
        assertThat(lines).singleElement().satisfies(line -> {
            BsonDocument entry = BsonDocument.parse(line);
            assertThat(entry.getString("namespace").getValue()).isEqualTo(SOURCE.toString());
            assertThat(entry.getString("target").getValue()).isEqualTo(TARGET.toString());
            assertThat(entry.get("_id")).isEqualTo(new BsonInt32(2));
            assertThat(entry.getDocument("document").getString("notes").getValue()).hasSize(5000);
        });
    }

    private FollowOptions options(MigrationStrategy strategy) {
        return FollowOptions.defaults(checkpointDir).withBatchTimeout(Duration.ofMillis(50))
                .withDocuments(DocumentStage.create(strategy, FollowOptions.MONGODB_MAX_DOCUMENT_BYTES));
    }

    /** Start points have one-second resolution on this server: let the load's second pass first. */
    private void capture(FollowOptions options) {
        sleep(1100);
        ChangeFollower.create(options.withStartMargin(Duration.ZERO)).capture(client, Map.of(SOURCE, TARGET)).block(WAIT);
    }

    private FollowResult followUntil(FollowOptions options, long events) {
        FollowHandle handle = ChangeFollower.create(options).start(client, client, Map.of(SOURCE, TARGET));
        await().atMost(WAIT).until(() -> handle.appliedEvents() >= events);
        handle.stop();
        return handle.result().block(WAIT);
    }

    private void insert(int id, String status, int amount) {
        Mono.from(source.insertOne(new Document("_id", id).append("status", status).append("amount", amount))).block(WAIT);
    }

    /** The copy: the source read with the strategy's filter, through the document stage. */
    private void copy(MigrationStrategy strategy) {
        DocumentStage stage = DocumentStage.create(strategy, FollowOptions.MONGODB_MAX_DOCUMENT_BYTES);
        List<RawBsonDocument> docs = Flux.from(rawSource.find(stage.sourceFilter(SOURCE)))
                .concatMapIterable(d -> stage.apply(d, SOURCE).documents()).collectList().block(WAIT);
        if (!docs.isEmpty()) {
            Mono.from(target.insertMany(docs)).block(WAIT);
        }
    }

    /** What a fresh copy of the source with {@code strategy} would write, by target _id. */
    private List<String> image(MigrationStrategy strategy) {
        DocumentStage stage = DocumentStage.create(strategy, FollowOptions.MONGODB_MAX_DOCUMENT_BYTES);
        List<RawBsonDocument> docs = Flux.from(rawSource.find(stage.sourceFilter(SOURCE)))
                .concatMapIterable(d -> stage.apply(d, SOURCE).documents()).collectList().block(WAIT);
        List<String> out = new ArrayList<>();
        docs.stream().sorted((a, b) -> DocumentStage.describeId(a.get("_id")).compareTo(DocumentStage.describeId(b.get("_id"))))
                .forEach(d -> out.add(d.toJson()));
        return out;
    }

    private List<String> all(MongoCollection<RawBsonDocument> coll) {
        List<String> out = new ArrayList<>();
        Flux.from(coll.find()).collectList().block(WAIT).stream()
                .sorted((a, b) -> DocumentStage.describeId(a.get("_id")).compareTo(DocumentStage.describeId(b.get("_id"))))
                .forEach(d -> out.add(d.toJson()));
        return out;
    }

    private List<String> ids(MongoCollection<RawBsonDocument> coll) {
        return Flux.from(coll.find().sort(new BsonDocument("_id", new BsonInt32(1)))).map(d -> DocumentStage.describeId(d.get("_id")))
                .collectList().block(WAIT);
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
