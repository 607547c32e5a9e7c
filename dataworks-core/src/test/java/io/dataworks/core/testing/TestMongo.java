package io.dataworks.core.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.config.MongoUri;
import io.dataworks.core.embedded.EmbeddedMongo;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A MongoDB server for tests, with a reactive client connected to it. Handed out by {@link MongoTestExtension}
 * (one per test class) or built directly with {@link #create()}.
 *
 * <p>Which server: {@value #URI_VARIABLE} when set (environment variable or system property), else a
 * Testcontainers MongoDB (single-node replica set, so change streams work) when Docker is available and
 * {@value #DOCKER_VARIABLE} is not {@code false} (a container that fails to start is logged and skipped), else
 * an in-process {@link EmbeddedMongo} with its oplog on.
 * Databases created through {@link #freshDatabaseName()} on a server that outlives the test are dropped on
 * {@link #close()}.
 */
public final class TestMongo implements AutoCloseable {

    /** A MongoDB to test against instead of a container or the embedded server. */
    public static final String URI_VARIABLE = "DATAWORKS_TEST_MONGODB_URI";
    /** {@code false} skips the Testcontainers attempt even when Docker is there (faster local runs). */
    public static final String DOCKER_VARIABLE = "DATAWORKS_TEST_DOCKER";

    public static final String KIND_EXTERNAL = "external";
    public static final String KIND_TESTCONTAINERS = "testcontainers";
    public static final String KIND_EMBEDDED = "embedded";

    private static final Logger LOG = LoggerFactory.getLogger(TestMongo.class);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String RUN_ID = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));

    private final String kind;
    private final MongoUri uri;
    private final MongoClient client;
    private final AutoCloseable server;
    private final EmbeddedMongo embedded;
    private final Set<String> createdDatabases = ConcurrentHashMap.newKeySet();

    private TestMongo(String kind, MongoUri uri, AutoCloseable server, EmbeddedMongo embedded) {
        this.kind = kind;
        this.uri = uri;
        this.server = server;
        this.embedded = embedded;
        this.client = MongoClients.create(uri.value());
    }

    /** Picks the server as described in the class comment. */
    public static TestMongo create() {
        Optional<String> external = setting(URI_VARIABLE).filter(v -> !v.isBlank());
        if (external.isPresent()) {
            return new TestMongo(KIND_EXTERNAL, MongoUri.parse(URI_VARIABLE, external.get()), null, null);
        }
        boolean dockerAllowed = !setting(DOCKER_VARIABLE).map("false"::equalsIgnoreCase).orElse(false);
        if (dockerAllowed && Docker.isAvailable()) {
            try {
                Docker.Container container = Docker.startMongo();
                return new TestMongo(KIND_TESTCONTAINERS, MongoUri.parse("testcontainers", container.connectionString()),
                        container, null);
            } catch (RuntimeException e) { // Docker is there but the image cannot be pulled (offline CI), or start failed
                LOG.warn("could not start a MongoDB container ({}); using the embedded server", e.toString());
            }
        }
        return embedded(EmbeddedMongo.builder().oplog(true).start());
    }

    /** Wraps an embedded server this {@code TestMongo} then owns (closes). */
    public static TestMongo embedded(EmbeddedMongo mongo) {
        Objects.requireNonNull(mongo, "mongo");
        return new TestMongo(KIND_EMBEDDED, mongo.uri(), mongo, mongo);
    }

    public String connectionString() {
        return uri.value();
    }

    public MongoUri uri() {
        return uri;
    }

    /** A client shared by the tests of the class; closed with this object. */
    public MongoClient client() {
        return client;
    }

    /** {@code external}, {@code testcontainers} or {@code embedded}. */
    public String kind() {
        return kind;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** The embedded server, for tests that look at its counters or change its throttle rate. */
    public Optional<EmbeddedMongo> embeddedServer() {
        return Optional.ofNullable(embedded);
    }

    /** A database name no other call (in this or a concurrent run) returns. */
    public String freshDatabaseName() {
        String name = "dwtest_" + RUN_ID + "_" + SEQUENCE.incrementAndGet();
        createdDatabases.add(name);
        return name;
    }

    @Override
    public void close() {
        try {
            if (KIND_EXTERNAL.equals(kind)) {
                Flux.fromIterable(createdDatabases)
                        .flatMap(name -> Mono.from(client.getDatabase(name).drop()).onErrorResume(e -> Mono.empty()), 4)
                        .then()
                        .block(Duration.ofSeconds(30));
            }
        } finally {
            client.close();
            if (server != null) {
                try {
                    server.close();
                } catch (Exception e) {
                    throw new IllegalStateException("could not stop the " + kind + " MongoDB", e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return "TestMongo[" + kind + ", " + uri.masked() + "]";
    }

    static Optional<String> setting(String name) {
        String value = System.getProperty(name);
        return Optional.ofNullable(value != null ? value : System.getenv(name));
    }
}
