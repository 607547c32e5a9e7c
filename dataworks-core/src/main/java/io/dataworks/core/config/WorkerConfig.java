package io.dataworks.core.config;

/**
 * Concurrency and batching. Every count is at least 1.
 *
 * @param writeWorkers             concurrent bulk writes to the target (generation; migration starts here too)
 * @param generationWorkers        threads rendering documents
 * @param maxWorkers               ceiling for adaptive write concurrency (it never grows above this)
 * @param batchAggregationSize     documents per write batch
 * @param batchAggregationTimeoutMs a partial batch is flushed after this long
 * @param sourceBatchSize          cursor batch size when reading the source
 * @param maxInsertWorkers         concurrent bulk writes per migration
 * @param parallelCursors          partitions read at once per migration
 */
public record WorkerConfig(int writeWorkers, int generationWorkers, int maxWorkers, int batchAggregationSize,
        long batchAggregationTimeoutMs, int sourceBatchSize, int maxInsertWorkers, int parallelCursors) {

    public WorkerConfig {
        positive("writeWorkers", writeWorkers);
        positive("generationWorkers", generationWorkers);
        positive("maxWorkers", maxWorkers);
        positive("batchAggregationSize", batchAggregationSize);
        positive("batchAggregationTimeoutMs", batchAggregationTimeoutMs);
        positive("sourceBatchSize", sourceBatchSize);
        positive("maxInsertWorkers", maxInsertWorkers);
        positive("parallelCursors", parallelCursors);
    }

    /** The defaults for a machine with {@code processors} cores (see ConfigLoader for the reasoning). */
    public static WorkerConfig defaults(int processors) {
        int generation = Math.max(1, processors);
        return new WorkerConfig(4, generation, Math.max(16, generation), 1000, 100, 1000, 4, 4);
    }

    public WorkerConfig withWriteWorkers(int value) {
        return new WorkerConfig(value, generationWorkers, maxWorkers, batchAggregationSize, batchAggregationTimeoutMs,
                sourceBatchSize, maxInsertWorkers, parallelCursors);
    }

    public WorkerConfig withGenerationWorkers(int value) {
        return new WorkerConfig(writeWorkers, value, maxWorkers, batchAggregationSize, batchAggregationTimeoutMs,
                sourceBatchSize, maxInsertWorkers, parallelCursors);
    }

    public WorkerConfig withMaxWorkers(int value) {
        return new WorkerConfig(writeWorkers, generationWorkers, value, batchAggregationSize, batchAggregationTimeoutMs,
                sourceBatchSize, maxInsertWorkers, parallelCursors);
    }

    public WorkerConfig withBatchAggregationSize(int value) {
        return new WorkerConfig(writeWorkers, generationWorkers, maxWorkers, value, batchAggregationTimeoutMs,
                sourceBatchSize, maxInsertWorkers, parallelCursors);
    }

    public WorkerConfig withBatchAggregationTimeoutMs(long value) {
        return new WorkerConfig(writeWorkers, generationWorkers, maxWorkers, batchAggregationSize, value,
                sourceBatchSize, maxInsertWorkers, parallelCursors);
    }

    public WorkerConfig withSourceBatchSize(int value) {
        return new WorkerConfig(writeWorkers, generationWorkers, maxWorkers, batchAggregationSize,
                batchAggregationTimeoutMs, value, maxInsertWorkers, parallelCursors);
    }

    public WorkerConfig withMaxInsertWorkers(int value) {
        return new WorkerConfig(writeWorkers, generationWorkers, maxWorkers, batchAggregationSize,
                batchAggregationTimeoutMs, sourceBatchSize, value, parallelCursors);
    }

    public WorkerConfig withParallelCursors(int value) {
        return new WorkerConfig(writeWorkers, generationWorkers, maxWorkers, batchAggregationSize,
                batchAggregationTimeoutMs, sourceBatchSize, maxInsertWorkers, value);
    }

    private static void positive(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, was " + value);
        }
    }
}
