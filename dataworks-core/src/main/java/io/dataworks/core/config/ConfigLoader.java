package io.dataworks.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

import com.mongodb.ConnectionString;

import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * Builds a {@link DataWorksConfig} with SmallRye Config from, highest precedence first: explicit overrides (the CLI
 * flags), system properties, the environment, {@code .env_local}, defaults. Only keys starting with
 * {@code FRAMEWORK_} are taken from system properties and the environment. Values are taken literally: no
 * {@code ${...}} expansion, so a password may contain any character.
 *
 * <p>Every value present is checked here, once; a wrong one fails the load with one {@link ConfigException} naming
 * the key, the flag that sets it and where the wrong value came from. A missing endpoint is not an error until a tool
 * asks for it ({@link DataWorksConfig#requireSource()}).
 *
 * <p>Defaults suit a 2–8 core machine writing to one MongoDB: 4 write workers, 4 insert workers and 4 parallel cursors
 * keep a server busy without queueing on the client; one generation worker per core (rendering is CPU-bound);
 * batches of 1000 documents (a good insertMany size well below 48 MB messages) flushed after 100 ms; pools of 50
 * connections for MongoDB/Atlas and 20 for Cosmos DB, whose connections are costly and cut when idle.
 */
public final class ConfigLoader {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConfigLoader.class);

    /** The file read from the working directory. */
    public static final String ENV_FILE_NAME = ".env_local";

    static final int OVERRIDES_ORDINAL = 500;
    static final int SYSTEM_PROPERTIES_ORDINAL = 400;
    static final int ENVIRONMENT_ORDINAL = 300;
    static final int ENV_FILE_ORDINAL = 200;

    static final String OVERRIDES_SOURCE = "the command line";
    static final String SYSTEM_PROPERTIES_SOURCE = "a system property";
    static final String ENVIRONMENT_SOURCE = "the environment";

    private ConfigLoader() {
    }

    /** Loads from {@code overrides}, system properties, the real environment and {@code ./.env_local} if present. */
    public static DataWorksConfig load(Map<String, String> overrides) {
        return load(overrides, Path.of("").toAbsolutePath(), System.getenv());
    }

    /** For tests: {@code workingDir/.env_local} (if present) and the given environment instead of the real one. */
    public static DataWorksConfig load(Map<String, String> overrides, Path workingDir, Map<String, String> environment) {
        Objects.requireNonNull(workingDir, "workingDir");
        return load(overrides, workingDir.resolve(ENV_FILE_NAME), false, environment, systemProperties());
    }

    /**
     * Like {@link #load(Map)}, but with {@code envFile} (the CLI's {@code --env-file}) instead of {@code ./.env_local};
     * the file must exist.
     */
    public static DataWorksConfig loadWithEnvFile(Map<String, String> overrides, Path envFile) {
        Objects.requireNonNull(envFile, "envFile");
        return load(overrides, envFile, true, System.getenv(), systemProperties());
    }

    static DataWorksConfig load(Map<String, String> overrides, Path envFile, boolean envFileRequired,
            Map<String, String> environment, Map<String, String> systemProperties) {
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(environment, "environment");
        Map<String, String> fileValues = Map.of();
        if (Files.isRegularFile(envFile)) {
            fileValues = EnvFile.read(envFile);
        } else if (envFileRequired) {
            throw new ConfigException("--env-file", "the environment file " + envFile
                    + " does not exist: pass --env-file PATH with an existing file, or leave it out");
        }
        int processors = Runtime.getRuntime().availableProcessors();
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(withoutBlanks(overrides), OVERRIDES_SOURCE, OVERRIDES_ORDINAL))
                .withSources(new PropertiesConfigSource(frameworkKeys(systemProperties), SYSTEM_PROPERTIES_SOURCE,
                        SYSTEM_PROPERTIES_ORDINAL))
                .withSources(new PropertiesConfigSource(frameworkKeys(environment), ENVIRONMENT_SOURCE,
                        ENVIRONMENT_ORDINAL))
                .withSources(new PropertiesConfigSource(withoutBlanks(fileValues), envFile.toString(), ENV_FILE_ORDINAL))
                .withDefaultValues(defaults(processors))
                .build();
        Values values = new Values(config);
        List<String> warnings = unknownKeys(values, overrides, systemProperties, environment, fileValues);
        warnings.forEach(LOG::warn);
        WorkerConfig workers = workers(values);
        RetryConfig retry = retry(values);
        DataWorksConfig.Endpoint source = endpoint(values, Side.SOURCE);
        DataWorksConfig.Endpoint target = endpoint(values, Side.TARGET);
        return new DataWorksConfig(config, source, target, workers, retry, warnings);
    }

    /**
     * One warning per {@code FRAMEWORK_} key that no module reads, with where it came from and the known key it
     * most likely misspells: such a key would otherwise be ignored without a word.
     */
    static List<String> unknownKeys(Values values, Map<String, String> overrides, Map<String, String> systemProperties,
            Map<String, String> environment, Map<String, String> fileValues) {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (Map<String, String> source : List.of(overrides, systemProperties, environment, fileValues)) {
            for (String key : source.keySet()) {
                if (key.startsWith(ConfigKeys.PREFIX) && !ConfigKeys.KNOWN.contains(key)) {
                    seen.add(key);
                }
            }
        }
        List<String> warnings = new ArrayList<>();
        for (String key : seen) {
            String origin = values.origin(key);
            warnings.add(key + (origin.isEmpty() ? "" : origin) + " is not a DataWorks key and is ignored"
                    + ConfigKeys.closest(key).map(k -> ": did you mean " + k + "?").orElse(""));
        }
        return warnings;
    }

    /** The static defaults; flavour-dependent ones (pool, document size) are resolved per endpoint. */
    static Map<String, String> defaults(int processors) {
        WorkerConfig w = WorkerConfig.defaults(processors);
        RetryConfig r = RetryConfig.DEFAULTS;
        Map<String, String> d = new HashMap<>();
        d.put(ConfigKeys.WRITE_WORKERS, String.valueOf(w.writeWorkers()));
        d.put(ConfigKeys.GENERATION_WORKERS, String.valueOf(w.generationWorkers()));
        d.put(ConfigKeys.BATCH_AGGREGATION_SIZE, String.valueOf(w.batchAggregationSize()));
        d.put(ConfigKeys.BATCH_AGGREGATION_TIMEOUT_MS, String.valueOf(w.batchAggregationTimeoutMs()));
        d.put(ConfigKeys.SOURCE_BATCH_SIZE, String.valueOf(w.sourceBatchSize()));
        d.put(ConfigKeys.MAX_INSERT_WORKERS, String.valueOf(w.maxInsertWorkers()));
        d.put(ConfigKeys.PARALLEL_CURSORS, String.valueOf(w.parallelCursors()));
        d.put(ConfigKeys.RETRY_MAX_ATTEMPTS, String.valueOf(r.maxAttempts()));
        d.put(ConfigKeys.RETRY_INITIAL_BACKOFF_MS, String.valueOf(r.initialBackoff().toMillis()));
        d.put(ConfigKeys.RETRY_MAX_BACKOFF_MS, String.valueOf(r.maxBackoff().toMillis()));
        d.put(ConfigKeys.RETRY_MAX_TOTAL_WAIT_MS, String.valueOf(r.maxTotalWait().toMillis()));
        d.put(ConfigKeys.RETRY_JITTER, String.valueOf(r.jitter()));
        return d;
    }

    private static WorkerConfig workers(Values v) {
        int write = v.positiveInt(ConfigKeys.WRITE_WORKERS);
        int generation = v.positiveInt(ConfigKeys.GENERATION_WORKERS);
        int insert = v.positiveInt(ConfigKeys.MAX_INSERT_WORKERS);
        int max;
        if (v.present(ConfigKeys.MAX_WORKERS)) {
            max = v.positiveInt(ConfigKeys.MAX_WORKERS);
            int floor = Math.max(write, insert);
            if (max < floor) {
                String which = write >= insert ? ConfigKeys.WRITE_WORKERS : ConfigKeys.MAX_INSERT_WORKERS;
                throw new ConfigException(ConfigKeys.MAX_WORKERS, ConfigKeys.MAX_WORKERS + " (" + max
                        + ") is the ceiling for write concurrency and must not be below " + which + " (" + floor
                        + ")" + v.origin(ConfigKeys.MAX_WORKERS) + ": " + ConfigKeys.howToFix(ConfigKeys.MAX_WORKERS));
            }
        } else {
            max = Math.max(16, Math.max(generation, Math.max(write, insert)));
        }
        return new WorkerConfig(write, generation, max, v.positiveInt(ConfigKeys.BATCH_AGGREGATION_SIZE),
                v.positiveLong(ConfigKeys.BATCH_AGGREGATION_TIMEOUT_MS), v.positiveInt(ConfigKeys.SOURCE_BATCH_SIZE),
                insert, v.positiveInt(ConfigKeys.PARALLEL_CURSORS));
    }

    private static RetryConfig retry(Values v) {
        int attempts = v.nonNegativeInt(ConfigKeys.RETRY_MAX_ATTEMPTS);
        long initial = v.positiveLong(ConfigKeys.RETRY_INITIAL_BACKOFF_MS);
        long maxBackoff = v.positiveLong(ConfigKeys.RETRY_MAX_BACKOFF_MS);
        if (maxBackoff < initial) {
            throw new ConfigException(ConfigKeys.RETRY_MAX_BACKOFF_MS, ConfigKeys.RETRY_MAX_BACKOFF_MS + " (" + maxBackoff
                    + ") must not be below " + ConfigKeys.RETRY_INITIAL_BACKOFF_MS + " (" + initial + "): "
                    + ConfigKeys.howToFix(ConfigKeys.RETRY_MAX_BACKOFF_MS));
        }
        long totalWait = v.positiveLong(ConfigKeys.RETRY_MAX_TOTAL_WAIT_MS);
        double jitter = v.fraction(ConfigKeys.RETRY_JITTER);
        return new RetryConfig(attempts, Duration.ofMillis(initial), Duration.ofMillis(maxBackoff),
                Duration.ofMillis(totalWait), jitter);
    }

    private static DataWorksConfig.Endpoint endpoint(Values v, Side side) {
        Optional<String> rawUri = v.string(side.uri);
        if (rawUri.isEmpty()) {
            ConfigException missing = new ConfigException(side.uri, side.uri + " is not set: "
                    + ConfigKeys.howToSet(side.uri));
            return DataWorksConfig.Endpoint.missing(missing);
        }
        MongoUri uri = MongoUri.parse(side.uri, rawUri.get());
        ConnectionString cs = uri.connectionString();
        Flavour flavour = v.string(side.type).map(t -> Flavour.parse(side.type, t)).orElseGet(() -> Flavour.detect(uri));
        PoolConfig defaults = PoolConfig.defaultsFor(flavour);

        int maxPool = v.present(side.maxPool) ? v.positiveInt(side.maxPool)
                : Optional.ofNullable(cs.getMaxConnectionPoolSize()).filter(n -> n > 0).orElse(defaults.maxPoolSize());
        int minPool = v.present(side.minPool) ? v.nonNegativeInt(side.minPool)
                : Math.min(maxPool, Optional.ofNullable(cs.getMinConnectionPoolSize()).orElse(defaults.minPoolSize()));
        if (minPool > maxPool) {
            throw new ConfigException(side.minPool, side.minPool + " (" + minPool + ") must not exceed " + side.maxPool
                    + " (" + maxPool + ")" + v.origin(side.minPool) + ": " + ConfigKeys.howToFix(side.minPool));
        }
        long maxIdle = v.present(side.maxIdle) ? v.nonNegativeLong(side.maxIdle)
                : Optional.ofNullable(cs.getMaxConnectionIdleTime()).map(Integer::longValue)
                        .orElse(defaults.maxIdleTimeMs());
        int warmUp = v.present(side.warmUp) ? v.nonNegativeInt(side.warmUp)
                : Math.min(maxPool, defaults.warmUpConnections());
        if (warmUp > maxPool) {
            throw new ConfigException(side.warmUp, side.warmUp + " (" + warmUp + ") must not exceed " + side.maxPool
                    + " (" + maxPool + ")" + v.origin(side.warmUp) + ": " + ConfigKeys.howToFix(side.warmUp));
        }
        long maxDocumentBytes = v.present(side.maxDocumentBytes) ? v.positiveLong(side.maxDocumentBytes)
                : EndpointConfig.defaultMaxDocumentBytes(flavour);
        long selectionMs = v.present(side.serverSelectionTimeout) ? v.positiveLong(side.serverSelectionTimeout)
                : Optional.ofNullable(cs.getServerSelectionTimeout()).filter(n -> n > 0).map(Integer::longValue)
                        .orElse(EndpointConfig.DEFAULT_SERVER_SELECTION_TIMEOUT.toMillis());

        List<String> collections = v.string(side.collection).map(ConfigLoader::splitList).orElse(List.of());
        Optional<String> database = v.string(side.database).or(() -> uri.database().filter(d -> !d.isBlank()));
        if (database.isEmpty()) {
            ConfigException incomplete = new ConfigException(side.database, side.database + " is not set: "
                    + ConfigKeys.howToSet(side.database) + " (or name the database in " + side.uri + ")");
            return DataWorksConfig.Endpoint.incomplete(incomplete);
        }
        return DataWorksConfig.Endpoint.of(new EndpointConfig(uri, database.get(), collections, flavour,
                new PoolConfig(maxPool, minPool, maxIdle, warmUp), maxDocumentBytes, Duration.ofMillis(selectionMs)));
    }

    static List<String> splitList(String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String name = part.strip();
            if (!name.isEmpty() && !out.contains(name)) {
                out.add(name);
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, String> systemProperties() {
        Properties props = System.getProperties();
        Map<String, String> out = new HashMap<>();
        for (String name : props.stringPropertyNames()) {
            out.put(name, props.getProperty(name));
        }
        return out;
    }

    private static Map<String, String> frameworkKeys(Map<String, String> all) {
        Map<String, String> out = new HashMap<>();
        all.forEach((k, val) -> {
            if (k != null && val != null && !val.isBlank() && k.startsWith(ConfigKeys.PREFIX)) {
                out.put(k, val);
            }
        });
        return out;
    }

    /** A blank value means "not set here": it must not hide a value from a lower source or a default. */
    private static Map<String, String> withoutBlanks(Map<String, String> map) {
        Map<String, String> out = new HashMap<>();
        map.forEach((k, val) -> {
            if (k != null && val != null && !val.isBlank()) {
                out.put(k, val);
            }
        });
        return out;
    }

    /** The per-endpoint keys of one side. */
    private enum Side {
        SOURCE(ConfigKeys.SOURCE_URI, ConfigKeys.SOURCE_DB, ConfigKeys.SOURCE_COLLECTION, ConfigKeys.SOURCE_TYPE,
                ConfigKeys.SOURCE_MAX_POOL_SIZE, ConfigKeys.SOURCE_MIN_POOL_SIZE, ConfigKeys.SOURCE_MAX_IDLE_TIME_MS,
                ConfigKeys.SOURCE_WARM_UP_CONNECTIONS, ConfigKeys.SOURCE_MAX_DOCUMENT_BYTES,
                ConfigKeys.SOURCE_SERVER_SELECTION_TIMEOUT_MS),
        TARGET(ConfigKeys.TARGET_URI, ConfigKeys.TARGET_DB, ConfigKeys.TARGET_COLLECTION, ConfigKeys.TARGET_TYPE,
                ConfigKeys.TARGET_MAX_POOL_SIZE, ConfigKeys.TARGET_MIN_POOL_SIZE, ConfigKeys.TARGET_MAX_IDLE_TIME_MS,
                ConfigKeys.TARGET_WARM_UP_CONNECTIONS, ConfigKeys.TARGET_MAX_DOCUMENT_BYTES,
                ConfigKeys.TARGET_SERVER_SELECTION_TIMEOUT_MS);

        final String uri;
        final String database;
        final String collection;
        final String type;
        final String maxPool;
        final String minPool;
        final String maxIdle;
        final String warmUp;
        final String maxDocumentBytes;
        final String serverSelectionTimeout;

        Side(String... keys) {
            List<String> k = Arrays.asList(keys);
            uri = k.get(0);
            database = k.get(1);
            collection = k.get(2);
            type = k.get(3);
            maxPool = k.get(4);
            minPool = k.get(5);
            maxIdle = k.get(6);
            warmUp = k.get(7);
            maxDocumentBytes = k.get(8);
            serverSelectionTimeout = k.get(9);
        }
    }

    /** Typed reads with messages that name the key, the flag and the origin of a wrong value. */
    static final class Values {

        private final SmallRyeConfig config;

        Values(SmallRyeConfig config) {
            this.config = config;
        }

        boolean present(String key) {
            return string(key).isPresent();
        }

        Optional<String> string(String key) {
            ConfigValue value = config.getConfigValue(key);
            String raw = value == null ? null : value.getValue();
            return raw == null || raw.isBlank() ? Optional.empty() : Optional.of(raw.strip());
        }

        /** " (from the environment)" etc.; empty for the command line, which the user just typed. */
        String origin(String key) {
            ConfigValue value = config.getConfigValue(key);
            if (value == null || value.getValue() == null) {
                return "";
            }
            return switch (value.getConfigSourceOrdinal()) {
                case OVERRIDES_ORDINAL -> "";
                case SYSTEM_PROPERTIES_ORDINAL -> " (from " + SYSTEM_PROPERTIES_SOURCE + ")";
                case ENVIRONMENT_ORDINAL -> " (from " + ENVIRONMENT_SOURCE + ")";
                case ENV_FILE_ORDINAL -> " (from " + sourceName(value.getConfigSourceName()) + ")";
                default -> " (the default)";
            };
        }

        /** SmallRye names a source "PropertiesConfigSource[source=NAME]". */
        private static String sourceName(String name) {
            int start = name == null ? -1 : name.indexOf("[source=");
            return start < 0 || !name.endsWith("]") ? String.valueOf(name) : name.substring(start + 8, name.length() - 1);
        }

        int positiveInt(String key) {
            return (int) number(key, 1, Integer.MAX_VALUE, "a positive whole number");
        }

        int nonNegativeInt(String key) {
            return (int) number(key, 0, Integer.MAX_VALUE, "a whole number, 0 or more");
        }

        long positiveLong(String key) {
            return number(key, 1, Long.MAX_VALUE, "a positive whole number");
        }

        long nonNegativeLong(String key) {
            return number(key, 0, Long.MAX_VALUE, "a whole number, 0 or more");
        }

        double fraction(String key) {
            String raw = require(key);
            try {
                double d = Double.parseDouble(raw);
                if (d >= 0 && d <= 1) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid(key, raw, "a number from 0 to 1");
        }

        private long number(String key, long min, long max, String what) {
            String raw = require(key);
            try {
                long n = Long.parseLong(raw.replace("_", ""));
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw invalid(key, raw, what);
        }

        private String require(String key) {
            return string(key).orElseThrow(() -> new ConfigException(key, key + " is not set: "
                    + ConfigKeys.howToSet(key)));
        }

        ConfigException invalid(String key, String raw, String what) {
            return new ConfigException(key, key + " must be " + what + ", was '" + MongoUri.maskSecrets(raw) + "'"
                    + origin(key) + ": " + ConfigKeys.howToFix(key));
        }
    }
}
