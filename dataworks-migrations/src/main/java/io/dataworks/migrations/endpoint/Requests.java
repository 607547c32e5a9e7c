package io.dataworks.migrations.endpoint;

import java.util.Objects;

import io.dataworks.core.retry.RetryPolicy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How the requests of one side (source or target) are sent: every read, lookup and write of a stage is wrapped by
 * it, so that all stages retry alike (throttled: after {@code RetryAfterMs}; transient: back-off; anything else:
 * at once, unchanged). The seed of the endpoint wrapper, which will add pacing and a scheduler for blocking work.
 *
 * <p>Contract of {@link #flux}: a retry resubscribes the given publisher from its beginning. A caller that streams a
 * cursor must therefore pass a {@link Flux#defer deferred} publisher that reopens the cursor after the last element
 * it already received (as {@code _id > last} does), or accept that elements are emitted again.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface Requests {

    /** {@code request}, resubscribed on retryable failures. */
    <T> Mono<T> mono(Mono<T> request);

    /** {@code request}, resubscribed from its beginning on retryable failures (see the class comment). */
    <T> Flux<T> flux(Flux<T> request);

    /** Requests retried by {@code policy}; "in a row" for a flux restarts after every element (see {@link RetryPolicy}). */
    static Requests retrying(RetryPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return new Requests() {
            @Override
            public <T> Mono<T> mono(Mono<T> request) {
                return policy.apply(request);
            }

            @Override
            public <T> Flux<T> flux(Flux<T> request) {
                return policy.apply(request);
            }

            @Override
            public String toString() {
                return "Requests.retrying(" + policy.config() + ")";
            }
        };
    }
}
