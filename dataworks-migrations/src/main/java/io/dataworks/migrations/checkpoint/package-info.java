/**
 * Checkpoints (public API): the {@link io.dataworks.migrations.checkpoint.CheckpointStore} interface and its records
 * (per source namespace: the plan and, per partition, the last {@code _id} the target acknowledged in order; the
 * verification run; the follow resume token), each replaced atomically and refused when written for another source,
 * target, strategy or plan; and {@link io.dataworks.migrations.checkpoint.DeadLetters}, where refused documents are
 * kept. Two stores, both package-private behind the interface's factories: files in a directory (locked), and a MongoDB
 * database (under a renewed lease) that several machines can share.
 */
package io.dataworks.migrations.checkpoint;
