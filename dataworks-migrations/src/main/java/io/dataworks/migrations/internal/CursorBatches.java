package io.dataworks.migrations.internal;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

import org.reactivestreams.Publisher;

import com.mongodb.reactivestreams.client.internal.BatchCursor;
import com.mongodb.reactivestreams.client.internal.BatchCursorPublisher;

import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;

/**
 * A cursor read one server batch at a time (the documents of the {@code find} reply, then of each {@code getMore}), as
 * lists: one Reactor signal per batch. The driver's own publisher hands the same batches on one document at a time,
 * through a buffering sink (a queue offer, a drain and a demand update per document), which the copy would only
 * gather into batches again; at a million documents those per-document signals are a measurable share of the
 * migrator's CPU.
 *
 * <p>Uses the driver's {@code BatchCursorPublisher.batchCursor} and {@code BatchCursor} (public classes of its
 * {@code internal} package, the ones its per-document publisher is built on; the driver version is pinned in the
 * parent pom, and {@code CursorBatchesIT} reads through them against a real server). Any other publisher is read
 * per document and gathered into lists of {@code batchSize}.
 *
 * <p>Times its {@code find} and {@code getMore}s itself, for the run's read latency: a command listener on the source
 * client would make the driver copy every whole reply (a megabyte per batch of service orders, humongous objects
 * for a small heap's G1) only to tell how long it took.
 *
 * <p>Reads only as far as the demand: the next {@code getMore} is sent when the next batch is asked for (the
 * source's pacing relies on it). Cancelling closes the cursor (a {@code killCursors} to the server).
 */
final class CursorBatches {

    private CursorBatches() {
    }

    /**
     * @param roundTripNanos told how long the {@code find} and each {@code getMore} took, from the request to its
     *                       decoded reply (what a command listener's elapsed time says), for the run's read latency
     */
    static <T> Flux<List<T>> read(Publisher<T> cursor, int batchSize, LongConsumer roundTripNanos) {
        Objects.requireNonNull(cursor, "cursor");
        Objects.requireNonNull(roundTripNanos, "roundTripNanos");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, was " + batchSize);
        }
        if (!(cursor instanceof BatchCursorPublisher<T> driver)) {
            return Flux.from(cursor).buffer(batchSize);
        }
        return Flux.usingWhen(timed(driver.batchCursor(batchSize), roundTripNanos),
                batches -> {
                    batches.setBatchSize(batchSize);
                    return Flux.<List<T>>create(sink -> new Pump<>(batches, sink, roundTripNanos).start(),
                            FluxSink.OverflowStrategy.BUFFER);
                },
                batches -> Mono.fromRunnable(batches::close),
                (batches, error) -> Mono.fromRunnable(batches::close),
                batches -> Mono.fromRunnable(batches::close));
    }

    /**
     * Asks the cursor for one batch at a time, and only while the downstream wants more (the pattern of the driver's own
     * {@code BatchCursorFlux}, with a list per signal): a request that arrives while a batch is on its way is served when
     * it has come.
     */
    private static final class Pump<T> {

        private final BatchCursor<T> batches;
        private final FluxSink<List<T>> sink;
        private final LongConsumer roundTripNanos;
        private final AtomicBoolean inProgress = new AtomicBoolean();
        /** The find's reply is the first batch: handed on without another round trip (and not timed again). */
        private final AtomicBoolean inHand = new AtomicBoolean(true);

        Pump(BatchCursor<T> batches, FluxSink<List<T>> sink,
             LongConsumer roundTripNanos) {
            this.batches = batches;
            this.sink = sink;
            this.roundTripNanos = roundTripNanos;
        }

        void start() {
            sink.onRequest(n -> next());
        }

        private void next() {
            if (sink.isCancelled() || sink.requestedFromDownstream() <= 0 || !inProgress.compareAndSet(false, true)) {
                return;
            }
            if (batches.isClosed()) {
                sink.complete();
                return;
            }
            Mono<List<T>> next = Mono.from(batches.next());
            (inHand.getAndSet(false) ? next : timed(next, roundTripNanos)).subscribe(
                    batch -> {
                        if (!batch.isEmpty()) {
                            sink.next(batch);
                        }
                    },
                    sink::error,
                    () -> {
                        inProgress.set(false);
                        if (batches.isClosed()) {
                            sink.complete();
                        } else {
                            next();
                        }
                    });
        }
    }

    /** {@code request}, timed from its subscription (when the driver sends it) to its answer. */
    private static <V> Mono<V> timed(Mono<V> request, LongConsumer roundTripNanos) {
        return Mono.defer(() -> {
            long start = System.nanoTime();
            return request.doOnNext(answer -> roundTripNanos.accept(System.nanoTime() - start));
        });
    }

    /** For tests: whether {@code cursor} is read batch by batch (the driver's publisher) rather than gathered per document. */
    static boolean readsServerBatches(Publisher<?> cursor) {
        return cursor instanceof BatchCursorPublisher<?>;
    }
}
