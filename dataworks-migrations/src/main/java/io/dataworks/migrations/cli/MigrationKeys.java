package io.dataworks.migrations.cli;

/** Configuration keys of flexible-migrate beyond the shared ones in {@link io.dataworks.core.config.ConfigKeys}. */
public final class MigrationKeys {

    /** Directory of checkpoint files ({@code --checkpoint-dir}), default {@code ./checkpoints}. */
    public static final String CHECKPOINT_DIR = "FRAMEWORK_CHECKPOINT_DIR";
    /** Connection string of a MongoDB checkpoint store ({@code --checkpoint-uri}); unset: the directory store. */
    public static final String CHECKPOINT_URI = "FRAMEWORK_CHECKPOINT_URI";
    /** Database of that store ({@code --checkpoint-db}); default: the URI's, else {@code dataworks_checkpoints}. */
    public static final String CHECKPOINT_DB = "FRAMEWORK_CHECKPOINT_DB";
    /** How often checkpoints are written while copying, in milliseconds (default 1000). */
    public static final String CHECKPOINT_INTERVAL_MS = "FRAMEWORK_CHECKPOINT_INTERVAL_MS";
    /** Bytes per bulk write at most ({@code --max-batch-bytes}), default 8 MiB, at most 48 MB. */
    public static final String MAX_BATCH_BYTES = "FRAMEWORK_MAX_BATCH_BYTES";
    /** Seconds a stage may make no progress before a WARN says what it waits for (default 60; 0 = off). */
    public static final String STALL_TIMEOUT_SECONDS = "FRAMEWORK_STALL_TIMEOUT_SECONDS";
    /** Seconds a bulk write may go unanswered before it is abandoned and retried (default 120). */
    public static final String REQUEST_TIMEOUT_SECONDS = "FRAMEWORK_REQUEST_TIMEOUT_SECONDS";
    /** Migration strategy name ({@code --strategy}), default {@code copy}. */
    public static final String STRATEGY = "FRAMEWORK_MIGRATION_STRATEGY";

    private MigrationKeys() {
    }
}
