package io.dataworks.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.error.ErrorClassifier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Cosmos mode over TCP with the real driver. The budget refills by a clock the test moves by hand, so every
 * charge, every admitted prefix and every {@code RetryAfterMs} is known exactly.
 */
class CosmosModeIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Documents of well under 1 KB cost exactly {@link CosmosRequestUnits#WRITE_RU_PER_KB} each. */
    private static final double DOC_RU = CosmosRequestUnits.WRITE_RU_PER_KB;

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    private EmbeddedMongo start(double ruPerSecond) {
        return EmbeddedMongo.builder().cosmosBudget(ruPerSecond).nanoClock(nanos::get).start();
    }

    /** One pooled connection, so that getLastRequestStatistics asks about this client's last request. */
    private static MongoClient client(EmbeddedMongo mongo) {
        return MongoClients.create(mongo.connectionString() + "/?maxPoolSize=1");
    }

    private void advanceMillis(long millis) {
        nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    @Test
    void unorderedInsertWritesExactlyTheAffordablePrefixAndRefusesEachOfTheRest() {
        try (EmbeddedMongo mongo = start(1000); MongoClient client = client(mongo)) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");

            // 1000 RU cover 181 documents of 5.5 RU (995.5); the 19 others cost 104.5, 100 more than the 4.5 left
            MongoBulkWriteException e = insertFailing(coll, docs(0, 200), false);

            assertThat(e.getWriteResult().getInsertedCount()).isEqualTo(181);
            assertThat(e.getWriteErrors()).hasSize(19);
            assertThat(e.getWriteErrors()).extracting(BulkWriteError::getIndex).containsExactlyElementsOf(range(181, 200));
            for (BulkWriteError error : e.getWriteErrors()) {
                assertThat(error.getCode()).isEqualTo(16500);
                assertThat(ErrorClassifier.parseRetryAfter(error.getMessage())).contains(Duration.ofMillis(100));
            }
            assertThat(mongo.cosmosStats()).isEqualTo(new CosmosStats(1, 1, 1, 19, 181, 181 * DOC_RU, 0, 1000 - 181 * DOC_RU));
            Document stats = lastRequestStatistics(client);
            assertThat(stats.getString("CommandName")).isEqualTo("insert");
            assertThat(stats.getDouble("RequestCharge")).isEqualTo(181 * DOC_RU);

            // the rest at once: not even the first is covered, so the request is refused whole, nothing written
            List<Document> rest = docs(181, 200);
            MongoCommandException refused = insertRefused(coll, rest);
            assertThat(refused.getErrorCode()).isEqualTo(16500);
            assertThat(ErrorClassifier.parseRetryAfter(refused.getErrorMessage())).contains(Duration.ofMillis(100));
            assertThat(lastRequestStatistics(client).getDouble("RequestCharge")).isZero();

            // after exactly RetryAfterMs the budget covers the whole rest (a duplicate would fail: only the prefix was there)
            advanceMillis(100);
            Mono.from(coll.insertMany(rest, new InsertManyOptions().ordered(false))).block(TIMEOUT);
            assertThat(mongo.cosmosStats()).isEqualTo(new CosmosStats(3, 2, 1, 38, 200, 200 * DOC_RU, 0, 0));
            assertThat(mongo.throttledCount()).as("requests refused whole").isEqualTo(1);
            advanceMillis(1000); // reads cost too
            assertThat(ids(coll)).containsExactlyElementsOf(range(0, 200));
        }
    }

