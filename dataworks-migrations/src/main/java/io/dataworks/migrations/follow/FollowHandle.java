package io.dataworks.migrations.follow;

import reactor.core.publisher.Mono;

/** A running follow: stop it (Ctrl-C), watch it, await its result. */
public interface FollowHandle {

    /** Stops gracefully: the events already received are applied and checkpointed first. Idempotent. */
    void stop();

    /**
     * Completes when following stopped, after the final checkpoint (see {@link FollowResult#exitCode()}: a stream that
     * ended is a failed result, not an error). Errors when applying failed: a write or read that failed for good, a
     * source that no longer has the changes since the checkpoint, a change the strategy's id mapping cannot apply
     * ({@link io.dataworks.core.DataWorksException}, exit 1, with what to do).
     */
    Mono<FollowResult> result();

    /** Seconds behind the source: now minus the time of the oldest event received but not yet applied; 0 when none. */
    double lagSeconds();

    /** Events received but not yet applied. */
    long pendingEvents();

    /** Events applied in this run. */
    long appliedEvents();
}
