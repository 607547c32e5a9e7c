package io.dataworks.core.retry;

import java.time.Duration;
import java.util.Objects;

import io.dataworks.core.error.ErrorKind;

/**
 * Told about every retry {@link RetryPolicy} makes, before it waits; this is where retries and throttles are
 * counted. Called on the thread that saw the failure: implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface RetryListener {

    /** Ignores every retry. */
    RetryListener NONE = (kind, attempt, delay) -> { };

    /**
     * @param kind    why the request is retried ({@link ErrorKind#THROTTLED} or {@link ErrorKind#TRANSIENT})
     * @param attempt which retry this is for the request, from 1
     * @param delay   how long the policy waits before sending it again
     */
    void onRetry(ErrorKind kind, long attempt, Duration delay);

    /** Tells this listener, then {@code next}. */
    default RetryListener andThen(RetryListener next) {
        Objects.requireNonNull(next, "next");
        return (kind, attempt, delay) -> {
            onRetry(kind, attempt, delay);
            next.onRetry(kind, attempt, delay);
        };
    }
}
