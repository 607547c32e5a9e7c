package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.Namespace;
import io.netty.channel.Channel;
import reactor.core.publisher.Mono;

/**
 * A start point the source no longer has. The embedded server keeps its whole oplog and cannot produce
 * ChangeStreamHistoryLost by itself, so this backend answers a change stream opened at a point in its history with the
 * error a real server sends after its oplog rolled over (code 286, over the wire, through the real driver).
 */
class FollowHistoryLostIT {

    private static final Namespace SOURCE = new Namespace("shop", "orders");
    private static final Namespace TARGET = new Namespace("copy", "orders");
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Refuses change streams that start at a point in history once {@link #forget} was called, as a rolled-over oplog does. */
    static final class ForgetfulBackend extends MemoryBackend {
        volatile boolean forgotten;

        void forget() {
            forgotten = true;
        }

        @Override
        public de.bwaldvogel.mongo.bson.Document handleCommand(Channel channel, String databaseName, String command,
                                                             de.bwaldvogel.mongo.bson.Document query) {
            if (forgotten && "aggregate".equalsIgnoreCase(command) && query.get("pipeline") instanceof List<?> pipeline
                    && !pipeline.isEmpty() && pipeline.get(0) instanceof de.bwaldvogel.mongo.bson.Document first
                    && first.get("$changeStream") instanceof de.bwaldvogel.mongo.bson.Document stream
                    && (stream.containsKey("resumeAfter") || stream.containsKey("startAtOperationTime"))) {
                throw new MongoServerError(286, "ChangeStreamHistoryLost", "Executor error during aggregate :: caused by :: Resume of"
                        + " change stream was not possible, as the resume point may no longer be in the oplog.");
            }
            return super.handleCommand(channel, databaseName, command, query);
        }
    }

    @TempDir
    Path checkpointDir;

    private ForgetfulBackend backend;
    private MongoServer server;
    private MongoClient client;

    @BeforeEach
    void start() {
        backend = new ForgetfulBackend();
        server = new MongoServer(backend);
        server.enableOplog();
        server.bind("127.0.0.1", 0);
        client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aStartPointTheSourceNoLongerHasFailsWithTheNamespaceAndTheWayOutNeverFromNow() {
        FollowOptions options = FollowOptions.defaults(checkpointDir);
        ChangeFollower.create(options).capture(client, Map.of(SOURCE, TARGET)).block(WAIT);
        Mono.from(client.getDatabase("shop").getCollection("orders").insertOne(new Document("_id", 1))).block(WAIT);
        backend.forget();

        Throwable error = catchThrowable(() -> ChangeFollower.create(options).start(client, client, Map.of(SOURCE, TARGET))
                .result().block(WAIT));

        assertThat(error).isInstanceOf(DataWorksException.class)
                .hasMessageStartingWith("shop.orders: the source no longer has the changes since the follow checkpoint (start time ")
                .hasMessageContaining("resume point may no longer be in the oplog")
                .hasMessageContaining("the target is incomplete for shop.orders")
                .hasMessageContaining("Recopy that namespace with --fresh, then --follow again");
        assertThat(((DataWorksException) error).exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(error.getCause()).isInstanceOf(MongoCommandException.class);
        assertThat(((MongoCommandException) error.getCause()).getErrorCode()).isEqualTo(286);
        assertThat(FollowCheckpoint.load(io.dataworks.migrations.checkpoint.CheckpointStore.readOnly(checkpointDir), SOURCE).orElseThrow().resumeToken())
                .as("nothing was followed from 'now' instead").isNull();
    }

    @Test
    void theErrorsThatMeanLostHistoryAreRecognisedByCodeAndByMessage() {
        ServerAddress address = new ServerAddress("127.0.0.1", 1);
        assertThat(ChangeFollower.historyLost(commandError(286, "ChangeStreamHistoryLost", "whatever"))).isTrue();
        assertThat(ChangeFollower.historyLost(commandError(280, "ChangeStreamFatalError", "cannot resume stream; the resume token"
                + " was not found"))).isTrue();
        assertThat(ChangeFollower.historyLost(new IllegalStateException("wrapped", commandError(136, "CappedPositionLost",
                "Resume of change stream was not possible, as the resume point may no longer be in the oplog.")))).isTrue();
        assertThat(ChangeFollower.historyLost(commandError(16500, "TooManyRequests", "Request rate is large"))).isFalse();
        assertThat(ChangeFollower.historyLost(new com.mongodb.MongoSocketReadException("reset", address))).isFalse();
    }

    private static MongoCommandException commandError(int code, String codeName, String message) {
        BsonDocument response = new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("codeName", new org.bson.BsonString(codeName)).append("errmsg", new org.bson.BsonString(message));
        return new MongoCommandException(response, new ServerAddress("127.0.0.1", 1));
    }
}
