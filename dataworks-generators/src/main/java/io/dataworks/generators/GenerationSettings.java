package io.dataworks.generators;

import java.time.Duration;
import java.util.Objects;

import io.dataworks.generators.sink.DocumentSink;

/**
 * What a generation run does: which generator, how many documents, from which seed, with how much
 * parallelism and into which sink. Immutable; every {@code withX} returns a copy.
 *
 * @param generator         produces document {@code i} from a random source seeded from {@code (seed, i)}
 * @param total             number of documents, indices {@code 0 .. total-1}
 * @param seed              the run's seed: the same seed gives the same documents
 * @param generationWorkers threads rendering documents (G)
 * @param batchSize         documents per batch handed to the sink (count bound of batch aggregation)
 * @param batchTimeout      a batch is handed on when its first document is this old, even if not full
 * @param writeWorkers      batches written concurrently (W); ordered sinks (files) write one at a time
 * @param sink              where the documents go
 */
public record GenerationSettings(
        DocumentGenerator generator,
        long total,
        long seed,
        int generationWorkers,
        int batchSize,
        Duration batchTimeout,
        int writeWorkers,
        DocumentSink<?> sink) {

    public static final int DEFAULT_BATCH_SIZE = 1000;
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofMillis(500);
    public static final int DEFAULT_WRITE_WORKERS = 4;

    public GenerationSettings {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(batchTimeout, "batchTimeout");
        Objects.requireNonNull(sink, "sink");
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0, was " + total);
        }
        if (generationWorkers < 1) {
            throw new IllegalArgumentException("generationWorkers must be >= 1, was " + generationWorkers);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        if (batchTimeout.isNegative() || batchTimeout.isZero()) {
            throw new IllegalArgumentException("batchTimeout must be > 0, was " + batchTimeout);
        }
        if (writeWorkers < 1) {
            throw new IllegalArgumentException("writeWorkers must be >= 1, was " + writeWorkers);
        }
    }

    /**
     * Settings with the defaults: one generation worker per core, {@value #DEFAULT_BATCH_SIZE}-document
     * batches, {@value #DEFAULT_WRITE_WORKERS} write workers.
     */
    public static GenerationSettings of(DocumentGenerator generator, long total, long seed, DocumentSink<?> sink) {
        return new GenerationSettings(generator, total, seed, Runtime.getRuntime().availableProcessors(),
                DEFAULT_BATCH_SIZE, DEFAULT_BATCH_TIMEOUT, DEFAULT_WRITE_WORKERS, sink);
    }

    public GenerationSettings withGenerator(DocumentGenerator value) {
        return new GenerationSettings(value, total, seed, generationWorkers, batchSize, batchTimeout, writeWorkers, sink);
    }

    public GenerationSettings withTotal(long value) {
        return new GenerationSettings(generator, value, seed, generationWorkers, batchSize, batchTimeout, writeWorkers, sink);
    }

    public GenerationSettings withSeed(long value) {
        return new GenerationSettings(generator, total, value, generationWorkers, batchSize, batchTimeout, writeWorkers, sink);
    }

    public GenerationSettings withGenerationWorkers(int value) {
        return new GenerationSettings(generator, total, seed, value, batchSize, batchTimeout, writeWorkers, sink);
    }

    public GenerationSettings withBatchSize(int value) {
        return new GenerationSettings(generator, total, seed, generationWorkers, value, batchTimeout, writeWorkers, sink);
    }

    public GenerationSettings withBatchTimeout(Duration value) {
        return new GenerationSettings(generator, total, seed, generationWorkers, batchSize, value, writeWorkers, sink);
    }

    public GenerationSettings withWriteWorkers(int value) {
        return new GenerationSettings(generator, total, seed, generationWorkers, batchSize, batchTimeout, value, sink);
    }

    public GenerationSettings withSink(DocumentSink<?> value) {
        return new GenerationSettings(generator, total, seed, generationWorkers, batchSize, batchTimeout, writeWorkers, value);
    }
}
