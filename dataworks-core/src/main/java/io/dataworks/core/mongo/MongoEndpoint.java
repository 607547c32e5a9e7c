package io.dataworks.core.mongo;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.UuidRepresentation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.WriteConcern;
import com.mongodb.connection.TransportSettings;
import com.mongodb.event.ConnectionClosedEvent;
import com.mongodb.event.ConnectionCreatedEvent;
import com.mongodb.event.ConnectionPoolListener;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.config.Flavour;
import io.dataworks.core.config.MongoUri;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * One MongoDB endpoint (source or target): a reactive client configured for its flavour, and the database the tool
 * works in. Thread-safe; one per endpoint per process. Collections hand out {@link RawBsonDocument}s so documents
 * are copied as bytes, never decoded into maps.
 *
 * <p>Client settings, later ones winning: the flavour's defaults (Cosmos DB: retryable writes off, as Cosmos DB
 * rejects them; Atlas/MongoDB: retryable writes on and {@code w: majority}, so an acknowledged batch survives a
 * failover), then the options written in the connection string, then the pool and server selection timeout of
 * {@link EndpointConfig} (which already prefer explicit keys over connection-string options over flavour defaults).
 */
public final class MongoEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MongoEndpoint.class);

    /** The name servers see in their logs and {@code currentOp}. */
    public static final String APPLICATION_NAME = "dataworks";

    private final EndpointConfig config;
    private final MongoClient client;
    private final MongoDatabase database;
    private final AtomicInteger openConnections = new AtomicInteger();
    /**
     * The threads that complete this client's socket reads and writes. The driver's default is the JVM-wide channel
     * group, whose threads never end: they wait in epoll, native code, and the JVM's exit waits about 0.3 s for
     * threads in native code before it gives up on them. This client's own group ends with the client.
     */
    private final ExecutorService io;

    private MongoEndpoint(EndpointConfig config, Consumer<MongoClientSettings.Builder> customizer) {
        this.config = config;
        this.io = Executors.newCachedThreadPool(new IoThreads());
        MongoClientSettings.Builder builder = settings(config)
                .transportSettings(TransportSettings.asyncBuilder().executorService(io).build())
                .applyToConnectionPoolSettings(pool -> pool.addConnectionPoolListener(new ConnectionCounter(openConnections)));
        customizer.accept(builder);
        this.client = MongoClients.create(builder.build());
        this.database = client.getDatabase(config.database());
    }

    /** Creates the client; nothing goes over the network until the first command ({@link #ping()}, a query...). */
    public static MongoEndpoint connect(EndpointConfig config) {
        return connect(config, b -> { });
    }

    /**
     * Like {@link #connect(EndpointConfig)}, letting the caller add to the driver settings last (command or pool
     * listeners for metrics and tests, TLS context...).
     */
    public static MongoEndpoint connect(EndpointConfig config, Consumer<MongoClientSettings.Builder> customizer) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(customizer, "customizer");
        return new MongoEndpoint(config, customizer);
    }

    /** The driver settings this endpoint uses, before any customizer. */
    public static MongoClientSettings.Builder settings(EndpointConfig config) {
        MongoClientSettings.Builder builder = MongoClientSettings.builder()
                .applicationName(APPLICATION_NAME)
                .uuidRepresentation(UuidRepresentation.STANDARD);
        if (config.flavour() == Flavour.COSMOS_DB) {
            builder.retryWrites(false).retryReads(true);
        } else {
            builder.retryWrites(true).retryReads(true).writeConcern(WriteConcern.MAJORITY);
        }
        builder.applyConnectionString(config.uri().connectionString());
        builder.applyToConnectionPoolSettings(pool -> pool
                .maxSize(config.pool().maxPoolSize())
                .minSize(config.pool().minPoolSize())
                .maxConnectionIdleTime(config.pool().maxIdleTimeMs(), TimeUnit.MILLISECONDS)
                // Warm-up opens its connections in parallel, not two at a time (the driver's default).
                .maxConnecting(Math.max(2, config.pool().warmUpConnections())));
        builder.applyToClusterSettings(cluster -> cluster
                .serverSelectionTimeout(config.serverSelectionTimeout().toMillis(), TimeUnit.MILLISECONDS));
        return builder;
    }

    public MongoClient client() {
        return client;
    }

    public MongoDatabase database() {
        return database;
    }

    /** A collection of the endpoint's database whose documents are raw BSON bytes. */
    public MongoCollection<RawBsonDocument> collection(String name) {
        Objects.requireNonNull(name, "name");
        return database.getCollection(name, RawBsonDocument.class);
    }

    public Flavour flavour() {
        return config.flavour();
    }

    public EndpointConfig config() {
        return config;
    }

    public long maxDocumentBytes() {
        return config.maxDocumentBytes();
    }

    /** The connection string with its password masked, for messages. */
    public MongoUri uri() {
        return config.uri();
    }

    /** Connections this client has open right now (created minus closed). */
    public int openConnections() {
        return openConnections.get();
    }

    /**
     * Runs {@code ping} on {@code admin}. Fails with {@code DataWorksException(FAILED, "cannot reach <masked uri>: ...")}
     * when no server answers within the server selection timeout or the credentials are refused.
     */
    public Mono<Void> ping() {
        return Mono.from(client.getDatabase("admin").runCommand(new Document("ping", 1)))
                .onErrorMap(e -> !(e instanceof DataWorksException), this::unreachable)
                .then();
    }

    /**
     * Opens {@code pool.warmUpConnections} connections up front by running that many pings at once, so the first
     * batches do not pay for connection set-up (TLS and authentication cost most on Atlas and Cosmos DB). Completes
     * when the pool holds at least that many connections or after a few rounds; fails like {@link #ping()}.
     */
    public Mono<Void> warmUp() {
        int wanted = config.pool().warmUpConnections();
        if (wanted <= 0) {
            return Mono.empty();
        }
        Mono<Void> round = Flux.range(0, wanted).flatMap(i -> ping(), wanted).then();
        return round
                .then(Mono.fromCallable(openConnections::get))
                .repeat(3)
                .takeUntil(open -> open >= wanted)
                .last()
                .doOnNext(open -> LOG.debug("warmed up {} connections to {}", open, config.uri()))
                .then();
    }

    /** Closes the client, then its I/O threads (the driver shuts their channel group down with the client). */
    @Override
    public void close() {
        try {
            client.close();
        } finally {
            io.shutdown();
        }
    }

    @Override
    public String toString() {
        return "MongoEndpoint[" + config.uri() + " " + config.flavour() + " " + config.database() + "]";
    }

    private DataWorksException unreachable(Throwable e) {
        String reason;
        if (e instanceof MongoTimeoutException) {
            reason = "no server answered within " + config.serverSelectionTimeout().toMillis() + " ms (check the "
                    + "host, port, network access list and TLS settings)";
        } else if (e instanceof MongoSecurityException) {
            reason = "the server refused the credentials (check user name, password and authSource)";
        } else {
            reason = String.valueOf(e.getMessage());
        }
        return new DataWorksException(ExitCode.FAILED, "cannot reach " + config.uri().masked() + ": "
                + MongoUri.maskSecrets(reason), e);
    }

    /** Daemon threads numbered per client, so a stack dump tells one client's I/O threads from another's. */
    private static final class IoThreads implements ThreadFactory {

        private static final AtomicInteger CLIENTS = new AtomicInteger();
        private final int client = CLIENTS.incrementAndGet();
        private final AtomicInteger threads = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "mongo-io-" + client + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }

    /** Counts connections the pool opens and closes; the listener is called on driver threads. */
    private static final class ConnectionCounter implements ConnectionPoolListener {

        private final AtomicInteger open;

        ConnectionCounter(AtomicInteger open) {
            this.open = open;
        }

        @Override
        public void connectionCreated(ConnectionCreatedEvent event) {
            open.incrementAndGet();
        }

        @Override
        public void connectionClosed(ConnectionClosedEvent event) {
            open.decrementAndGet();
        }
    }
}
