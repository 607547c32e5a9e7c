/**
 * Engine internals, not API: the per-namespace steps ({@code DefaultMigrationEngine}), the partition
 * reader, the byte/count/time batcher, the bulk writer with its per-document error handling, the
 * dead-letter file and the error budget.
 */
package io.dataworks.migrations.internal;
