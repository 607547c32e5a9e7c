package io.dataworks.migrations.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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
 * <p>Upstream is read only while downstream wants batches: it requests {@code prefetch} elements (or chunks) at a
 * time, and only when the downstream has outstanding demand, so at most about one extra batch waits
 * in memory. A single element larger than {@code maxBytes} forms a batch of its own.
 *
 * <p>Threading: the open batch is cut under a lock (upstream signals and the timer race for it), and finished
 * batches and the terminal signal are handed downstream outside the lock, through a queue drained by one thread at
 * a time (the work-in-progress pattern of Reactor's own operators), so a slow downstream never holds the lock and
 * batches keep their order.
 */
public final class Batcher {

    private Batcher() {
    }

    public static <T> Flux<List<T>> batch(Flux<T> source, int maxCount, long maxBytes, Duration maxWait,
                                          ToLongFunction<? super T> sizeOf, int prefetch) {
        Objects.requireNonNull(source, "source");
        return batchChunks(source.map(Collections::singletonList), maxCount, maxBytes, maxWait, sizeOf, prefetch);
    }

    /**
     * Like {@link #batch}, for a source that delivers its elements in chunks (a cursor's server batches): one signal
     * and one turn of the lock per chunk instead of per element. A chunk is cut across batches as the limits say (it
     * may close one batch and open the next), empty chunks are skipped, and {@code prefetchChunks} counts chunks.
     */
    public static <T> Flux<List<T>> batchChunks(Flux<? extends List<T>> source, int maxCount, long maxBytes, Duration maxWait,
                                                ToLongFunction<? super T> sizeOf, int prefetchChunks) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(sizeOf, "sizeOf");
        if (maxCount <= 0 || maxBytes <= 0 || prefetchChunks <= 0) {
            throw new IllegalArgumentException("maxCount, maxBytes and prefetch must be > 0");
        }
        return Flux.create(sink -> {
            BatchingSubscriber<T> subscriber =
                    new BatchingSubscriber<>(sink, maxCount, maxBytes, maxWait, sizeOf, prefetchChunks, Schedulers.parallel());
            sink.onRequest(n -> subscriber.pull());
            sink.onDispose(subscriber::stop);
            source.subscribe(subscriber);
        }, FluxSink.OverflowStrategy.BUFFER);
    }

    /**
     * The open batch and the demand bookkeeping are guarded by {@code this}; {@link #ready} and {@link #wip} hand the
     * cut batches downstream in order, outside the lock.
     */
    private static final class BatchingSubscriber<T> extends BaseSubscriber<List<T>> {

        private final java.util.Queue<List<T>> ready = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger wip = new java.util.concurrent.atomic.AtomicInteger();
        /** The terminal signal, set once after the last batch is queued: null while running. */
        private volatile Throwable terminalError;
        private volatile boolean terminalQueued;

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
        protected void hookOnNext(List<T> chunk) {
            synchronized (this) {
                onNextLocked(chunk);
            }
            drain();
            pull();
        }

        private void onNextLocked(List<T> chunk) {
            outstanding--;
            for (T value : chunk) {
                long size = sizeOf.applyAsLong(value);
                if (!open.isEmpty() && openBytes + size > maxBytes) {
                    flush();
                }
                open.add(value);
                openBytes += size;
                if (open.size() >= maxCount || openBytes >= maxBytes) {
                    flush();
                }
            }
            // the open batch's clock starts with the chunk that opened it (a chunk's elements arrive together)
            if (!open.isEmpty() && pendingTimeout == null) {
                long armedFor = generation;
                pendingTimeout = timer.schedule(() -> timeout(armedFor), maxWait.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        protected void hookOnComplete() {
            synchronized (this) {
                terminated = true;
                if (!open.isEmpty()) {
                    flush();
                }
                terminalQueued = true;
            }
            drain();
        }

        @Override
        protected void hookOnError(Throwable error) {
            synchronized (this) {
                terminated = true;
                if (!open.isEmpty()) {
                    flush();
                }
                terminalError = error;
                terminalQueued = true;
            }
            drain();
        }

        /** Emits the queued batches, then the terminal signal once they are all out; one thread at a time, in order. */
        private void drain() {
            if (wip.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            do {
                List<T> batch;
                while ((batch = ready.poll()) != null) {
                    sink.next(batch);
                }
                if (terminalQueued && ready.isEmpty()) {
                    Throwable error = terminalError;
                    if (error != null) {
                        sink.error(error);
                    } else {
                        sink.complete();
                    }
                    return;
                }
                missed = wip.addAndGet(-missed);
            } while (missed != 0);
        }

        /**
         * Tops the upstream request back up to {@code prefetch} once half of it is used, while downstream
         * wants batches, so the next cursor batch is on its way while this one is being cut.
         */
        void pull() {
            long more;
            synchronized (this) {
                if (outstanding > prefetch / 2 || terminated || upstream() == null || sink.requestedFromDownstream() <= 0) {
                    return;
                }
                more = prefetch - outstanding;
                outstanding = prefetch;
            }
            request(more); // outside the lock: the upstream may deliver on this thread at once
        }

        synchronized void stop() {
            terminated = true;
            if (pendingTimeout != null) {
                pendingTimeout.dispose();
            }
            dispose();
        }

        private void timeout(long armedFor) {
            synchronized (this) {
                if (armedFor == generation && !open.isEmpty() && !terminated) {
                    flush();
                }
            }
            drain();
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
            ready.offer(batch); // emitted by drain(), outside the lock
        }
    }
}
