package io.dataworks.migrations.internal;

import java.util.List;
import java.util.Objects;

import org.reactivestreams.Publisher;

import com.mongodb.reactivestreams.client.internal.BatchCursorPublisher;

import reactor.core.publisher.Flux;
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
 * <p>Reads one batch ahead: the next {@code getMore} is sent when a batch is handed on, and its documents wait
 * until they are asked for. Cancelling closes the cursor (a {@code killCursors} to the server).
 */
final class CursorBatches {

    private CursorBatches() {
    }

    static <T> Flux<List<T>> read(Publisher<T> cursor, int batchSize) {
        Objects.requireNonNull(cursor, "cursor");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be > 0, was " + batchSize);
        }
        if (!(cursor instanceof BatchCursorPublisher<T> driver)) {
            return Flux.from(cursor).buffer(batchSize);
        }
        return Flux.usingWhen(driver.batchCursor(batchSize),
                batches -> {
                    batches.setBatchSize(batchSize);
                    return Mono.defer(() -> batches.isClosed() ? Mono.<List<T>>empty() : Mono.from(batches.next()))
                            .repeat(() -> !batches.isClosed())
                            .filter(batch -> !batch.isEmpty());
                },
                batches -> Mono.fromRunnable(batches::close),
                (batches, error) -> Mono.fromRunnable(batches::close),
                batches -> Mono.fromRunnable(batches::close));
    }

    /** For tests: whether {@code cursor} is read batch by batch (the driver's publisher) rather than gathered per document. */
    static boolean readsServerBatches(Publisher<?> cursor) {
        return cursor instanceof BatchCursorPublisher<?>;
    }
}
