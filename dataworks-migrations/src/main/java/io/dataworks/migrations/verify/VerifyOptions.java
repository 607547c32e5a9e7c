package io.dataworks.migrations.verify;

import java.nio.file.Path;
import java.util.Objects;

import io.dataworks.migrations.MigrationStrategy;

/**
 * How a namespace is verified.
 *
 * @param checkpointDir where the verification checkpoint ({@code verify-<ns>.json}) and, by default, the diff
 *                      file ({@code verify-diff-<ns>.jsonl}) go
 * @param diffFile      explicit diff file, or {@code null} for the default inside {@code checkpointDir}
 * @param parallelism   partitions verified at once (use the copy's {@code FRAMEWORK_PARALLEL_CURSORS})
 * @param batchSize     cursor batch size and {@code $in} lookup size
 * @param logFirst      how many differing {@code _id}s are also logged
 * @param resume        skip partitions a previous run already verified (false: start over, truncate the diff file)
 * @param strategy      the copy's strategy, or {@code null}; when it {@linkplain MigrationStrategy#transformsDocuments()
 *                      transforms documents} verification compares counts and its {@link MigrationStrategy#verify}
 *                      instead of raw hashes
 */
public record VerifyOptions(Path checkpointDir, Path diffFile, int parallelism, int batchSize, int logFirst,
                            boolean resume, MigrationStrategy strategy) {

    public VerifyOptions {
        Objects.requireNonNull(checkpointDir, "checkpointDir");
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, was " + batchSize);
        }
        if (logFirst < 0) {
            throw new IllegalArgumentException("logFirst must be >= 0, was " + logFirst);
        }
    }

    public static VerifyOptions defaults(Path checkpointDir) {
        return new VerifyOptions(checkpointDir, null, 4, 1000, 20, true, null);
    }

    public VerifyOptions withDiffFile(Path value) {
        return new VerifyOptions(checkpointDir, value, parallelism, batchSize, logFirst, resume, strategy);
    }

    public VerifyOptions withParallelism(int value) {
        return new VerifyOptions(checkpointDir, diffFile, value, batchSize, logFirst, resume, strategy);
    }

    public VerifyOptions withBatchSize(int value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, value, logFirst, resume, strategy);
    }

    public VerifyOptions withLogFirst(int value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, value, resume, strategy);
    }

    public VerifyOptions withResume(boolean value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, logFirst, value, strategy);
    }

    public VerifyOptions withStrategy(MigrationStrategy value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, logFirst, resume, value);
    }

    boolean strategyMode() {
        return strategy != null && strategy.transformsDocuments();
    }

    /** File-name-safe form of a namespace. */
    static String fileSafe(String ns) {
        return ns.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
