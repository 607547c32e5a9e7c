package io.dataworks.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.testing.TcpProxy;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/** Classification of errors a real server produced over TCP, as the reactive driver surfaces them. */
class ErrorClassificationIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void throttledWriteIsThrottledWithItsRetryAfter() {
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().throttleRate(1).retryAfterMs(37).start();
                MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");

            Throwable error = failure(coll.insertMany(List.of(new Document("_id", 1), new Document("_id", 2))));

            assertThat(error).isInstanceOf(MongoCommandException.class);
            ErrorClassification c = ErrorClassifier.classify(error);
            assertThat(c.kind()).isEqualTo(ErrorKind.THROTTLED);
            assertThat(c.retryAfter()).contains(Duration.ofMillis(37));
            assertThat(c.code()).isEqualTo(16500);
            assertThat(c.message()).contains("Request rate is large");
            assertThat(c.retryable()).isTrue();
        }
    }

    @Test
    void duplicateInsertIsDuplicateKey() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.insertOne(new Document("_id", 1))).block(TIMEOUT);

            Throwable error = failure(coll.insertOne(new Document("_id", 1)));

            assertThat(error).isInstanceOf(MongoWriteException.class);
            ErrorClassification c = ErrorClassifier.classify(error);
            assertThat(c.kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
            assertThat(c.code()).isEqualTo(11000);
            assertThat(c.retryable()).isFalse();
        }
    }

    @Test
    void unorderedInsertManyReportsEachDuplicateAndInsertsTheRest() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.insertMany(List.of(new Document("_id", 2), new Document("_id", 4)))).block(TIMEOUT);

            Throwable error = failure(coll.insertMany(
                    List.of(new Document("_id", 1), new Document("_id", 2), new Document("_id", 3), new Document("_id", 4)),
                    new InsertManyOptions().ordered(false)));

            assertThat(error).isInstanceOfSatisfying(MongoBulkWriteException.class, bulk -> {
                assertThat(bulk.getWriteErrors()).extracting(e -> e.getIndex()).containsExactly(1, 3);
                assertThat(bulk.getWriteErrors()).allSatisfy(e -> {
                    assertThat(ErrorClassifier.classify(e).kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
                    assertThat(ErrorClassifier.classify(e).code()).isEqualTo(11000);
                });
            });
            assertThat(ErrorClassifier.classify(error).kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isEqualTo(4);
        }
    }

    @Test
    void droppedConnectionMidRequestIsTransient() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); TcpProxy proxy = TcpProxy.start("127.0.0.1", mongo.port());
                MongoClient client = MongoClients.create(proxy.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.insertOne(new Document("_id", 0))).block(TIMEOUT);

            proxy.stall(true); // the batch is on the wire, the server has not seen it
            Sinks.One<Throwable> outcome = Sinks.one();
            Mono.from(coll.insertMany(List.of(new Document("_id", 1), new Document("_id", 2))))
                    .subscribe(r -> outcome.tryEmitValue(null), outcome::tryEmitValue);
            assertThat(outcome.asMono().timeout(Duration.ofMillis(200), Mono.empty()).block(TIMEOUT)).isNull();
            proxy.dropConnections();
            Throwable error = outcome.asMono().block(TIMEOUT);
            proxy.stall(false);

            assertThat(error).isInstanceOf(MongoSocketException.class);
            ErrorClassification c = ErrorClassifier.classify(error);
            assertThat(c.kind()).isEqualTo(ErrorKind.TRANSIENT);
            assertThat(c.retryable()).isTrue();
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isEqualTo(1);
        }
    }

    @Test
    void badRequestIsPermanent() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); MongoClient client = MongoClients.create(mongo.connectionString())) {
            Throwable error = failure(client.getDatabase("db").runCommand(new Document("noSuchCommand", 1)));

            assertThat(error).isInstanceOf(MongoCommandException.class);
            ErrorClassification c = ErrorClassifier.classify(error);
            assertThat(c.kind()).isEqualTo(ErrorKind.PERMANENT);
            assertThat(c.code()).isPositive();
        }
    }

    @Test
    void documentOverSixteenMegabytesIsTooLarge() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Document huge = new Document("_id", 1).append("blob", new byte[17 * 1024 * 1024]);

            Throwable error = failure(coll.insertOne(huge));

            ErrorClassification c = ErrorClassifier.classify(error);
            assertThat(c.kind()).as("%s", error).isEqualTo(ErrorKind.TOO_LARGE);
        }
    }

    static Throwable failure(org.reactivestreams.Publisher<?> publisher) {
        reactor.core.publisher.Signal<?> signal = Mono.from(publisher).materialize().block(TIMEOUT);
        assertThat(signal).isNotNull();
        assertThat(signal.isOnError()).as("expected a failure, got %s", signal).isTrue();
        return signal.getThrowable();
    }
}
