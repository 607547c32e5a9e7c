package io.dataworks.generators;

import java.time.Duration;

/**
 * What a generation run did.
 *
 * @param seed              the seed the run used (repeat the run with it)
 * @param documentsWritten  documents the sink accepted
 * @param documentsSkipped  documents the target already held under the same {@code _id} before the run
 * @param bytesWritten      encoded bytes handed to the sink (BSON for MongoDB, UTF-8 JSON for files)
 * @param batches           batches written
 * @param elapsed           wall time of the run
 */
public record GenerationResult(long seed, long documentsWritten, long documentsSkipped, long bytesWritten,
                               long batches, Duration elapsed) {

    public double documentsPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds > 0 ? documentsWritten / seconds : 0;
    }
}
