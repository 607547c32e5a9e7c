package io.dataworks.generators;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.generators.internal.DocumentRandom;
import io.dataworks.generators.sink.BatchResult;
import io.dataworks.generators.sink.DocumentSink;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Generates {@code total} documents with G generation workers and writes them with W write workers.
 *
 * <p>The index range is cut into slices of {@code batchSize} contiguous indices. A generation worker
 * renders one slice at a time: document {@code i} from a random source seeded from {@code (seed, i)}
 * alone, encoded by the sink on the same thread. A slice becomes one batch, or several when rendering
 * it takes longer than {@code batchTimeout}. Batches go to the sink: for an ordered sink (a file) in
 * index order ({@code flatMapSequential}: at most 2·G slices are rendered ahead of the writer, so order
 * costs a few batches of memory and no parallelism), otherwise as they come ({@code flatMap}) with W
 * writes in flight. Every stage requests only what it can hold, so a slow sink slows the generators
 * down instead of filling memory: at most about 2·G + W batches exist at any time.
 *
 * <p>Nothing happens until the {@code Mono} returned by {@link #run} is subscribed; it may be run again.
 * {@link #stop} ends a run early but cleanly: no new slice is started, the batches in flight are written
 * and counted, the sink is closed, and the run completes with what was actually written.
 */
public final class GenerationEngine {

    private static final Logger LOG = LoggerFactory.getLogger(GenerationEngine.class);

    private final GenerationSettings settings;
    private volatile boolean stopRequested;

    private GenerationEngine(GenerationSettings settings) {
        this.settings = settings;
    }

    public static GenerationEngine create(GenerationSettings settings) {
        Objects.requireNonNull(settings, "settings");
        return new GenerationEngine(settings);
    }

    /**
     * Asks the running run to stop: slices already started are rendered and written, no new one is begun,
     * and the run's {@code Mono} then completes normally with the true counts. Safe from any thread
     * (a signal handler); a no-op when nothing runs.
     */
    public void stop() {
        stopRequested = true;
    }

    public GenerationSettings settings() {
        return settings;
    }

    /** Runs the generation; the {@code Mono} completes with the result once the sink is closed. */
    public Mono<GenerationResult> run(MetricsCollector metrics) {
        Objects.requireNonNull(metrics, "metrics");
        return Mono.defer(() -> {
            stopRequested = false;
            return execute(settings.sink(), metrics);
        });
    }

    private <E> Mono<GenerationResult> execute(DocumentSink<E> sink, MetricsCollector metrics) {
        return Mono.usingWhen(
                Mono.fromCallable(() -> new Run<>(sink, metrics)),
                Run::execute,
                run -> run.finish(false),
                (run, error) -> run.finish(true),
                run -> run.finish(true));
    }

    /** Slices of {@code batchSize} indices; no overflow for a total up to {@code Long.MAX_VALUE}. */
    private static long sliceCount(long total, int batchSize) {
        return total / batchSize + (total % batchSize == 0 ? 0 : 1);
    }

    /** The state of one run: its scheduler, counters and clock. */
    private final class Run<E> {

        private final DocumentSink<E> sink;
        private final MetricsCollector metrics;
        private final GenerationContext context = new GenerationContext(settings.seed(), settings.total());
        private final Scheduler workers =
                Schedulers.newParallel("dataworks-generate", settings.generationWorkers(), true);
        private final long timeoutNanos = settings.batchTimeout().toNanos();
        private final LongAdder batches = new LongAdder();
        private final long startNanos = System.nanoTime();
        private volatile boolean started;

        Run(DocumentSink<E> sink, MetricsCollector metrics) {
            this.sink = sink;
            this.metrics = metrics;
        }

        Mono<GenerationResult> execute() {
            long slices = sliceCount(settings.total(), settings.batchSize());
            int g = settings.generationWorkers();
            return sink.open(context)
                    .then(Mono.fromRunnable(this::start))
                    .thenMany(sink.ordered()
                            ? slices(slices)
                                    .flatMapSequential(this::renderSlice, 2 * g, 1)
                                    .concatMap(this::write, 1)
                            : slices(slices)
                                    .flatMap(this::renderSlice, g, 1)
                                    .flatMap(this::write, settings.writeWorkers(), 1))
                    .reduce(BatchResult.EMPTY, BatchResult::plus)
                    .map(total -> new GenerationResult(settings.seed(), total.written(), total.skipped(), total.bytes(),
                            batches.sum(), Duration.ofNanos(System.nanoTime() - startNanos)));
        }

        /** Slice numbers 0 .. count-1 (a long: any --total), ending early once {@link #stop} is asked. */
        private Flux<Long> slices(long count) {
            return Flux.<Long, long[]>generate(() -> new long[1], (next, out) -> {
                if (stopRequested || next[0] >= count) {
                    out.complete();
                } else {
                    out.next(next[0]++);
                }
                return next;
            });
        }

        private void start() {
            LOG.info("generating {} documents with '{}' (seed {}) into {}: {} generation workers, {} write workers, batches of {}",
                    settings.total(), settings.generator().name(), settings.seed(), sink.description(),
                    settings.generationWorkers(), sink.ordered() ? 1 : settings.writeWorkers(), settings.batchSize());
            metrics.total(settings.total());
            settings.generator().onStart(context);
            started = true;
        }

        /**
         * Renders slice {@code slice} on a generation worker, one batch per request: a batch ends when it
         * holds {@code batchSize} documents (the slice's end) or when {@code batchTimeout} has passed since
         * its first document.
         */
        private Flux<List<E>> renderSlice(long slice) {
            long start = slice * settings.batchSize();
            long end = start + Math.min(settings.total() - start, settings.batchSize());
            return Flux.<List<E>, long[]>generate(() -> new long[] {start}, (next, out) -> {
                long index = next[0];
                long deadline = System.nanoTime() + timeoutNanos;
                List<E> batch = new ArrayList<>((int) (end - index));
                do {
                    batch.add(render(index++));
                } while (index < end && System.nanoTime() - deadline < 0);
                next[0] = index;
                out.next(batch);
                if (index >= end) {
                    out.complete();
                }
                return next;
            }).subscribeOn(workers);
        }

        private E render(long index) {
            Document document;
            try {
                document = settings.generator().generate(index, DocumentRandom.forDocument(settings.seed(), index));
            } catch (DataWorksException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new DataWorksException(ExitCode.FAILED, "generator '" + settings.generator().name()
                        + "' failed on document " + index + ": " + e, e);
            }
            if (document == null) {
                throw new DataWorksException(ExitCode.FAILED,
                        "generator '" + settings.generator().name() + "' returned no document for index " + index);
            }
            return sink.encode(index, document);
        }

        private Mono<BatchResult> write(List<E> batch) {
            return Mono.defer(() -> {
                long sentAt = System.nanoTime();
                return sink.write(batch, metrics).doOnNext(result -> {
                    metrics.batchWritten(System.nanoTime() - sentAt);
                    metrics.documentsWritten(result.written(), result.bytes());
                    if (result.skipped() > 0) {
                        metrics.documentsSkipped(result.skipped());
                    }
                    batches.increment();
                });
            });
        }

        Mono<Void> finish(boolean failed) {
            return sink.close(failed).doFinally(signal -> {
                workers.dispose();
                if (!started) {
                    return; // onFinish pairs with an onStart that happened
                }
                try {
                    settings.generator().onFinish(context);
                } catch (RuntimeException e) {
                    LOG.warn("generator '{}' failed in onFinish: {}", settings.generator().name(), e.toString());
                }
            });
        }
    }
}
