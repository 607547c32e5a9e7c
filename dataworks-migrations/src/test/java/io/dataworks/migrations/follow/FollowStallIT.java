package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.testing.TcpProxy;
import io.dataworks.migrations.Namespace;
import reactor.core.publisher.Mono;

/** A target that stops answering: follow says what is stuck instead of staying silent, and carries on when it answers again. */
class FollowStallIT {

    private static final Namespace SOURCE = new Namespace("shop", "orders");
    private static final Namespace TARGET = new Namespace("copy", "orders");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path checkpointDir;

    private EmbeddedMongo sourceServer;
    private EmbeddedMongo targetServer;
    private TcpProxy proxy;
    private MongoClient source;
    private MongoClient target;
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ChangeFollower.class);
    private Level level;

    @BeforeEach
    void start() {
        sourceServer = EmbeddedMongo.builder().oplog(true).start();
        targetServer = EmbeddedMongo.start();
        proxy = TcpProxy.start("127.0.0.1", targetServer.port());
        source = MongoClients.create(sourceServer.connectionString());
        target = MongoClients.create(proxy.connectionString());
        log.start();
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.addAppender(log);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(log);
        logger.setLevel(level);
        proxy.stall(false);
        source.close();
        target.close();
        proxy.close();
        targetServer.close();
        sourceServer.close();
    }

    @Test
    void changesPendingWithNothingAppliedForTheStallTimeoutAreReportedWithTheNamespaceAndSinceWhen() {
        FollowOptions options = FollowOptions.defaults(checkpointDir).withBatchTimeout(Duration.ofMillis(50))
                .withSampleInterval(Duration.ofMillis(100)).withStallTimeout(Duration.ofSeconds(1));
        ChangeFollower.create(options).capture(source, Map.of(SOURCE, TARGET)).block(WAIT);
        Mono.from(target.getDatabase("copy").getCollection("orders").countDocuments()).block(WAIT); // connected before the stall
        FollowHandle handle = ChangeFollower.create(options).start(source, target, Map.of(SOURCE, TARGET));
        proxy.stall(true);
        for (int i = 0; i < 20; i++) {
            Mono.from(source.getDatabase("shop").getCollection("orders").insertOne(new Document("_id", i))).block(WAIT);
        }

        await().atMost(WAIT).until(() -> warnings().stream().anyMatch(m -> m.contains("following is stuck")));
        String warning = warnings().stream().filter(m -> m.contains("following is stuck")).findFirst().orElseThrow();
        assertThat(warning).startsWith("shop.orders: following is stuck: ").contains("changes received and not applied",
                "nothing applied to copy.orders since ");
        assertThat(handle.pendingEvents()).isPositive();
        assertThat(warnings().stream().filter(m -> m.contains("following is stuck"))).as("reported once per stall").hasSize(1);

        proxy.stall(false);
        await().atMost(WAIT).until(() -> handle.appliedEvents() >= 20);
        handle.stop();
        FollowResult result = handle.result().block(WAIT);
        assertThat(result.appliedThisRun()).isEqualTo(Map.of("insert", 20L));
        assertThat(messages(Level.INFO)).anyMatch(m -> m.equals("shop.orders: following applies changes again"));
    }

    private List<String> warnings() {
        return messages(Level.WARN);
    }

    private List<String> messages(Level level) {
        synchronized (log) {
            return log.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
