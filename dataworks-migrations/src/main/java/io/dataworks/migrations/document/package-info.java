/**
 * The document stage: {@link io.dataworks.migrations.document.DocumentStage} applies a migration strategy (filter,
 * transform, size check) to documents on their way to the target, the same for the copy and for follow.
 */
package io.dataworks.migrations.document;
