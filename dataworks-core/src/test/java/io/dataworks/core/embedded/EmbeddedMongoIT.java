package io.dataworks.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoCommandException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.OperationType;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class EmbeddedMongoIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void servesTheDriverOverTcpOnLoopback() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); MongoClient client = MongoClients.create(mongo.connectionString())) {
            assertThat(mongo.connectionString()).isEqualTo("mongodb://127.0.0.1:" + mongo.port());
            assertThat(mongo.port()).isPositive();
            assertThat(mongo.uri().hosts()).containsExactly("127.0.0.1:" + mongo.port());
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.insertMany(docs(0, 100))).block(TIMEOUT);
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isEqualTo(100);
            assertThat(mongo.writeCommandCount()).isEqualTo(1);
            assertThat(mongo.throttledCount()).isZero();
        }
    }

    @Test
    void sampleNeverFailsWithTheShuffleSortError() {
        // mongo-java-server's $sample sorts by a random key drawn per comparison; TimSort throws now and then
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.insertMany(docs(0, 20_000))).block(TIMEOUT);
            List<Document> pipeline = List.of(new Document("$sample", new Document("size", 1000)),
                    new Document("$project", new Document("_id", 1)), new Document("$sort", new Document("_id", 1)));
            for (int i = 0; i < 30; i++) {
                assertThat(Flux.from(coll.aggregate(pipeline)).collectList().block(TIMEOUT)).hasSize(1000);
            }
        }
    }

    @Test
    void throttledWriteIsRefusedLikeCosmosDbAndAppliesNothing() {
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().throttleRate(1.0).retryAfterMs(37).start();
                MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            assertThatThrownBy(() -> Mono.from(coll.insertMany(docs(0, 50))).block(TIMEOUT))
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(16500);
                        assertThat(e.getErrorCodeName()).isEqualTo("TooManyRequests");
                        assertThat(e.getErrorMessage()).contains("RetryAfterMs=37").contains("Request rate is large");
                    });
            assertThatThrownBy(() -> Mono.from(coll.updateOne(Filters.eq("_id", 1), Updates.set("x", 1))).block(TIMEOUT))
                    .isInstanceOf(MongoCommandException.class);
            assertThatThrownBy(() -> Mono.from(coll.deleteOne(Filters.eq("_id", 1))).block(TIMEOUT))
                    .isInstanceOf(MongoCommandException.class);
            assertThatThrownBy(() -> Mono.from(coll.findOneAndUpdate(Filters.eq("_id", 1), Updates.set("x", 1))).block(TIMEOUT))
                    .isInstanceOf(MongoCommandException.class);
            assertThat(mongo.writeCommandCount()).isEqualTo(4);
            assertThat(mongo.throttledCount()).isEqualTo(4);

            // reads are never throttled, and nothing of the refused insert is there
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isZero();

            mongo.throttleRate(0);
            Mono.from(coll.insertMany(docs(0, 50))).block(TIMEOUT);
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isEqualTo(50);
            assertThat(mongo.throttledCount()).isEqualTo(4);
        }
    }

    @Test
    void readsAreThrottledOnlyWhenAskedFor() {
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().throttleRate(1).retryAfterMs(5).throttleReads(true).start();
                MongoClient client = MongoClients.create(mongo.connectionString() + "/?retryReads=false")) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            assertThatThrownBy(() -> Flux.from(coll.find()).collectList().block(TIMEOUT))
                    .isInstanceOfSatisfying(MongoCommandException.class, e -> assertThat(e.getErrorCode()).isEqualTo(16500));
            assertThatThrownBy(() -> Mono.from(coll.countDocuments()).block(TIMEOUT)).isInstanceOf(MongoCommandException.class);
            assertThat(mongo.throttledCount()).isEqualTo(2);
            assertThat(mongo.writeCommandCount()).isZero();

            mongo.throttleReads(false);
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isZero();
            assertThat(mongo.throttleReads()).isFalse();
        }
    }

    @Test
    void throttleDecisionsFollowTheSeed() {
        List<Boolean> first = decisions(7, 0.3);
        assertThat(decisions(7, 0.3)).isEqualTo(first);
        assertThat(decisions(8, 0.3)).isNotEqualTo(first);
        long throttled = IntStream.rangeClosed(1, 10_000).filter(n -> ThrottlingMemoryBackend.shouldThrottle(7, n, 0.3)).count();
        assertThat(throttled).isBetween(2_700L, 3_300L);
    }

    @Test
    void sameSeedThrottlesTheSameCommandsOverTheWire() {
        assertThat(throttledSequence(11)).isEqualTo(throttledSequence(11)).contains(true, false);
    }

    @Test
    void changeStreamSeesInsertsWhenTheOplogIsOn() {
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().oplog(true).start();
                MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("events");
            Mono.from(coll.insertOne(new Document("_id", 0))).block(TIMEOUT); // the collection must exist

            Flux<ChangeStreamDocument<Document>> changes = Flux.from(coll.watch());
            StepVerifier.create(changes.take(3))
                    .then(() -> Mono.from(coll.insertOne(new Document("_id", 1).append("v", "a")))
                            .then(Mono.from(coll.updateOne(Filters.eq("_id", 1), Updates.set("v", "b"))))
                            .then(Mono.from(coll.deleteOne(Filters.eq("_id", 1))))
                            .delaySubscription(Duration.ofMillis(300))
                            .subscribe())
                    .assertNext(c -> {
                        assertThat(c.getOperationType()).isEqualTo(OperationType.INSERT);
                        assertThat(c.getFullDocument()).containsEntry("v", "a");
                        assertThat(c.getResumeToken()).isNotNull();
                    })
                    .assertNext(c -> assertThat(c.getOperationType()).isEqualTo(OperationType.UPDATE))
                    .assertNext(c -> assertThat(c.getOperationType()).isEqualTo(OperationType.DELETE))
                    .expectComplete()
                    .verify(TIMEOUT);
        }
    }

    @Test
    void builderRejectsBadSettings() {
        assertThatThrownBy(() -> EmbeddedMongo.builder().throttleRate(1.5)).hasMessageContaining("throttleRate");
        assertThatThrownBy(() -> EmbeddedMongo.builder().retryAfterMs(-1)).hasMessageContaining("retryAfterMs");
        assertThatThrownBy(() -> EmbeddedMongo.builder().port(70000)).hasMessageContaining("port");
        assertThatThrownBy(() -> EmbeddedMongo.parseArgs(new String[] {"--port"})).hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> EmbeddedMongo.parseArgs(new String[] {"--bogus"})).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> EmbeddedMongo.parseArgs(new String[] {"--write-budget", "-1"})).hasMessageContaining("writeBudget");
        assertThatThrownBy(() -> EmbeddedMongo.parseArgs(new String[] {"--port", "x"})).hasMessageContaining("--port must be a whole number");
        try (EmbeddedMongo mongo = EmbeddedMongo.parseArgs(new String[] {"--port", "0", "--write-budget", "100", "--throttle-rate",
                "0.25", "--retry-after-ms", "7", "--throttle-seed", "3", "--oplog"}).start()) {
            assertThat(mongo.writeBudget()).isEqualTo(100);
            assertThat(mongo.throttleRate()).isEqualTo(0.25);
            assertThat(mongo.oplogEnabled()).isTrue();
            assertThat(mongo.toString()).contains("oplog", "throttleRate=0.25", "writeBudget=100/s");
            mongo.writeBudget(0);
            assertThat(mongo.writeBudget()).isZero();
        }
        assertThatThrownBy(() -> EmbeddedMongo.parseArgs(new String[] {"--cosmos-budget", "-5"})).hasMessageContaining("cosmosBudget");
        assertThatThrownBy(() -> EmbeddedMongo.builder().cosmosBudget(Double.NaN)).hasMessageContaining("cosmosBudget");
        try (EmbeddedMongo mongo = EmbeddedMongo.parseArgs(new String[] {"--port", "0"}).start()) {
            assertThat(mongo.orderedIdIndex()).as("on by default, as on every MongoDB server").isTrue();
            assertThat(mongo.toString()).contains("orderedIdIndex");
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.parseArgs(new String[] {"--port", "0", "--scan-id-ranges"}).start()) {
            assertThat(mongo.orderedIdIndex()).as("the Cosmos-like scan, switched on").isFalse();
            assertThat(mongo.toString()).doesNotContain("orderedIdIndex");
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.parseArgs(new String[] {"--port", "0", "--ordered-id-index"}).start()) {
            assertThat(mongo.orderedIdIndex()).isTrue();
        }
        try (EmbeddedMongo mongo = EmbeddedMongo.parseArgs(new String[] {"--port", "0", "--cosmos-budget", "44000"}).start()) {
            assertThat(mongo.cosmosBudget()).isEqualTo(44_000);
            assertThat(mongo.toString()).contains("cosmosBudget=44000.0 RU/s");
            mongo.cosmosBudget(0);
            assertThat(mongo.cosmosBudget()).isZero();
        }
    }

    private static List<Boolean> decisions(long seed, double rate) {
        List<Boolean> out = new ArrayList<>();
        for (long n = 1; n <= 64; n++) {
            out.add(ThrottlingMemoryBackend.shouldThrottle(seed, n, rate));
        }
        return out;
    }

    private static List<Boolean> throttledSequence(long seed) {
        List<Boolean> out = new ArrayList<>();
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().throttleRate(0.5).throttleSeed(seed).start();
                MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            for (int i = 0; i < 20; i++) {
                out.add(Mono.from(coll.insertOne(new Document("_id", i))).map(r -> false).onErrorReturn(true).block(TIMEOUT));
            }
        }
        return out;
    }

    static List<Document> docs(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> new Document("_id", i).append("n", i)).toList();
    }
}
