package io.dataworks.core.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.config.Flavour;
import io.dataworks.core.config.MongoUri;
import io.dataworks.core.config.PoolConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import reactor.core.publisher.Mono;

/** Against a real wire-protocol server (the embedded mongo-java-server over TCP). */
class MongoEndpointIT {

    private static EmbeddedMongo server;
    private static String address;

    @BeforeAll
    static void startServer() {
        server = EmbeddedMongo.start();
        address = "127.0.0.1:" + server.port();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    private static EndpointConfig endpoint(String uri, PoolConfig pool) {
        return EndpointConfig.of(MongoUri.parse("K", uri), "it").withPool(pool);
    }

    @Test
    void pingsAndWritesRawDocuments() {
        try (MongoEndpoint endpoint = MongoEndpoint.connect(endpoint("mongodb://" + address, PoolConfig.MONGODB_DEFAULTS))) {
            endpoint.ping().block(Duration.ofSeconds(10));

            RawBsonDocument doc = RawBsonDocument.parse("{\"_id\": 1, \"name\": \"a\"}");
            Mono.from(endpoint.collection("docs").insertOne(doc)).block(Duration.ofSeconds(10));
            RawBsonDocument back = Mono.from(endpoint.collection("docs").find().first()).block(Duration.ofSeconds(10));

            assertThat(back).isEqualTo(doc);
            assertThat(endpoint.flavour()).isEqualTo(Flavour.MONGODB);
            assertThat(endpoint.database().getName()).isEqualTo("it");
            assertThat(endpoint.maxDocumentBytes()).isEqualTo(16L * 1024 * 1024);
        }
    }

    /**
     * The client's socket reads complete on threads of its own, and those end with it. On the driver's default, the
     * JVM-wide channel group, they would wait in epoll forever, and every process exit waited about 0.3 s for them.
     */
    @Test
    void theClientsIoThreadsEndWithIt() throws InterruptedException {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Set<Thread> io;
        try (MongoEndpoint endpoint = MongoEndpoint.connect(endpoint("mongodb://" + address, PoolConfig.MONGODB_DEFAULTS))) {
            endpoint.ping().block(Duration.ofSeconds(10));
            Mono.from(endpoint.collection("threads").insertOne(RawBsonDocument.parse("{\"_id\": 1}"))).block(Duration.ofSeconds(10));
            io = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.getName().startsWith("mongo-io-"))
                    .collect(java.util.stream.Collectors.toSet());
            assertThat(io).as("the client's own I/O threads").isNotEmpty();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Thread t : io) {
            t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
        assertThat(io).as("I/O threads still alive after close").noneMatch(Thread::isAlive);
    }

    @Test
    void warmUpOpensTheConfiguredConnectionsAtOnce() {
        Set<Long> connectionsUsedForPing = ConcurrentHashMap.newKeySet();
        CommandListener pings = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                if (event.getCommandName().equals("ping")) {
                    connectionsUsedForPing.add(event.getConnectionDescription().getConnectionId().getLocalValue());
                }
            }
        };
        PoolConfig pool = new PoolConfig(10, 0, 0, 6);
        try (MongoEndpoint endpoint = MongoEndpoint.connect(endpoint("mongodb://" + address, pool),
                settings -> settings.addCommandListener(pings))) {
            assertThat(endpoint.openConnections()).isZero();

            endpoint.warmUp().block(Duration.ofSeconds(10));

            assertThat(endpoint.openConnections()).isGreaterThanOrEqualTo(6);
            assertThat(connectionsUsedForPing).as("pings went over distinct connections").hasSizeGreaterThanOrEqualTo(6);
        }
    }

    @Test
    void noWarmUpOpensNothing() {
        try (MongoEndpoint endpoint = MongoEndpoint.connect(
                endpoint("mongodb://" + address, new PoolConfig(5, 0, 0, 0)))) {
            endpoint.warmUp().block(Duration.ofSeconds(5));
            assertThat(endpoint.openConnections()).isZero();
        }
    }

    @Test
    void unreachableHostFailsQuicklyWithAMaskedUri() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        EndpointConfig config = endpoint("mongodb://admin:hunter2@127.0.0.1:" + closedPort + "/it",
                PoolConfig.MONGODB_DEFAULTS).withServerSelectionTimeout(Duration.ofMillis(500));
        long start = System.nanoTime();
        try (MongoEndpoint endpoint = MongoEndpoint.connect(config)) {
            assertThatThrownBy(() -> endpoint.ping().block(Duration.ofSeconds(10)))
                    .isInstanceOfSatisfying(DataWorksException.class,
                            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED))
                    .hasMessageStartingWith("cannot reach mongodb://admin:****@127.0.0.1:" + closedPort + "/it: ")
                    .hasMessageNotContaining("hunter2");
            assertThatThrownBy(() -> endpoint.warmUp().block(Duration.ofSeconds(10)))
                    .hasMessageStartingWith("cannot reach ");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void flavourDefaultsReachTheDriverSettings() {
        EndpointConfig mongo = endpoint("mongodb://" + address, PoolConfig.MONGODB_DEFAULTS);
        var settings = MongoEndpoint.settings(mongo).build();
        assertThat(settings.getRetryWrites()).isTrue();
        assertThat(settings.getWriteConcern()).isEqualTo(com.mongodb.WriteConcern.MAJORITY);
        assertThat(settings.getApplicationName()).isEqualTo("dataworks");
        assertThat(settings.getConnectionPoolSettings().getMaxSize()).isEqualTo(50);

        EndpointConfig cosmos = mongo.withFlavour(Flavour.COSMOS_DB).withPool(PoolConfig.COSMOS_DB_DEFAULTS);
        settings = MongoEndpoint.settings(cosmos).build();
        assertThat(settings.getRetryWrites()).isFalse();
        assertThat(settings.getConnectionPoolSettings().getMaxSize()).isEqualTo(20);
        assertThat(settings.getConnectionPoolSettings().getMaxConnectionIdleTime(java.util.concurrent.TimeUnit.MILLISECONDS))
                .isEqualTo(120_000);

        EndpointConfig explicit = endpoint("mongodb://" + address + "/?retryWrites=false&w=1", PoolConfig.MONGODB_DEFAULTS);
        settings = MongoEndpoint.settings(explicit).build();
        assertThat(settings.getRetryWrites()).as("the connection string beats the flavour").isFalse();
        assertThat(settings.getWriteConcern()).isEqualTo(com.mongodb.WriteConcern.W1);
    }
}
