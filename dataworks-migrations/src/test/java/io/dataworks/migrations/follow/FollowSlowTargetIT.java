package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.Namespace;
import io.netty.channel.Channel;
import reactor.core.publisher.Mono;

/** Follow keeps up with a target whose every write takes a second, with the default batching (500 changes / 200 ms). */
class FollowSlowTargetIT {

    private static final Namespace SOURCE = new Namespace("shop", "orders");
    private static final Namespace TARGET = new Namespace("copy", "orders");
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** Every write command takes {@code delay} before it is executed (a Cosmos DB retry back-off, a distant region). */
    static final class SlowWritesBackend extends MemoryBackend {
        private static final Set<String> WRITES = Set.of("insert", "update", "delete");
        final AtomicLong writes = new AtomicLong();
        private final Duration delay;

        SlowWritesBackend(Duration delay) {
            this.delay = delay;
        }

        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(Channel channel, String databaseName, String command,
                                                             de.bwaldvogel.mongo.bson.Document query) {
            if (WRITES.contains(command.toLowerCase())) {
                writes.incrementAndGet();
                try {
                    Thread.sleep(delay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.handleCommand(channel, databaseName, command, query);
        }
    }

    @TempDir
    Path checkpointDir;

    private EmbeddedMongo sourceServer;
    private MongoServer targetServer;
    private SlowWritesBackend targetBackend;
    private MongoClient source;
    private MongoClient target;

    @BeforeEach
    void start() {
        sourceServer = EmbeddedMongo.builder().oplog(true).start();
        targetBackend = new SlowWritesBackend(Duration.ofSeconds(1));
        targetServer = new MongoServer(targetBackend);
        targetServer.bind("127.0.0.1", 0);
        source = MongoClients.create(sourceServer.connectionString());
        target = MongoClients.create("mongodb://127.0.0.1:" + targetServer.getLocalAddress().getPort());
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
        targetServer.shutdownNow();
        sourceServer.close();
    }

    @Test
    void changesArrivingFasterThanTheTargetWritesWaitInTheStreamInsteadOfOverflowing() {
        FollowOptions options = FollowOptions.defaults(checkpointDir); // 500 changes / 200 ms
        ChangeFollower.create(options).capture(source, Map.of(SOURCE, TARGET)).block(WAIT);
        MongoCollection<Document> orders = source.getDatabase("shop").getCollection("orders");
        FollowHandle handle = ChangeFollower.create(options).start(source, target, Map.of(SOURCE, TARGET));

        // ~3 s of changes, 50 at a time: several partial batches fall due while one write takes a second.
        int total = 0;
        for (int round = 0; round < 30; round++) {
            List<Document> docs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                docs.add(new Document("_id", total++).append("v", round));
            }
            Mono.from(orders.insertMany(docs)).block(WAIT);
            sleep(100);
        }
        int expected = total;
        await().atMost(WAIT).until(() -> handle.appliedEvents() >= expected || failed(handle));
        handle.stop();
        FollowResult result = handle.result().block(WAIT);

        assertThat(result.appliedThisRun()).isEqualTo(Map.of("insert", (long) expected));
        assertThat(Mono.from(target.getDatabase("copy").getCollection("orders").countDocuments()).block(WAIT)).isEqualTo(expected);
        assertThat(targetBackend.writes.get()).as("batches, not a write per change").isLessThan(expected / 50);
        assertThat(result.safeToSwitch()).isTrue();
    }

    private static boolean failed(FollowHandle handle) {
        return handle.result().toFuture().isCompletedExceptionally();
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
