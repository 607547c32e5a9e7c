package io.dataworks.migrations;

import java.time.Duration;
import java.util.Objects;

import io.dataworks.migrations.follow.Cutover;

/**
 * Which stages a {@link MigrationRun} runs besides the copy, and how. Immutable; {@code withX} returns a copy.
 *
 * @param copy             run the copy ({@code false}: {@code --verify-only}, which plans from the checkpoints and copies nothing)
 * @param verify           verify after the copy ({@code --verify}, {@code --verify-only}, the demo)
 * @param reconcileDeletes delete target documents the source no longer has, before verifying and again after following
 * @param follow           follow the source's changes after the copy (and verification) until stopped or cut-over
 * @param cutover          with {@code follow}: stop once this holds; {@code null} to follow until stopped
 * @param cosmosSource     the source is Cosmos DB (its change streams need their own pipeline and carry no deletes)
 * @param stallTimeout     a stage with no progress for this long logs a WARN saying what it waits for
 *                         ({@code FRAMEWORK_STALL_TIMEOUT_SECONDS}); zero turns the watch off
 */
public record RunOptions(boolean copy, boolean verify, boolean reconcileDeletes, boolean follow, Cutover cutover,
                         boolean cosmosSource, Duration stallTimeout) {

    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(60);

    public RunOptions {
        Objects.requireNonNull(stallTimeout, "stallTimeout");
        if (stallTimeout.isNegative()) {
            throw new IllegalArgumentException("stallTimeout must be >= 0, was " + stallTimeout);
        }
        if (cutover != null && !follow) {
            throw new IllegalArgumentException("a cut-over condition needs follow");
        }
        if (follow && !copy) {
            throw new IllegalArgumentException("follow needs the copy (it starts from a point taken before the copy)");
        }
    }

    /** The copy alone. */
    public static RunOptions copyOnly() {
        return new RunOptions(true, false, false, false, null, false, DEFAULT_STALL_TIMEOUT);
    }

    public RunOptions withCopy(boolean value) {
        return new RunOptions(value, verify, reconcileDeletes, follow, cutover, cosmosSource, stallTimeout);
    }

    public RunOptions withVerify(boolean value) {
        return new RunOptions(copy, value, reconcileDeletes, follow, cutover, cosmosSource, stallTimeout);
    }

    public RunOptions withReconcileDeletes(boolean value) {
        return new RunOptions(copy, verify, value, follow, cutover, cosmosSource, stallTimeout);
    }

    public RunOptions withFollow(boolean value, Cutover until) {
        return new RunOptions(copy, verify, reconcileDeletes, value, until, cosmosSource, stallTimeout);
    }

    public RunOptions withCosmosSource(boolean value) {
        return new RunOptions(copy, verify, reconcileDeletes, follow, cutover, value, stallTimeout);
    }

    public RunOptions withStallTimeout(Duration value) {
        return new RunOptions(copy, verify, reconcileDeletes, follow, cutover, cosmosSource, value);
    }
}
