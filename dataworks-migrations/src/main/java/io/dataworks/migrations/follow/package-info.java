/**
 * Keeping the target in sync after the copy: {@link io.dataworks.migrations.follow.ChangeFollower} captures
 * a change-stream start point before the copy, replays the source's changes onto the target after it through the
 * strategy's {@link io.dataworks.migrations.document.DocumentStage} (idempotently, resume token checkpointed per batch,
 * batching paced by the target) and stops on Ctrl-C, when cut-over conditions hold, or with a failure when a stream
 * ended or its history is gone ({@link io.dataworks.migrations.follow.FollowResult#exitCode()});
 * {@link io.dataworks.migrations.follow.DeleteReconciler} removes target documents whose source document is gone, by the
 * strategy's id mapping and filter, for sources whose change streams carry no deletes (Cosmos DB).
 */
package io.dataworks.migrations.follow;
