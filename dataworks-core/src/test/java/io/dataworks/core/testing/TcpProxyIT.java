package io.dataworks.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoSocketException;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.embedded.EmbeddedMongo;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class TcpProxyIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void forwardsTraffic() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); TcpProxy proxy = TcpProxy.start("127.0.0.1", mongo.port());
                MongoClient client = MongoClients.create(proxy.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.insertOne(new Document("_id", 1))).block(TIMEOUT);
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isEqualTo(1);
            assertThat(proxy.connectionsAccepted()).isPositive();
            assertThat(proxy.connectionString()).isEqualTo("mongodb://127.0.0.1:" + proxy.port() + "/?directConnection=true");
        }
    }

    @Test
    void stallHoldsARequestAndDropFailsItWithASocketError() throws Exception {
        // retryReads=false: otherwise the driver retries the read once, on a new connection that is stalled too
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); TcpProxy proxy = TcpProxy.start("127.0.0.1", mongo.port());
                MongoClient client = MongoClients.create(proxy.connectionString() + "&retryReads=false")) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.insertOne(new Document("_id", 1))).block(TIMEOUT);

            proxy.stall(true);
            Sinks.One<Object> outcome = Sinks.one();
            Mono.from(coll.countDocuments()).subscribe(outcome::tryEmitValue, outcome::tryEmitValue);
            assertThat(outcome.asMono().timeout(Duration.ofMillis(300), Mono.just("pending")).block(TIMEOUT))
                    .as("no answer while stalled").isEqualTo("pending");

            proxy.dropConnections();
            Object result = outcome.asMono().block(TIMEOUT);
            assertThat(result).isInstanceOf(MongoSocketException.class);

            // the driver reconnects through the proxy once it forwards again
            proxy.stall(false);
            long before = proxy.connectionsAccepted();
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isEqualTo(1);
            assertThat(proxy.connectionsAccepted()).isGreaterThan(before);
        }
    }

    @Test
    void stallThenResumeLosesNothing() throws Exception {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(); TcpProxy proxy = TcpProxy.start("127.0.0.1", mongo.port());
                MongoClient client = MongoClients.create(proxy.connectionString())) {
            MongoCollection<Document> coll = client.getDatabase("db").getCollection("c");
            Mono.from(coll.countDocuments()).block(TIMEOUT);
            proxy.stall(true);
            var pending = Mono.from(coll.insertOne(new Document("_id", 2))).toFuture();
            TimeUnit.MILLISECONDS.sleep(200);
            assertThat(pending).isNotDone();
            proxy.stall(false);
            pending.get(10, TimeUnit.SECONDS);
            assertThat(Mono.from(coll.countDocuments()).block(TIMEOUT)).isEqualTo(1);
        }
    }
}
