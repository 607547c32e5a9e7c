package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.ExitCode;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.Namespace;
import reactor.core.publisher.Mono;

/** A change stream that ends (the source collection dropped) ends following as a failure, never as "safe to switch". */
class FollowStreamEndIT {

    private static final Namespace ORDERS = new Namespace("shop", "orders");
    // Another database: the embedded server shows a collection's drop to every stream of its database.
    private static final Namespace CUSTOMERS = new Namespace("crm", "customers");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path checkpointDir;

    private EmbeddedMongo server;
    private MongoClient client;

    @BeforeEach
    void start() {
        server = EmbeddedMongo.builder().oplog(true).start();
        client = MongoClients.create(server.connectionString());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void aDroppedCollectionStopsEveryStreamAndTheResultSaysTheTargetIsIncomplete() {
        insert(ORDERS, 0, 3);
        insert(CUSTOMERS, 0, 3);
        Map<Namespace, Namespace> namespaces = new LinkedHashMap<>();
        namespaces.put(ORDERS, new Namespace("copy", "orders"));
        namespaces.put(CUSTOMERS, new Namespace("copy", "customers"));
        FollowOptions options = FollowOptions.defaults(checkpointDir).withBatchTimeout(Duration.ofMillis(50));
        sleep(1100);
        ChangeFollower.create(options.withStartMargin(Duration.ZERO)).capture(client, namespaces).block(WAIT);
        insert(ORDERS, 10, 5);
        insert(CUSTOMERS, 10, 2);
        Mono.from(collection(ORDERS).drop()).block(WAIT);

        // Nobody calls stop(): the ended stream stops the customers' stream as well.
        FollowResult result = ChangeFollower.create(options).start(client, client, namespaces).result().block(WAIT);

        assertThat(result.reason()).isEqualTo(FollowResult.StopReason.SOURCE_ENDED);
        assertThat(result.ended()).isEqualTo(Map.of("shop.orders", "drop"));
        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(result.targetComplete()).isFalse();
        assertThat(result.safeToSwitch()).isFalse();
        assertThat(result.summary())
                .contains("THE TARGET IS INCOMPLETE for shop.orders", "'drop'", "Recopy it with --fresh", "Not safe to switch")
                .doesNotContain("Safe to switch:");
        assertThat(result.appliedThisRun()).as("the drop is not counted as applied").doesNotContainKey("drop");
        assertThat(result.toReportDetails()).containsEntry("targetComplete", false).containsEntry("safeToSwitch", false);

        // The checkpoint stays before the drop: following again meets it again instead of carrying on past it.
        FollowResult again = ChangeFollower.create(options).start(client, client, namespaces).result().block(WAIT);
        assertThat(again.reason()).isEqualTo(FollowResult.StopReason.SOURCE_ENDED);
        assertThat(again.ended()).containsEntry("shop.orders", "drop");
    }

    /** Answers every getMore with a closed, empty cursor once {@link #close} was called, as a server that ends a stream does. */
    static final class ClosingBackend extends de.bwaldvogel.mongo.backend.memory.MemoryBackend {
        volatile boolean closing;

        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(io.netty.channel.Channel channel, String databaseName, String command,
                                                             de.bwaldvogel.mongo.bson.Document query) {
            if (closing && "getMore".equalsIgnoreCase(command)) {
                de.bwaldvogel.mongo.bson.Document cursor = new de.bwaldvogel.mongo.bson.Document("id", 0L)
                        .append("ns", databaseName + "." + query.get("collection")).append("nextBatch", List.of());
                return new de.bwaldvogel.mongo.bson.Document("cursor", cursor).append("ok", 1.0);
            }
            return super.handleCommand(channel, databaseName, command, query);
        }
    }

    @Test
    void aStreamTheServerClosesWithoutAnEndingEventIsAFailureToo() {
        ClosingBackend backend = new ClosingBackend();
        de.bwaldvogel.mongo.MongoServer closing = new de.bwaldvogel.mongo.MongoServer(backend);
        closing.enableOplog();
        closing.bind("127.0.0.1", 0);
        try (MongoClient c = MongoClients.create("mongodb://127.0.0.1:" + closing.getLocalAddress().getPort())) {
            Map<Namespace, Namespace> namespaces = Map.of(ORDERS, new Namespace("copy", "orders"));
            FollowOptions options = FollowOptions.defaults(checkpointDir).withBatchTimeout(Duration.ofMillis(50));
            ChangeFollower.create(options).capture(c, namespaces).block(WAIT);
            Mono.from(c.getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1))).block(WAIT);
            backend.closing = true;

            FollowResult result = ChangeFollower.create(options).start(c, c, namespaces).result().block(WAIT);

            assertThat(result.reason()).isEqualTo(FollowResult.StopReason.SOURCE_ENDED);
            assertThat(result.ended()).isEqualTo(Map.of("shop.orders", ChangeFollower.CLOSED));
            assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
            assertThat(result.summary()).contains("THE TARGET IS INCOMPLETE for shop.orders").doesNotContain("Safe to switch");
        } finally {
            closing.shutdownNow();
        }
    }

    private MongoCollection<Document> collection(Namespace ns) {
        return client.getDatabase(ns.database()).getCollection(ns.collection());
    }

    private void insert(Namespace ns, int from, int n) {
        for (int i = from; i < from + n; i++) {
            Mono.from(collection(ns).insertOne(new Document("_id", i).append("v", i))).block(WAIT);
        }
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
