package io.dataworks.migrations;

import java.util.List;

import io.dataworks.migrations.internal.DefaultMigrationEngine;
import io.dataworks.migrations.plan.NamespacePlan;
import reactor.core.publisher.Mono;

/**
 * Copies collections from a source to a target: per namespace the steps {@code plan} (or reuse the
 * checkpointed plan), {@code unique-indexes}, {@code copy}, {@code indexes}, {@code report}; several
 * namespaces at once within one budget of cursors and bulk writes.
 *
 * <pre>{@code
 * MigrationResult result = MigrationEngine.create(settings).migrate().block();
 * }</pre>
 */
public interface MigrationEngine {

    static MigrationEngine create(MigrationSettings settings) {
        return new DefaultMigrationEngine(settings);
    }

    /** An engine that keeps its records in {@code store}, which the caller owns (opens, shares with other stages, closes). */
    static MigrationEngine create(MigrationSettings settings, io.dataworks.migrations.checkpoint.CheckpointStore store) {
        return new DefaultMigrationEngine(settings, java.util.Objects.requireNonNull(store, "store"));
    }

    MigrationSettings settings();

    /** The source as every step of this engine reaches it (retry, metrics, blocking scheduler). */
    io.dataworks.migrations.endpoint.Endpoint source();

    /** The target as every step of this engine reaches it. */
    io.dataworks.migrations.endpoint.Endpoint target();

    /**
     * The migration, cold: nothing happens until it is subscribed. Cancelling the subscription stops
     * reading and writing and writes a final checkpoint (what a graceful Ctrl-C does). It fails with a
     * {@link io.dataworks.core.DataWorksException} whose exit code says why.
     */
    Mono<MigrationResult> migrate();

    /**
     * The plan of every namespace: the checkpointed one when a usable checkpoint exists (unless
     * {@code fresh}), otherwise a new one from the planner. Writes nothing ({@code --dry-run}).
     */
    Mono<List<NamespacePlan>> plan();

    /**
     * The first half of a copy whose partitions are copied elsewhere (Spark executors, with {@link PartitionCopier}):
     * resolves the namespaces, applies {@code fresh}, checks every stored checkpoint (and that the target still holds
     * what it records), creates the target collections and their unique indexes, plans what has no usable plan, and
     * stores every namespace's copy record in {@code store} (owned by the caller). Emits the copy records, in order.
     */
    Mono<List<io.dataworks.migrations.checkpoint.NamespaceCheckpoint>> prepareCopy(io.dataworks.migrations.checkpoint.CheckpointStore store);

    /**
     * The second half of such a copy: reads every copy record with its partition records, fails (exit code 1) when a
     * partition is not done, stores the records whole, creates the remaining indexes and reports as {@link #migrate()}
     * does (documents failed and dead letters are the partition copiers' to count).
     */
    Mono<MigrationResult> finishCopy(io.dataworks.migrations.checkpoint.CheckpointStore store);

    /** The namespaces this run covers (the named ones, checked to exist; or every collection of the source database). */
    Mono<List<NamespaceMapping>> namespaceMappings();
}
