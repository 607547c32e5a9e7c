/**
 * Keeping the target in sync after the copy: {@link io.dataworks.migrations.follow.ChangeFollower} captures
 * a change-stream start point before the copy, replays the source's changes onto the target after it
 * (idempotently, resume token checkpointed per batch) and stops on Ctrl-C or when cut-over conditions
 * hold; {@link io.dataworks.migrations.follow.DeleteReconciler} removes target documents the source no
 * longer has, for sources whose change streams carry no deletes (Cosmos DB).
 */
package io.dataworks.migrations.follow;
