package io.dataworks.generators.sink;

/**
 * What writing one batch did.
 *
 * @param written documents the sink accepted (for MongoDB: inserted, or found already inserted by an
 *                earlier attempt of the same batch)
 * @param skipped documents the target already held before the run (duplicate {@code _id} on the first attempt)
 * @param bytes   encoded bytes of the written documents
 */
public record BatchResult(long written, long skipped, long bytes) {

    public static final BatchResult EMPTY = new BatchResult(0, 0, 0);

    public BatchResult plus(BatchResult other) {
        return new BatchResult(written + other.written, skipped + other.skipped, bytes + other.bytes);
    }
}
