package io.dataworks.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One MongoDB endpoint (source or target), fully resolved: the flavour is the explicit one or the detected one, the
 * pool and the document limit are the configured values or the flavour's defaults.
 *
 * @param uri                    connection string (masked in {@link #toString()})
 * @param database               database name
 * @param collections            collections named by the user; empty = the tool decides (e.g. every collection)
 * @param flavour                Cosmos DB, Atlas or MongoDB
 * @param pool                   connection pool settings
 * @param maxDocumentBytes       largest document the endpoint accepts (16 MiB; 2 MiB on Cosmos DB)
 * @param serverSelectionTimeout how long to wait for a reachable server before failing
 */
public record EndpointConfig(MongoUri uri, String database, List<String> collections, Flavour flavour, PoolConfig pool,
        long maxDocumentBytes, Duration serverSelectionTimeout) {

    public static final long MONGODB_MAX_DOCUMENT_BYTES = 16L * 1024 * 1024;
    public static final long COSMOS_DB_MAX_DOCUMENT_BYTES = 2L * 1024 * 1024;
    public static final Duration DEFAULT_SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(10);

    public EndpointConfig {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(database, "database");
        if (database.isBlank()) {
            throw new IllegalArgumentException("database must not be blank");
        }
        collections = List.copyOf(Objects.requireNonNull(collections, "collections"));
        Objects.requireNonNull(flavour, "flavour");
        Objects.requireNonNull(pool, "pool");
        if (maxDocumentBytes < 1) {
            throw new IllegalArgumentException("maxDocumentBytes must be >= 1, was " + maxDocumentBytes);
        }
        Objects.requireNonNull(serverSelectionTimeout, "serverSelectionTimeout");
        if (serverSelectionTimeout.isNegative() || serverSelectionTimeout.isZero()) {
            throw new IllegalArgumentException("serverSelectionTimeout must be positive, was " + serverSelectionTimeout);
        }
    }

    /** The shape of CONTRACTS.md: the server selection timeout is the default (10 s). */
    public EndpointConfig(MongoUri uri, String database, List<String> collections, Flavour flavour, PoolConfig pool,
            long maxDocumentBytes) {
        this(uri, database, collections, flavour, pool, maxDocumentBytes, DEFAULT_SERVER_SELECTION_TIMEOUT);
    }

    /** An endpoint with every default of its detected flavour: handy for the demo and for tests. */
    public static EndpointConfig of(MongoUri uri, String database, String... collections) {
        Flavour flavour = Flavour.detect(uri);
        return new EndpointConfig(uri, database, List.of(collections), flavour, PoolConfig.defaultsFor(flavour),
                defaultMaxDocumentBytes(flavour));
    }

    public static long defaultMaxDocumentBytes(Flavour flavour) {
        return flavour == Flavour.COSMOS_DB ? COSMOS_DB_MAX_DOCUMENT_BYTES : MONGODB_MAX_DOCUMENT_BYTES;
    }

    /** The database and collection as {@code db.coll} for messages, or just the database when no collection is set. */
    public String namespace() {
        return collections.isEmpty() ? database : database + "." + String.join(",", collections);
    }

    public EndpointConfig withDatabase(String value) {
        return new EndpointConfig(uri, value, collections, flavour, pool, maxDocumentBytes, serverSelectionTimeout);
    }

    public EndpointConfig withCollections(List<String> value) {
        return new EndpointConfig(uri, database, value, flavour, pool, maxDocumentBytes, serverSelectionTimeout);
    }

    public EndpointConfig withFlavour(Flavour value) {
        return new EndpointConfig(uri, database, collections, value, pool, maxDocumentBytes, serverSelectionTimeout);
    }

    public EndpointConfig withPool(PoolConfig value) {
        return new EndpointConfig(uri, database, collections, flavour, value, maxDocumentBytes, serverSelectionTimeout);
    }

    public EndpointConfig withMaxDocumentBytes(long value) {
        return new EndpointConfig(uri, database, collections, flavour, pool, value, serverSelectionTimeout);
    }

    public EndpointConfig withServerSelectionTimeout(Duration value) {
        return new EndpointConfig(uri, database, collections, flavour, pool, maxDocumentBytes, value);
    }
}
