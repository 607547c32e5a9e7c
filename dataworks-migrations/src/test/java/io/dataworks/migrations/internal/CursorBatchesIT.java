package io.dataworks.migrations.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.testing.MongoTestExtension;
import io.dataworks.core.testing.TestMongo;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The copy's cursor read batch by batch against a real server: what it hands on, and what goes over the wire. */
@ExtendWith(MongoTestExtension.class)
class CursorBatchesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Long> roundTrips = new CopyOnWriteArrayList<>();
    private MongoClient client;
    private MongoCollection<RawBsonDocument> collection;

    @BeforeEach
    void collectionOf2500(TestMongo mongo) {
        client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        commands.add(event.getCommandName());
                    }
                })
                .build());
        collection = client.getDatabase(mongo.freshDatabaseName()).getCollection("docs", RawBsonDocument.class);
        List<RawBsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            docs.add(RawBsonDocument.parse(new BsonDocument("_id", new BsonInt32(i)).append("v", new BsonString("x" + i)).toJson()));
        }
        Mono.from(collection.insertMany(docs)).block(TIMEOUT);
        commands.clear();
    }

    @AfterEach
    void close() {
        client.close();
    }

    private Flux<List<RawBsonDocument>> read(int batchSize) {
        return CursorBatches.read(collection.find().sort(new BsonDocument("_id", new BsonInt32(1))).batchSize(batchSize), batchSize,
                roundTrips::add);
    }

    @Test
    void handsOnEachServerBatchAsOneListInOrder() {
        assertThat(CursorBatches.readsServerBatches(collection.find())).isTrue();
        List<List<RawBsonDocument>> batches = read(1000).collectList().block(TIMEOUT);

        assertThat(batches).extracting(List::size).containsExactly(1000, 1000, 500);
        List<Integer> ids = batches.stream().flatMap(List::stream).map(d -> d.getInt32("_id").getValue()).toList();
        assertThat(ids).hasSize(2500).isSorted().doesNotHaveDuplicates();
        // one find and a getMore per further batch: nothing re-read, nothing asked twice
        assertThat(commands.stream().filter(c -> c.equals("find") || c.equals("getMore")))
                .containsExactly("find", "getMore", "getMore");
        // each of them timed for the read latency, the first batch (the find's reply) not twice
        assertThat(roundTrips).hasSize(3).allSatisfy(nanos -> assertThat(nanos).isPositive());
    }

    @Test
    void readsNoFurtherThanTheDemand() {
        StepVerifier.create(read(500), 1)
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(300))
                // the first batch came with the find; no getMore goes out while nobody asks for the next batch
                .then(() -> assertThat(commands).doesNotContain("getMore"))
                .thenRequest(1)
                .expectNextCount(1)
                .then(() -> assertThat(commands.stream().filter("getMore"::equals).count()).isEqualTo(1))
                .thenCancel()
                .verify(TIMEOUT);
        // cancelling closes the server's cursor
        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> commands.contains("killCursors"));
    }

    @Test
    void anEmptyResultIsNoBatchAtAll() {
        StepVerifier.create(CursorBatches.read(collection.find(new BsonDocument("_id", new BsonInt32(-1))), 100, roundTrips::add))
                .verifyComplete();
    }

    @Test
    void anotherPublisherIsGatheredIntoListsOfTheBatchSize() {
        List<List<Integer>> lists = CursorBatches.read(Flux.range(0, 25), 10, nanos -> { }).collectList().block(TIMEOUT);
        assertThat(CursorBatches.readsServerBatches(Flux.range(0, 1))).isFalse();
        assertThat(lists).extracting(List::size).containsExactly(10, 10, 5);
    }
}