    @Test
    void orderedInsertStopsAtTheFirstDocumentTheBudgetDoesNotCover() {
        try (EmbeddedMongo mongo = start(1000); MongoClient client = client(mongo)) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");

            MongoBulkWriteException e = insertFailing(coll, docs(0, 200), true);

            assertThat(e.getWriteResult().getInsertedCount()).isEqualTo(181);
            assertThat(e.getWriteErrors()).singleElement().satisfies(error -> {
                assertThat(error.getIndex()).isEqualTo(181);
                assertThat(error.getCode()).isEqualTo(16500);
                assertThat(ErrorClassifier.parseRetryAfter(error.getMessage())).contains(Duration.ofMillis(100));
            });
            assertThat(mongo.cosmosStats().throttledDocuments()).isEqualTo(19);
            advanceMillis(1000);
            assertThat(ids(coll)).containsExactlyElementsOf(range(0, 181));
        }
    }

    @Test
    void theBudgetRefillsWithTimeUpToOneSecondsWorth() {
        try (EmbeddedMongo mongo = start(1000); MongoClient client = client(mongo)) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            insertFailing(coll, docs(0, 200), false); // 181 written, 4.5 RU left

            advanceMillis(500); // 504.5 RU: 91 documents (500.5)
            MongoBulkWriteException half = insertFailing(coll, docs(1000, 1200), false);
            assertThat(half.getWriteResult().getInsertedCount()).isEqualTo(91);
            // the 109 others cost 599.5; 4 RU are left: 595.5 more at 1 RU/ms
            assertThat(ErrorClassifier.parseRetryAfter(half.getWriteErrors().get(0).getMessage())).contains(Duration.ofMillis(596));

            advanceMillis(60_000); // a long pause refills one second's worth, no more: 181 documents again
            MongoBulkWriteException full = insertFailing(coll, docs(2000, 2200), false);
            assertThat(full.getWriteResult().getInsertedCount()).isEqualTo(181);

            mongo.cosmosBudget(2000); // a step up applies from now on
            assertThat(mongo.cosmosBudget()).isEqualTo(2000);
            advanceMillis(1000);
            MongoBulkWriteException stepped = insertFailing(coll, docs(3000, 3400), false);
            assertThat(stepped.getWriteResult().getInsertedCount()).isEqualTo(363); // 2004.5 RU / 5.5
        }
    }

    @Test
    void readsAreChargedByTheBytesTheyReturnAndRefusedWhileTheBudgetIsInDebt() {
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().nanoClock(nanos::get).start(); MongoClient client = client(mongo)) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            List<Document> big = docs(0, 50);
            big.forEach(d -> d.append("payload", "y".repeat(1000)));
            Mono.from(coll.insertMany(big)).block(TIMEOUT);
            mongo.cosmosBudget(50); // on from now: a full bucket of 50 RU; each batch of 10 documents costs about 11

            MongoCollection<RawBsonDocument> raw = client.getDatabase("db").getCollection("c", RawBsonDocument.class);
            List<RawBsonDocument> read = Flux.from(raw.find().sort(Sorts.ascending("_id")).batchSize(10)).collectList().block(TIMEOUT);
            assertThat(read).hasSize(50);
            double expected = 0;
            double lastBatch = 0;
            for (int batch = 0; batch < 5; batch++) { // find + 4 getMore, 10 documents each
                long bytes = read.subList(batch * 10, batch * 10 + 10).stream().mapToLong(d -> d.getByteBuffer().remaining()).sum();
                lastBatch = CosmosRequestUnits.read(bytes);
                expected += lastBatch;
            }
            assertThat(lastBatch).isGreaterThan(CosmosRequestUnits.MIN_READ_RU);
            assertThat(expected).as("the last batch was admitted with budget left, and charged into debt").isBetween(50.0, 60.0);
            assertThat(mongo.cosmosStats().requestUnits()).isCloseTo(expected, within(1e-9));
            assertThat(mongo.cosmosStats().requests()).isEqualTo(5);
            Document stats = lastRequestStatistics(client);
            assertThat(stats.getString("CommandName")).isEqualTo("getMore");
            assertThat(stats.getDouble("RequestCharge")).isCloseTo(lastBatch, within(1e-9));

            // 50 RU minus the charge: in debt, so the next read waits until the bucket holds 1 RU again
            double tokens = 50 - expected;
            long retryAfter = (long) Math.ceil((CosmosRequestUnits.MIN_READ_RU - tokens) * 1000.0 / 50);
            MongoCommandException refused = (MongoCommandException) Mono.from(coll.find().first()).map(Object.class::cast)
                    .onErrorResume(Mono::just).block(TIMEOUT);
            assertThat(refused.getErrorCode()).isEqualTo(16500);
            assertThat(ErrorClassifier.parseRetryAfter(refused.getErrorMessage())).contains(Duration.ofMillis(retryAfter));

            advanceMillis(retryAfter);
            assertThat(Mono.from(coll.find().first()).block(TIMEOUT)).isNotNull();
            assertThat(mongo.cosmosStats().throttledRequests()).isEqualTo(1);
        }
    }

    @Test
    void lastRequestStatisticsArePerConnection() {
        try (EmbeddedMongo mongo = start(100_000); MongoClient writer = client(mongo); MongoClient reader = client(mongo)) {
            MongoCollection<Document> written = writer.getDatabase("db").getCollection("c");
            Mono.from(written.insertMany(docs(0, 10))).block(TIMEOUT);
            Flux.from(reader.getDatabase("db").getCollection("c").find()).collectList().block(TIMEOUT);

            Document writes = lastRequestStatistics(writer);
            Document reads = lastRequestStatistics(reader);
            assertThat(writes.getString("CommandName")).isEqualTo("insert");
            assertThat(writes.getDouble("RequestCharge")).isEqualTo(10 * DOC_RU);
            assertThat(reads.getString("CommandName")).isEqualTo("find");
            assertThat(reads.getDouble("RequestCharge")).isPositive();
            for (Document stats : List.of(writes, reads)) {
                assertThat(stats.get("RequestDurationInMilliSeconds", Number.class).longValue()).isNotNegative();
                assertThat(stats.getString("ActivityId")).matches("[0-9a-f-]{36}");
            }
            assertThat(writes.getString("ActivityId")).isNotEqualTo(reads.getString("ActivityId"));
        }
    }

    @Test
    void withoutTheCosmosModeTheServerDoesNotKnowTheCommand() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); MongoClient client = client(mongo)) {
            Object answer = Mono.from(client.getDatabase("db").runCommand(new Document("getLastRequestStatistics", 1)))
                    .map(Object.class::cast).onErrorResume(Mono::just).block(TIMEOUT);
            assertThat(answer).isInstanceOf(MongoCommandException.class);
            assertThat(mongo.cosmosStats()).isEqualTo(new CosmosStats(0, 0, 0, 0, 0, 0, 0, 0));
        }
    }

    private static Document lastRequestStatistics(MongoClient client) {
        return Mono.from(client.getDatabase("db").runCommand(new Document("getLastRequestStatistics", 1))).block(TIMEOUT);
    }

    private static MongoBulkWriteException insertFailing(MongoCollection<Document> coll, List<Document> docs, boolean ordered) {
        Object outcome = Mono.from(coll.insertMany(docs, new InsertManyOptions().ordered(ordered))).map(Object.class::cast)
                .onErrorResume(Mono::just).block(TIMEOUT);
        assertThat(outcome).isInstanceOf(MongoBulkWriteException.class);
        return (MongoBulkWriteException) outcome;
    }

    private static MongoCommandException insertRefused(MongoCollection<Document> coll, List<Document> docs) {
        Object outcome = Mono.from(coll.insertMany(docs, new InsertManyOptions().ordered(false))).map(Object.class::cast)
                .onErrorResume(Mono::just).block(TIMEOUT);
        assertThat(outcome).isInstanceOf(MongoCommandException.class);
        return (MongoCommandException) outcome;
    }

    private static List<Integer> ids(MongoCollection<Document> coll) {
        return Flux.from(coll.withDocumentClass(BsonDocument.class).find().sort(Sorts.ascending("_id")))
                .map(d -> d.getInt32("_id").getValue()).collectList().block(TIMEOUT);
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    /** Documents of about 130 bytes: each costs the minimum write charge. */
    static List<Document> docs(int from, int to) {
        List<Document> docs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            docs.add(new Document("_id", i).append("payload", "x".repeat(100)));
        }
        return docs;
    }
}
