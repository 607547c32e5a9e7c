package io.dataworks.core.config;

/**
 * Connection pool of one endpoint.
 *
 * @param maxPoolSize       most connections open at once
 * @param minPoolSize       connections the driver keeps open in the background
 * @param maxIdleTimeMs     an idle connection is closed after this long; 0 = never
 * @param warmUpConnections connections opened up front by {@code MongoEndpoint.warmUp()}; 0 = none
 */
public record PoolConfig(int maxPoolSize, int minPoolSize, long maxIdleTimeMs, int warmUpConnections) {

    /** MongoDB and Atlas: enough for the default workers and cursors of a 2–8 core machine, with headroom. */
    public static final PoolConfig MONGODB_DEFAULTS = new PoolConfig(50, 0, 0, 4);

    /** Cosmos DB: every connection costs RU-side resources and idle ones are cut after ~4 minutes. */
    public static final PoolConfig COSMOS_DB_DEFAULTS = new PoolConfig(20, 0, 120_000, 4);

    public PoolConfig {
        if (maxPoolSize < 1) {
            throw new IllegalArgumentException("maxPoolSize must be >= 1, was " + maxPoolSize);
        }
        if (minPoolSize < 0 || minPoolSize > maxPoolSize) {
            throw new IllegalArgumentException("minPoolSize must be within 0.." + maxPoolSize + ", was " + minPoolSize);
        }
        if (maxIdleTimeMs < 0) {
            throw new IllegalArgumentException("maxIdleTimeMs must be >= 0, was " + maxIdleTimeMs);
        }
        if (warmUpConnections < 0 || warmUpConnections > maxPoolSize) {
            throw new IllegalArgumentException(
                    "warmUpConnections must be within 0.." + maxPoolSize + ", was " + warmUpConnections);
        }
    }

    /** The defaults for {@code flavour}. */
    public static PoolConfig defaultsFor(Flavour flavour) {
        return flavour == Flavour.COSMOS_DB ? COSMOS_DB_DEFAULTS : MONGODB_DEFAULTS;
    }

    public PoolConfig withMaxPoolSize(int value) {
        return new PoolConfig(value, minPoolSize, maxIdleTimeMs, warmUpConnections);
    }

    public PoolConfig withMinPoolSize(int value) {
        return new PoolConfig(maxPoolSize, value, maxIdleTimeMs, warmUpConnections);
    }

    public PoolConfig withMaxIdleTimeMs(long value) {
        return new PoolConfig(maxPoolSize, minPoolSize, value, warmUpConnections);
    }

    public PoolConfig withWarmUpConnections(int value) {
        return new PoolConfig(maxPoolSize, minPoolSize, maxIdleTimeMs, value);
    }
}
