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
 * TooManyRequests) or slows down (timeouts).
 *
 * <ul>
 *   <li>{@link #acquire()} completes when a permit is free, first come first served, without blocking a
 *       thread; a cancelled acquisition gives its place (or its permit) back.</li>
 *   <li>{@link #onThrottled()} / {@link #onTimeout()} multiply the limit by {@code decreaseFactor}
 *       (floor {@code minLimit}), at most once per {@code cooldown}: the requests that were in flight
 *       together fail together, and that is one signal, not {@code limit} of them.</li>
 *   <li>{@link #onSuccess()} raises the limit by one after {@code max(successesPerIncrease, limit)}
 *       consecutive successes (about one full window per step), up to {@code maxLimit}.</li>
 * </ul>
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

    private final LimiterSettings settings;
    private final Clock clock;
    private final ObjDoubleConsumer<String> gauges;
    private final long cooldownNanos;

    private final Object lock = new Object();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final List<ConcurrencySample> series = new ArrayList<>();
    private int limit;
    private int inFlight;
    private int successStreak;
    private boolean decreasedBefore;
    private long lastDecreaseNanos;
    private int minSeen;
    private int maxSeen;
    private long successes;
    private long throttled;
    private long timeouts;
    private long decreases;
    private long increases;

    private AdaptiveConcurrencyLimiter(LimiterSettings settings, Clock clock, ObjDoubleConsumer<String> gauges) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gauges = Objects.requireNonNull(gauges, "gauges");
        this.cooldownNanos = settings.cooldown().toNanos();
        this.limit = settings.initialLimit();
        this.minSeen = limit;
        this.maxSeen = limit;
        series.add(new ConcurrencySample(clock.wallTime(), limit));
        gauges.accept(settings.gaugeName(), limit);
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
        return settings;
    }

    /** The current limit. */
    public int limit() {
        synchronized (lock) {
            return limit;
        }
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
        switch (CongestionSignal.of(error)) {
            case THROTTLED -> onThrottled();
            case TIMEOUT -> onTimeout();
            case NONE -> { }
        }
    }

    public void onSuccess() {
        boolean raised = false;
        synchronized (lock) {
            successes++;
            successStreak++;
            if (limit < settings.maxLimit() && successStreak >= Math.max(settings.successesPerIncrease(), limit)) {
                successStreak = 0;
                limit++;
                increases++;
                maxSeen = Math.max(maxSeen, limit);
                record();
                raised = true;
            }
        }
        if (raised) {
            gauges.accept(settings.gaugeName(), limit());
            drain();
        }
    }

    public void onThrottled() {
        synchronized (lock) {
            throttled++;
        }
        decrease();
    }

    public void onTimeout() {
        synchronized (lock) {
            timeouts++;
        }
        decrease();
    }

    private void decrease() {
        int newLimit;
        synchronized (lock) {
            successStreak = 0;
            long now = clock.monotonicTime();
            if (decreasedBefore && now - lastDecreaseNanos < cooldownNanos) {
                return;
            }
            decreasedBefore = true;
            lastDecreaseNanos = now;
            newLimit = Math.max(settings.minLimit(), (int) Math.floor(limit * settings.decreaseFactor()));
            if (newLimit == limit) {
                return;
            }
            limit = newLimit;
            decreases++;
            minSeen = Math.min(minSeen, limit);
            record();
        }
        gauges.accept(settings.gaugeName(), newLimit);
    }

    public LimiterStats stats() {
        synchronized (lock) {
            return new LimiterStats(limit, minSeen, maxSeen, inFlight, waiters.size(), successes, throttled, timeouts,
                    decreases, increases, series);
        }
    }

    /** Holds the lock. Keeps the series bounded by halving its resolution when full. */
    private void record() {
        if (series.size() >= settings.seriesCapacity()) {
            ConcurrencySample last = series.get(series.size() - 1);
            List<ConcurrencySample> kept = new ArrayList<>(series.size() / 2 + 1);
            for (int i = 0; i < series.size(); i += 2) {
                kept.add(series.get(i));
            }
            if (kept.get(kept.size() - 1) != last) {
                kept.add(last);
            }
            series.clear();
            series.addAll(kept);
        }
        series.add(new ConcurrencySample(clock.wallTime(), limit));
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
