package io.dataworks.migrations.throttle;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ObjDoubleConsumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.micrometer.core.instrument.Clock;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * An AIMD concurrency limit for requests to a server that rate-limits (Cosmos DB's 16500 /
 * TooManyRequests) or slows down (timeouts): permits handed out by {@link #acquire()} (first come first
 * served, no thread blocked; a cancelled acquisition gives its place or its permit back) under a limit
 * that {@link AimdLimit} moves: multiplicative decrease on {@link #onThrottled()} / {@link #onTimeout()},
 * additive increase on {@link #onSuccess()}.
 *
 * <p>{@link #run(Supplier, UnaryOperator)} does all of it around one request and its retries:
 * {@code limiter.run(() -> write(batch), retryPolicy::apply)}. The permit is held while the request
 * waits out its backoff: a throttled request fails in a millisecond, so a permit given back during the
 * wait would pass straight to the next request, which the server would throttle too; bounding the
 * requests that are in flight <em>or waiting to retry</em> is what bounds the attempt rate.
 *
 * <p>Thread-safe; the critical sections are a few field updates under one lock, and subscribers are
 * signalled outside it.
 */
public final class AdaptiveConcurrencyLimiter {

    private final AimdLimit aimd;
    private final Object lock = new Object();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int limit;
    private int inFlight;

    private AdaptiveConcurrencyLimiter(LimiterSettings settings, Clock clock, ObjDoubleConsumer<String> gauges) {
        this.limit = settings.initialLimit();
        this.aimd = AimdLimit.create(settings, clock, gauges, this::limitChanged);
    }

    public static AdaptiveConcurrencyLimiter create(LimiterSettings settings) {
        return create(settings, Clock.SYSTEM, (name, value) -> { });
    }

    /**
     * @param gauges receives {@code (settings.gaugeName(), limit)} whenever the limit changes; pass
     *               {@code metricsCollector::gauge}
     */
    public static AdaptiveConcurrencyLimiter create(LimiterSettings settings, Clock clock, ObjDoubleConsumer<String> gauges) {
        return new AdaptiveConcurrencyLimiter(settings, clock, gauges);
    }

    public LimiterSettings settings() {
        return aimd.settings();
    }

    /** The current limit. */
    public int limit() {
        return aimd.limit();
    }

    /** A permit, as soon as fewer than {@link #limit()} are out and nobody queued before. */
    public Mono<Permit> acquire() {
        return Mono.<Permit>create(sink -> {
            Waiter waiter = new Waiter(sink);
            sink.onCancel(() -> cancel(waiter));
            boolean granted;
            synchronized (lock) {
                if (waiter.cancelled) {
                    return;
                }
                granted = waiters.isEmpty() && inFlight < limit;
                if (granted) {
                    inFlight++;
                } else {
                    waiters.add(waiter);
                }
            }
            if (granted) {
                sink.success(new SlotPermit());
            }
        }).doOnDiscard(SlotPermit.class, SlotPermit::release);
    }

    /** {@link #run(Supplier, UnaryOperator)} without retries. */
    public <T> Mono<T> run(Supplier<? extends Mono<T>> call) {
        return run(call, UnaryOperator.identity());
    }

    /**
     * Runs {@code call} holding one permit across all its attempts and feeds every attempt's outcome
     * back: success → {@link #onSuccess()}, throttled → {@link #onThrottled()}, timed out →
     * {@link #onTimeout()}. {@code retrying} wraps the single attempt (e.g. {@code retryPolicy::apply}),
     * resubscribing to it on retryable errors. The permit is released on success, error and cancellation.
     */
    public <T> Mono<T> run(Supplier<? extends Mono<T>> call, UnaryOperator<Mono<T>> retrying) {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(retrying, "retrying");
        Mono<T> attempt = Mono.<T>defer(call)
                .doOnSuccess(ignored -> onSuccess())
                .doOnError(this::onError);
        return Mono.usingWhen(
                acquire(),
                permit -> retrying.apply(attempt),
                permit -> Mono.fromRunnable(permit::release),
                (permit, error) -> Mono.fromRunnable(permit::release),
                permit -> Mono.fromRunnable(permit::release));
    }

    /** Feeds a failed request back; errors that say nothing about load are ignored. */
    public void onError(Throwable error) {
        aimd.onError(error);
    }

    public void onSuccess() {
        aimd.onSuccess();
        drain(); // the limit may have grown
    }

    public void onThrottled() {
        aimd.onThrottled();
    }

    public void onTimeout() {
        aimd.onTimeout();
    }

    public LimiterStats stats() {
        synchronized (lock) {
            return aimd.stats(inFlight, waiters.size());
        }
    }

    /** Called under the AIMD lock: only records the limit; permits are handed out on the next release or acquire. */
    private void limitChanged(int newLimit) {
        synchronized (lock) {
            limit = newLimit;
        }
    }

    private void cancel(Waiter waiter) {
        synchronized (lock) {
            waiter.cancelled = true;
            waiters.remove(waiter);
        }
    }

    private void release() {
        synchronized (lock) {
            inFlight--;
        }
        drain();
    }

    private void drain() {
        List<Waiter> granted = null;
        synchronized (lock) {
            while (inFlight < limit && !waiters.isEmpty()) {
                Waiter next = waiters.poll();
                inFlight++;
                if (granted == null) {
                    granted = new ArrayList<>();
                }
                granted.add(next);
            }
        }
        if (granted != null) {
            // A subscriber cancelled between poll and here gets its permit discarded, which releases it.
            granted.forEach(w -> w.sink.success(new SlotPermit()));
        }
    }

    private static final class Waiter {
        final MonoSink<Permit> sink;
        boolean cancelled; // guarded by lock

        Waiter(MonoSink<Permit> sink) {
            this.sink = sink;
        }
    }

    private final class SlotPermit implements Permit {
        private final AtomicBoolean released = new AtomicBoolean();

        @Override
        public void release() {
            if (released.compareAndSet(false, true)) {
                AdaptiveConcurrencyLimiter.this.release();
            }
        }
    }
}
