package io.dataworks.migrations.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.ConnectionString;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.ServerAddress;
import com.mongodb.WriteConcern;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.embedded.CosmosRequestUnits;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.testing.MongoTestExtension;
import io.dataworks.core.testing.TestMongo;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/** The copy's insert command against a real server over TCP: what lands, what is refused, and how it is told. */
@ExtendWith(MongoTestExtension.class)
class RawInsertIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static List<RawBsonDocument> documents(int from, int count) {
        List<RawBsonDocument> docs = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            // mixed _id types and a nested array: the bytes must land as they were
            BsonDocument doc = new BsonDocument("_id", i % 3 == 0 ? new BsonObjectId(new ObjectId()) : new BsonString("id-" + i))
                    .append("n", new BsonInt32(i))
                    .append("tags", new BsonArray(List.of(new BsonString("a"), new BsonDocument("b", new BsonBinary(new byte[] {1, 2, (byte) i})))));
            docs.add(new RawBsonDocument(doc, new org.bson.codecs.BsonDocumentCodec()));
        }
        return docs;
    }

    @Test
    void insertsTheDocumentsByteForByteWithOneInsertCommand(TestMongo mongo) {
        List<String> commands = new CopyOnWriteArrayList<>();
        try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(mongo.connectionString()))
                .addCommandListener(new CommandListener() {
                    @Override
                    public void commandStarted(CommandStartedEvent event) {
                        commands.add(event.getCommandName());
                    }
                }).build())) {
            MongoCollection<RawBsonDocument> target = client.getDatabase(mongo.freshDatabaseName()).getCollection("docs", RawBsonDocument.class);
            List<RawBsonDocument> docs = documents(0, 500);

            RawInsert.insert(client, target, docs).block(TIMEOUT);

            assertThat(commands).containsExactly("insert");
            List<RawBsonDocument> stored = Flux.from(target.find()).collectList().block(TIMEOUT);
            assertThat(stored).hasSize(500);
            // byte-identical: the same documents, field order and types included
            assertThat(stored.stream().map(RawBsonDocument::toJson).sorted().toList())
                    .isEqualTo(docs.stream().map(RawBsonDocument::toJson).sorted().toList());
        }
    }

    @Test
    void refusedDocumentsComeBackByTheirIndexAndTheOthersAreWritten(TestMongo mongo) {
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<RawBsonDocument> target = client.getDatabase(mongo.freshDatabaseName()).getCollection("docs", RawBsonDocument.class);
            List<RawBsonDocument> first = documents(0, 10);
            RawInsert.insert(client, target, first).block(TIMEOUT);
            // the batch again with ten new documents between: unordered, the new ones land, the old ones are refused
            List<RawBsonDocument> again = new ArrayList<>();
            List<RawBsonDocument> fresh = documents(100, 10);
            for (int i = 0; i < 10; i++) {
                again.add(fresh.get(i));
                again.add(first.get(i));
            }

            MongoBulkWriteException refused = catchThrowableOfType(() -> RawInsert.insert(client, target, again).block(TIMEOUT),
                    MongoBulkWriteException.class);

            assertThat(refused.getWriteErrors()).extracting(BulkWriteError::getIndex).containsExactly(1, 3, 5, 7, 9, 11, 13, 15, 17, 19);
            assertThat(refused.getWriteErrors()).allSatisfy(e -> assertThat(e.getCode()).isEqualTo(11000));
            assertThat(refused.getWriteResult().getInsertedCount()).isEqualTo(10);
            assertThat(refused.getWriteConcernError()).isNull();
            assertThat(Mono.from(target.countDocuments()).block(TIMEOUT)).isEqualTo(20);
        }
    }

    @Test
    void aCosmosBudgetThatCoversPartOfTheBatchRefusesTheRestWith16500() throws Exception {
        // a budget of about 20 small documents a second, its bucket full at the start: a batch of 200 is taken in part
        try (EmbeddedMongo cosmos = EmbeddedMongo.builder().cosmosBudget(CosmosRequestUnits.insertBudget(20)).start();
             MongoClient client = MongoClients.create(cosmos.connectionString())) {
            MongoCollection<RawBsonDocument> target = client.getDatabase("db").getCollection("docs", RawBsonDocument.class);
            List<RawBsonDocument> docs = documents(0, 200);

            MongoBulkWriteException refused = catchThrowableOfType(() -> RawInsert.insert(client, target, docs).block(TIMEOUT),
                    MongoBulkWriteException.class);

            List<BulkWriteError> errors = refused.getWriteErrors();
            assertThat(errors).isNotEmpty().allSatisfy(e -> {
                assertThat(e.getCode()).isEqualTo(16500);
                assertThat(e.getMessage()).contains("RetryAfterMs");
            });
            // the budget is spent: the reads wait for it as a client would (16500, then again)
            long stored = Mono.from(target.countDocuments()).retryWhen(Retry.fixedDelay(100, Duration.ofMillis(50))).block(TIMEOUT);
            assertThat(stored).isPositive().isEqualTo(200 - errors.size()).isEqualTo(refused.getWriteResult().getInsertedCount());
            // the refused ones are exactly the documents not stored
            List<Object> storedIds = Flux.from(target.find()).map(d -> (Object) d.get("_id")).collectList()
                    .retryWhen(Retry.fixedDelay(100, Duration.ofMillis(50))).block(TIMEOUT);
            assertThat(errors).allSatisfy(e -> assertThat(storedIds).doesNotContain(docs.get(e.getIndex()).get("_id")));
            assertThat(refused.getServerAddress().getPort()).isEqualTo(new ConnectionString(cosmos.connectionString())
                    .getHosts().stream().map(h -> new ServerAddress(h).getPort()).findFirst().orElseThrow());
        }
    }

    @Test
    void theCommandCarriesAWriteConcernOnlyWhenOneIsSet() {
        List<RawBsonDocument> docs = documents(0, 2);
        assertThat(RawInsert.command("c", WriteConcern.ACKNOWLEDGED, docs).containsKey("writeConcern")).isFalse();
        BsonDocument majority = RawInsert.command("c", WriteConcern.MAJORITY.withJournal(true), docs);
        assertThat(majority.getDocument("writeConcern")).isEqualTo(WriteConcern.MAJORITY.withJournal(true).asDocument());
        assertThat(majority.getBoolean("ordered").getValue()).isFalse();
        assertThat(majority.getArray("documents")).hasSize(2);
    }

    @Test
    void aWriteConcernErrorIsARefusalEvenWithEveryDocumentWritten() {
        BsonDocument reply = BsonDocument.parse("{ok: 1, n: 3, writeConcernError: {code: 64, codeName: 'WriteConcernFailed', "
                + "errmsg: 'waiting for replication timed out'}, errorLabels: ['RetryableWriteError']}");

        MongoBulkWriteException refused = RawInsert.refused(reply, 3, new ServerAddress("db.example", 27017));

        assertThat(refused.getWriteErrors()).isEmpty();
        assertThat(refused.getWriteConcernError().getCode()).isEqualTo(64);
        assertThat(refused.getWriteResult().getInsertedCount()).isEqualTo(3);
        assertThat(refused.getErrorLabels()).containsExactly("RetryableWriteError");
        assertThat(RawInsert.refused(BsonDocument.parse("{ok: 1, n: 3}"), 3, new ServerAddress())).isNull();
    }

    @Test
    void aBatchFitsOneCommandUpToTheLargestDocumentPlusTheServersHeadroom() {
        long max = 16L * 1024 * 1024;
        assertThat(RawInsert.fits(8L * 1024 * 1024, 1000, max)).isTrue();
        assertThat(RawInsert.fits(max, 1, max)).isTrue(); // one largest document always fits
        assertThat(RawInsert.fits(max + RawInsert.COMMAND_HEADROOM, 1, max)).isFalse();
        assertThat(RawInsert.fits(max, 2000, max)).isFalse(); // the array's keys count too
    }
}
