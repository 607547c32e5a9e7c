package io.dataworks.generators.sink;

import java.util.List;

import org.bson.Document;

import io.dataworks.generators.GenerationContext;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Mono;

/**
 * Where generated documents go. The engine calls {@link #encode} on its generation workers (so the
 * expensive encoding runs in parallel), gathers the encoded documents into batches and hands them to
 * {@link #write}.
 *
 * <p>Contract: {@link #open} is subscribed once before the first batch and {@link #close} once after the
 * last one (also when the run fails). {@link #encode} is called from several threads at once. When
 * {@link #ordered()} is true the engine calls {@link #write} for one batch at a time, in document index
 * order; otherwise up to the run's write-worker count of writes are in flight at once.
 *
 * @param <E> one encoded document
 */
public interface DocumentSink<E> {

    /** What the sink writes to, for logs and reports; never shows a password. */
    String description();

    /** Whether batches must arrive one at a time in index order (files: same seed, same bytes). */
    boolean ordered();

    /** Encodes document {@code index}; runs on a generation worker. {@code document} is the sink's to change. */
    E encode(long index, Document document);

    /** Encoded size in bytes, for the MB/s figures. */
    long encodedSize(E encoded);

    /** Prepares the target for the run {@code context} (opens the file, drops the collection when asked). */
    Mono<Void> open(GenerationContext context);

    /**
     * Writes one batch. Retries are the sink's business: the returned {@code Mono} succeeds once every
     * document is durably handed over (or known to be there already) and fails only when the batch cannot
     * be written.
     */
    Mono<BatchResult> write(List<E> batch, MetricsCollector metrics);

    /** Flushes and releases the target; {@code failed} says whether the run is ending on an error. */
    Mono<Void> close(boolean failed);
}
