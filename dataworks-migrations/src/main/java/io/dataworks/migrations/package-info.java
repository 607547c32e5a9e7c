/**
 * The migration engine's public API: {@link io.dataworks.migrations.MigrationEngine#create} with an
 * immutable {@link io.dataworks.migrations.MigrationSettings}, the {@link io.dataworks.migrations.MigrationStrategy}
 * plug-in SPI, {@link io.dataworks.migrations.ConcurrencyLimiter} (bulk writes in flight, adjustable while
 * running) and {@link io.dataworks.migrations.PartitionQuery} (how a partition is read). The engine itself
 * lives in {@code .internal}; checkpoints in {@code .checkpoint}; the CLI in {@code .cli}.
 */
package io.dataworks.migrations;
