package io.dataworks.core.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every configuration key of the core, and the CLI flag that sets it. Keys keep the {@code FRAMEWORK_} names of the
 * original framework; they are read from (highest first) CLI flags, system properties, the environment and
 * {@code .env_local}. Modules may define their own {@code FRAMEWORK_...} keys and read them with
 * {@link DataWorksConfig#get(String, Class, Object)}.
 */
public final class ConfigKeys {

    /** Prefix of every key; only environment variables and system properties with this prefix are read. */
    public static final String PREFIX = "FRAMEWORK_";

    // Source endpoint
    public static final String SOURCE_URI = "FRAMEWORK_SOURCE_DB_CONNECTION_STRING";
    public static final String SOURCE_DB = "FRAMEWORK_SOURCE_DB_NAME";
    public static final String SOURCE_COLLECTION = "FRAMEWORK_SOURCE_DB_COLLECTION";
    public static final String SOURCE_TYPE = "FRAMEWORK_SOURCE_DB_TYPE";
    public static final String SOURCE_MAX_POOL_SIZE = "FRAMEWORK_SOURCE_DB_MAX_POOL_SIZE";
    public static final String SOURCE_MIN_POOL_SIZE = "FRAMEWORK_SOURCE_DB_MIN_POOL_SIZE";
    public static final String SOURCE_MAX_IDLE_TIME_MS = "FRAMEWORK_SOURCE_DB_MAX_IDLE_TIME_MS";
    public static final String SOURCE_WARM_UP_CONNECTIONS = "FRAMEWORK_SOURCE_DB_WARM_UP_CONNECTIONS";
    public static final String SOURCE_MAX_DOCUMENT_BYTES = "FRAMEWORK_SOURCE_DB_MAX_DOCUMENT_BYTES";
    public static final String SOURCE_SERVER_SELECTION_TIMEOUT_MS = "FRAMEWORK_SOURCE_DB_SERVER_SELECTION_TIMEOUT_MS";

    // Target endpoint
    public static final String TARGET_URI = "FRAMEWORK_TARGET_DB_CONNECTION_STRING";
    public static final String TARGET_DB = "FRAMEWORK_TARGET_DB_NAME";
    public static final String TARGET_COLLECTION = "FRAMEWORK_TARGET_DB_COLLECTION";
    public static final String TARGET_TYPE = "FRAMEWORK_TARGET_DB_TYPE";
    public static final String TARGET_MAX_POOL_SIZE = "FRAMEWORK_TARGET_DB_MAX_POOL_SIZE";
    public static final String TARGET_MIN_POOL_SIZE = "FRAMEWORK_TARGET_DB_MIN_POOL_SIZE";
    public static final String TARGET_MAX_IDLE_TIME_MS = "FRAMEWORK_TARGET_DB_MAX_IDLE_TIME_MS";
    public static final String TARGET_WARM_UP_CONNECTIONS = "FRAMEWORK_TARGET_DB_WARM_UP_CONNECTIONS";
    public static final String TARGET_MAX_DOCUMENT_BYTES = "FRAMEWORK_TARGET_DB_MAX_DOCUMENT_BYTES";
    public static final String TARGET_SERVER_SELECTION_TIMEOUT_MS = "FRAMEWORK_TARGET_DB_SERVER_SELECTION_TIMEOUT_MS";

    // Workers and batching
    public static final String WRITE_WORKERS = "FRAMEWORK_WRITE_WORKERS";
    public static final String GENERATION_WORKERS = "FRAMEWORK_GENERATION_WORKERS";
    public static final String MAX_WORKERS = "FRAMEWORK_MAX_WORKERS";
    public static final String BATCH_AGGREGATION_SIZE = "FRAMEWORK_BATCH_AGGREGATION_SIZE";
    public static final String BATCH_AGGREGATION_TIMEOUT_MS = "FRAMEWORK_BATCH_AGGREGATION_TIMEOUT_MS";
    public static final String SOURCE_BATCH_SIZE = "FRAMEWORK_SOURCE_DB_BATCH_SIZE";
    public static final String MAX_INSERT_WORKERS = "FRAMEWORK_MAX_INSERT_WORKERS";
    public static final String PARALLEL_CURSORS = "FRAMEWORK_PARALLEL_CURSORS";

    // Retry
    public static final String RETRY_MAX_ATTEMPTS = "FRAMEWORK_RETRY_MAX_ATTEMPTS";
    public static final String RETRY_INITIAL_BACKOFF_MS = "FRAMEWORK_RETRY_INITIAL_BACKOFF_MS";
    public static final String RETRY_MAX_BACKOFF_MS = "FRAMEWORK_RETRY_MAX_BACKOFF_MS";
    public static final String RETRY_MAX_TOTAL_WAIT_MS = "FRAMEWORK_RETRY_MAX_TOTAL_WAIT_MS";
    public static final String RETRY_JITTER = "FRAMEWORK_RETRY_JITTER";

    /** Flag and its parameter label, for the "pass --flag LABEL" part of messages. */
    private record Flag(String name, String label) {
    }

    /** Only flags both CLIs (or one of them) really accept, per DESIGN.md's CLI contract. */
    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry(SOURCE_URI, new Flag("--source-uri", "URI")),
            Map.entry(SOURCE_DB, new Flag("--source-db", "NAME")),
            Map.entry(SOURCE_COLLECTION, new Flag("--source-collection", "NAME")),
            Map.entry(SOURCE_TYPE, new Flag("--source-type", "cosmos|atlas|mongodb")),
            Map.entry(TARGET_URI, new Flag("--target-uri", "URI")),
            Map.entry(TARGET_DB, new Flag("--target-db", "NAME")),
            Map.entry(TARGET_COLLECTION, new Flag("--target-collection", "NAME")),
            Map.entry(TARGET_TYPE, new Flag("--target-type", "cosmos|atlas|mongodb")),
            Map.entry(WRITE_WORKERS, new Flag("--write-workers", "N")),
            Map.entry(GENERATION_WORKERS, new Flag("--workers", "N")),
            Map.entry(BATCH_AGGREGATION_SIZE, new Flag("--batch-size", "N")),
            Map.entry(MAX_INSERT_WORKERS, new Flag("--insert-workers", "N")),
            Map.entry(PARALLEL_CURSORS, new Flag("--parallel-cursors", "N")),
            Map.entry("FRAMEWORK_CHECKPOINT_URI", new Flag("--checkpoint-uri", "URI")),
            Map.entry("FRAMEWORK_CHECKPOINT_DB", new Flag("--checkpoint-db", "NAME")));

    private ConfigKeys() {
    }

    /**
     * The CLI flag that sets {@code key} (e.g. {@code FRAMEWORK_SOURCE_DB_CONNECTION_STRING} → {@code --source-uri}),
     * or {@code null} when the key has no flag and is set only in {@code .env_local} or the environment.
     */
    public static String flagFor(String key) {
        Flag flag = FLAGS.get(key);
        return flag == null ? null : flag.name();
    }

    /**
     * What the user can do to set or fix {@code key}: {@code "pass --write-workers N or fix it in .env_local"}, or for
     * a key without a flag {@code "set FRAMEWORK_MAX_WORKERS in .env_local or the environment"}.
     */
    public static String howToFix(String key) {
        Flag flag = FLAGS.get(key);
        return flag == null
                ? "set " + key + " in .env_local or the environment"
                : "pass " + flag.name() + " " + flag.label() + " or fix it in .env_local";
    }

    /** Like {@link #howToFix(String)}, for a key that is missing: {@code "pass --source-uri or set it in .env_local"}. */
    public static String howToSet(String key) {
        Flag flag = FLAGS.get(key);
        return flag == null
                ? "set " + key + " in .env_local or the environment"
                : "pass " + flag.name() + " or set it in .env_local";
    }

    /**
     * Every {@code FRAMEWORK_} key any DataWorks module reads (the modules' own keys included, by name: core depends on
     * no module), as documented in {@code .env_local.example}. A key outside this set is reported as unknown. A module
     * that reads a new key adds it here; {@code ConfigLoaderTest} fails while a key of the example file is missing.
     */
    public static final Set<String> KNOWN = Set.of(
            SOURCE_URI, SOURCE_DB, SOURCE_COLLECTION, SOURCE_TYPE, SOURCE_MAX_POOL_SIZE, SOURCE_MIN_POOL_SIZE,
            SOURCE_MAX_IDLE_TIME_MS, SOURCE_WARM_UP_CONNECTIONS, SOURCE_MAX_DOCUMENT_BYTES, SOURCE_SERVER_SELECTION_TIMEOUT_MS,
            TARGET_URI, TARGET_DB, TARGET_COLLECTION, TARGET_TYPE, TARGET_MAX_POOL_SIZE, TARGET_MIN_POOL_SIZE,
            TARGET_MAX_IDLE_TIME_MS, TARGET_WARM_UP_CONNECTIONS, TARGET_MAX_DOCUMENT_BYTES, TARGET_SERVER_SELECTION_TIMEOUT_MS,
            WRITE_WORKERS, GENERATION_WORKERS, MAX_WORKERS, BATCH_AGGREGATION_SIZE, BATCH_AGGREGATION_TIMEOUT_MS,
            SOURCE_BATCH_SIZE, MAX_INSERT_WORKERS, PARALLEL_CURSORS,
            RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF_MS, RETRY_MAX_BACKOFF_MS, RETRY_MAX_TOTAL_WAIT_MS, RETRY_JITTER,
            // dataworks-monitoring
            "FRAMEWORK_ALERT_DURATION_SECONDS", "FRAMEWORK_ALERT_ERROR_RATE", "FRAMEWORK_ALERT_MAX_HEAP_MB",
            "FRAMEWORK_ALERT_MIN_DOCS_PER_SECOND", "FRAMEWORK_ALERT_P99_LATENCY_MS", "FRAMEWORK_ALERT_THROTTLE_RATE",
            // dataworks-migrations
            "FRAMEWORK_CHECKPOINT_DIR", "FRAMEWORK_CHECKPOINT_URI", "FRAMEWORK_CHECKPOINT_DB", "FRAMEWORK_CHECKPOINT_INTERVAL_MS", "FRAMEWORK_MAX_BATCH_BYTES",
            "FRAMEWORK_MIGRATION_STRATEGY", "FRAMEWORK_PLAN_MIN_BYTES_TO_SPLIT", "FRAMEWORK_PLAN_MIN_DOCUMENTS_TO_SPLIT",
            "FRAMEWORK_PLAN_PARTITIONERS", "FRAMEWORK_PLAN_PARTITIONS", "FRAMEWORK_PLAN_REQUIRE_INDEXED_RANGES",
            "FRAMEWORK_PLAN_SAMPLE_SIZE", "FRAMEWORK_STALL_TIMEOUT_SECONDS", "FRAMEWORK_REQUEST_TIMEOUT_SECONDS");

    /** The known key closest to {@code key} (a misspelling: two edits, or a third of its length, at most). */
    public static Optional<String> closest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : new java.util.TreeSet<>(KNOWN)) {
            int d = io.dataworks.core.text.EditDistance.between(key.toUpperCase(java.util.Locale.ROOT), known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return bestDistance <= Math.max(2, key.length() / 3) ? Optional.ofNullable(best) : Optional.empty();
    }
}
