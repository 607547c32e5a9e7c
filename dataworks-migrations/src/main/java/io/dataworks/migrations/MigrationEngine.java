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

    /** The namespaces this run covers (the named ones, checked to exist; or every collection of the source database). */
    Mono<List<NamespaceMapping>> namespaceMappings();
}
