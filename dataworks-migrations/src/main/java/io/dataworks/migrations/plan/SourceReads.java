package io.dataworks.migrations.plan;

import java.util.List;
import java.util.Objects;

import org.reactivestreams.Publisher;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.retry.RetryPolicy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one way the planner and its partitioners read the source: every query goes through here and is retried
 * by the run's {@link RetryPolicy}, as the copy's reads are, so a throttled (16500) or transient failure while
 * planning is waited out instead of failing the run. Immutable and thread-safe.
 *
 * <p>A query is given as the driver's (cold) publisher and is sent again from the start on each retry: the
 * whole answer is collected before it is returned, so a retry never hands out part of a result twice. Only
 * queries with a bounded answer belong here (a sample, an edge, a probe, a command), never a cursor over a
 * collection. A failure the policy does not retry reaches the caller unchanged (a {@code MongoServerException}
 * for a missing command or privilege); when retries run out it is a {@code RetriesExhaustedException}.
 */
public final class SourceReads {

    private final RetryPolicy retry;

    private SourceReads(RetryPolicy retry) {
        this.retry = Objects.requireNonNull(retry, "retry");
    }

    /** Reads retried by {@code retry}. */
    public static SourceReads retriedBy(RetryPolicy retry) {
        return new SourceReads(retry);
    }

    /** Reads retried by the default policy ({@link RetryConfig#DEFAULTS}), counted nowhere. */
    public static SourceReads withDefaults() {
        return new SourceReads(RetryPolicy.of(RetryConfig.DEFAULTS));
    }

    public RetryPolicy retryPolicy() {
        return retry;
    }

    /** The first result of {@code query} (empty when it has none); the rest, if any, is cancelled. */
    public <T> Mono<T> first(Publisher<T> query) {
        Objects.requireNonNull(query, "query");
        return retry.apply(Mono.from(query));
    }

    /** Every result of {@code query}, collected. */
    public <T> Mono<List<T>> all(Publisher<T> query) {
        Objects.requireNonNull(query, "query");
        return retry.apply(Flux.from(query).collectList());
    }

    /** Whether {@code query} has at least one result. */
    public Mono<Boolean> any(Publisher<?> query) {
        Objects.requireNonNull(query, "query");
        return retry.apply(Flux.from(query).hasElements());
    }
}
