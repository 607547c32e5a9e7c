/**
 * Index copy (public API): {@link io.dataworks.migrations.index.IndexCopier} builds a source collection's
 * unique indexes on the target before the data and the others after it, reporting refusals in an
 * {@link io.dataworks.migrations.index.IndexReport} instead of failing the run.
 */
package io.dataworks.migrations.index;
