package io.dataworks.migrations.endpoint;

import java.util.Objects;

import io.dataworks.core.retry.RetryPolicy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * How a stage sends requests to one server: every read, lookup and write of every stage (plan, copy, indexes, verify,
 * reconcile, follow) goes through the {@code Requests} of its endpoint, so all of them retry alike (throttled: after
 * the server's {@code RetryAfterMs}; transient: back-off) and are paced together.
 *
 * <p>{@link #flux} restarts a failed publisher from its beginning: give it only publishers that may be repeated
 * whole (a count, a lookup, a reduce), and resume cursors after their last {@code _id} instead
 * ({@link #sortedById} does).
 */
public interface Requests {

    /** No retry: for tests of failure paths and for requests that must not be repeated. */
    Requests NONE = new Requests() {
        @Override
        public <T> Mono<T> mono(Mono<T> request) {
            return request;
        }

        @Override
        public <T> Flux<T> flux(Flux<T> request) {
            return request;
        }
    };

    <T> Mono<T> mono(Mono<T> request);

    /**
     * A write carrying documents, paced: each attempt waits for the server's pacing (a slot in flight and
     * {@code units.getAsLong()} documents' share of the learned rate, read again for each attempt, since a retry sends
     * only what is still pending), and its answer teaches the pacer. Retried as {@link #mono}. Not paced by default.
     */
    default <T> Mono<T> paced(java.util.function.LongSupplier units, Mono<T> request) {
        return mono(request);
    }

    /** The most documents one paced write should carry now (a batch above it is split); unlimited by default. */
    default long documentsPerRequest() {
        return Long.MAX_VALUE;
    }

    <T> Flux<T> flux(Flux<T> request);

    /**
     * An {@code _id}-sorted cursor that survives retryable failures without reading anything twice or skipping
     * anything: each retry reopens it after the last {@code _id} it delivered. {@code open} gets that {@code _id}
     * ({@code null} for the first attempt) and returns the cursor sorted by {@code _id} ascending.
     */
    default <T extends org.bson.BsonDocument> Flux<T> sortedById(java.util.function.Function<org.bson.BsonValue, org.reactivestreams.Publisher<T>> open) {
        Objects.requireNonNull(open, "open");
        return Flux.defer(() -> {
            java.util.concurrent.atomic.AtomicReference<T> last = new java.util.concurrent.atomic.AtomicReference<>();
            return flux(Flux.defer(() -> {
                T seen = last.get();
                return Flux.from(open.apply(seen == null ? null : seen.get("_id")));
            }).doOnNext(last::lazySet));
        });
    }

    /**
     * {@link #sortedById}, paced by the server's pacing: every {@value #READ_PACE_DOCUMENTS} documents read take their
     * share of the learned rate before the next are read, and a throttled read teaches the pacer (verification and
     * reconciliation read this way; the copy paces its cursors by batch itself). Not paced by default.
     */
    default <T extends org.bson.BsonDocument> Flux<T> pacedSortedById(java.util.function.Function<org.bson.BsonValue, org.reactivestreams.Publisher<T>> open) {
        return sortedById(open);
    }

    /** Documents read between two pacing steps of {@link #pacedSortedById}. */
    int READ_PACE_DOCUMENTS = 100;

    /** Retries by {@code policy} (see {@link RetryPolicy} for the waits and limits). */
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
