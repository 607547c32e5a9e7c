package io.dataworks.migrations.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;

import org.reactivestreams.Subscription;

import reactor.core.Disposable;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Groups a stream into batches that close on count, on bytes or on time, whichever comes first, keeping
 * the order of the elements (a batch holds a contiguous run of the input, and batches come out in order).
 *
 * <p>Upstream is read only while downstream wants batches: it requests {@code prefetch} elements at a
 * time, and only when the downstream has outstanding demand, so at most about one extra batch waits
 * in memory. A single element larger than {@code maxBytes} forms a batch of its own.
 */
public final class Batcher {

    private Batcher() {
    }

    public static <T> Flux<List<T>> batch(Flux<T> source, int maxCount, long maxBytes, Duration maxWait,
                                          ToLongFunction<? super T> sizeOf, int prefetch) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(sizeOf, "sizeOf");
        if (maxCount <= 0 || maxBytes <= 0 || prefetch <= 0) {
            throw new IllegalArgumentException("maxCount, maxBytes and prefetch must be > 0");
        }
        return Flux.create(sink -> {
            BatchingSubscriber<T> subscriber =
                    new BatchingSubscriber<>(sink, maxCount, maxBytes, maxWait, sizeOf, prefetch, Schedulers.parallel());
            sink.onRequest(n -> subscriber.pull());
            sink.onDispose(subscriber::stop);
            source.subscribe(subscriber);
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    /** All state is guarded by {@code this}: upstream signals and the timer race for the open batch. */
    private static final class BatchingSubscriber<T> extends BaseSubscriber<T> {

        private final FluxSink<List<T>> sink;
        private final int maxCount;
        private final long maxBytes;
        private final Duration maxWait;
        private final ToLongFunction<? super T> sizeOf;
        private final int prefetch;
        private final Scheduler timer;

        private List<T> open = new ArrayList<>();
        private long openBytes;
        private long generation;
        private Disposable pendingTimeout;
        private long outstanding;
        private boolean terminated;

        BatchingSubscriber(FluxSink<List<T>> sink, int maxCount, long maxBytes, Duration maxWait,
                           ToLongFunction<? super T> sizeOf, int prefetch, Scheduler timer) {
            this.sink = sink;
            this.maxCount = maxCount;
            this.maxBytes = maxBytes;
            this.maxWait = maxWait;
            this.sizeOf = sizeOf;
            this.prefetch = prefetch;
            this.timer = timer;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            pull();
        }

        @Override
        protected synchronized void hookOnNext(T value) {
            outstanding--;
            long size = sizeOf.applyAsLong(value);
            if (!open.isEmpty() && openBytes + size > maxBytes) {
                flush();
            }
            if (open.isEmpty()) {
                long armedFor = generation;
                pendingTimeout = timer.schedule(() -> timeout(armedFor), maxWait.toNanos(), TimeUnit.NANOSECONDS);
            }
            open.add(value);
            openBytes += size;
            if (open.size() >= maxCount || openBytes >= maxBytes) {
                flush();
            }
            pull();
        }

        @Override
        protected synchronized void hookOnComplete() {
            terminated = true;
            if (!open.isEmpty()) {
                flush();
            }
            sink.complete();
        }

        @Override
        protected synchronized void hookOnError(Throwable error) {
            terminated = true;
            if (!open.isEmpty()) {
                flush();
            }
            sink.error(error);
        }

        /**
         * Tops the upstream request back up to {@code prefetch} once half of it is used, while downstream
         * wants batches, so the next cursor batch is on its way while this one is being cut.
         */
        synchronized void pull() {
            if (outstanding <= prefetch / 2 && !terminated && upstream() != null && sink.requestedFromDownstream() > 0) {
                long more = prefetch - outstanding;
                outstanding = prefetch;
                request(more);
            }
        }

        synchronized void stop() {
            terminated = true;
            if (pendingTimeout != null) {
                pendingTimeout.dispose();
            }
            dispose();
        }

        private synchronized void timeout(long armedFor) {
            if (armedFor == generation && !open.isEmpty() && !terminated) {
                flush();
            }
        }

        private void flush() {
            if (pendingTimeout != null) {
                pendingTimeout.dispose();
                pendingTimeout = null;
            }
            List<T> batch = open;
            open = new ArrayList<>(Math.min(maxCount, 1024));
            openBytes = 0;
            generation++;
            sink.next(batch);
        }
    }
}
