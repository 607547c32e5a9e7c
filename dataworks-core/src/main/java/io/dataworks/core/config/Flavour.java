package io.dataworks.core.config;

import java.util.Locale;
import java.util.Objects;

/** The kind of MongoDB server at an endpoint; it picks the client defaults (retryable writes, pool, limits). */
public enum Flavour {
    /** Azure Cosmos DB for MongoDB (RU-based): throttles with 16500, no retryable writes, 2 MiB documents. */
    COSMOS_DB,
    /** MongoDB Atlas. */
    ATLAS,
    /** Any other MongoDB (self-hosted, Cosmos DB vCore, the embedded server). */
    MONGODB;

    /**
     * The flavour of the hosts in {@code uri}: {@code *.mongo.cosmos.azure.com} and {@code *.documents.azure.com} are
     * Cosmos DB, {@code *.mongodb.net} is Atlas, anything else is plain MongoDB. Cosmos DB vCore
     * ({@code *.mongocluster.cosmos.azure.com}) speaks MongoDB's own protocol limits and so counts as MongoDB.
     */
    public static Flavour detect(MongoUri uri) {
        Objects.requireNonNull(uri, "uri");
        for (String hostAndPort : uri.hosts()) {
            String host = hostOf(hostAndPort).toLowerCase(Locale.ROOT);
            if (host.endsWith(".mongo.cosmos.azure.com") || host.endsWith(".documents.azure.com")) {
                return COSMOS_DB;
            }
            if (host.endsWith(".mongodb.net")) {
                return ATLAS;
            }
        }
        return MONGODB;
    }

    /** Parses {@code cosmos}, {@code atlas} or {@code mongodb} (any case; {@code cosmos_db}, {@code cosmosdb} too). */
    public static Flavour parse(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        switch (v) {
            case "cosmos", "cosmos_db", "cosmosdb":
                return COSMOS_DB;
            case "atlas":
                return ATLAS;
            case "mongodb", "mongo":
                return MONGODB;
            default:
                throw new ConfigException(key, key + " must be cosmos, atlas or mongodb, was '"
                        + MongoUri.maskSecrets(value) + "': " + ConfigKeys.howToFix(key));
        }
    }

    /** The lower-case name users type: {@code cosmos}, {@code atlas}, {@code mongodb}. */
    public String cliName() {
        return switch (this) {
            case COSMOS_DB -> "cosmos";
            case ATLAS -> "atlas";
            case MONGODB -> "mongodb";
        };
    }

    private static String hostOf(String hostAndPort) {
        if (hostAndPort.startsWith("[")) { // IPv6 literal
            int end = hostAndPort.indexOf(']');
            return end > 0 ? hostAndPort.substring(1, end) : hostAndPort;
        }
        int colon = hostAndPort.lastIndexOf(':');
        return colon > 0 ? hostAndPort.substring(0, colon) : hostAndPort;
    }
}
