package io.dataworks.migrations;

import java.util.ArrayDeque;

import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

/**
 * A non-blocking semaphore whose number of permits can change while it is in use: the engine takes a
 * permit for every bulk write in flight, and an adaptive controller (AIMD on throttling) may
 * {@link #setLimit lower or raise} the limit at any time. Lowering it never interrupts work in flight;
 * it only delays new permits until enough were released. Thread-safe.
 */
public final class ConcurrencyLimiter {

    /** The token a granted permit carries; release it with {@link #release()}. */
    public enum Permit { INSTANCE }

    private final ArrayDeque<MonoSink<Permit>> waiters = new ArrayDeque<>();
    private int limit;
    private int inFlight;

    public ConcurrencyLimiter(int limit) {
        checkLimit(limit);
        this.limit = limit;
    }

    /**
     * A permit as soon as fewer than {@link #limit()} are taken. Cancelling while waiting gives up the
     * place; a permit granted just as the subscriber cancelled is discarded by Reactor and released here.
     */
    public Mono<Permit> acquire() {
        return Mono.<Permit>create(sink -> {
            boolean granted;
            synchronized (this) {
                granted = inFlight < limit && waiters.isEmpty();
                if (granted) {
                    inFlight++;
                } else {
                    waiters.add(sink);
                }
            }
            if (granted) {
                sink.success(Permit.INSTANCE);
            } else {
                sink.onCancel(() -> {
                    synchronized (this) {
                        waiters.remove(sink);
                    }
                });
            }
        }).doOnDiscard(Permit.class, permit -> release());
    }

    /** Gives a permit back, handing it to the first waiter when the limit allows. */
    public void release() {
        MonoSink<Permit> next;
        synchronized (this) {
            inFlight--;
            next = pollIfAllowed();
        }
        if (next != null) {
            next.success(Permit.INSTANCE);
        }
    }

    /** Runs {@code work} while holding a permit; the permit is released however the work ends. */
    public <T> Mono<T> withPermit(Mono<T> work) {
        return Mono.usingWhen(acquire(), permit -> work, permit -> Mono.fromRunnable(this::release));
    }

    public void setLimit(int newLimit) {
        checkLimit(newLimit);
        java.util.List<MonoSink<Permit>> granted = new java.util.ArrayList<>();
        synchronized (this) {
            limit = newLimit;
            MonoSink<Permit> next;
            while ((next = pollIfAllowed()) != null) {
                granted.add(next);
            }
        }
        granted.forEach(sink -> sink.success(Permit.INSTANCE));
    }

    public synchronized int limit() {
        return limit;
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    private MonoSink<Permit> pollIfAllowed() {
        if (inFlight < limit && !waiters.isEmpty()) {
            inFlight++;
            return waiters.poll();
        }
        return null;
    }

    private static void checkLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be > 0, was " + limit);
        }
    }
}
