/**
 * Checkpoints (public API): one file per source namespace holding the plan and, per partition, the last
 * {@code _id} the target acknowledged in order; replaced atomically; refused when written for another
 * source, target, strategy or plan.
 */
package io.dataworks.migrations.checkpoint;
