package io.dataworks.migrations.verify;

import java.nio.file.Path;
import java.util.Objects;

import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.endpoint.Requests;

/**
 * How a namespace is verified.
 *
 * @param checkpointDir where, by default, the diff
 *                      file ({@code verify-diff-<name>.jsonl}, the namespace's injective file name) go
 * @param diffFile      explicit diff file, or {@code null} for the default inside {@code checkpointDir}
 * @param parallelism   partitions verified at once (use the copy's {@code FRAMEWORK_PARALLEL_CURSORS})
 * @param batchSize     cursor batch size and {@code $in} lookup size
 * @param logFirst      how many differing {@code _id}s are also logged
 * @param resume        resume an <em>interrupted</em> verification run (its finished partitions are kept); a finished
 *                      run is never reused. False: start afresh whatever is stored (truncating the diff file)
 * @param strategy      the copy's strategy, or {@code null}; when it {@linkplain MigrationStrategy#transformsDocuments()
 *                      transforms documents} verification compares counts and its {@link MigrationStrategy#verify}
 *                      instead of raw hashes
 * @param store         where verification runs are recorded; {@code null}: a file store in {@code checkpointDir},
 *                      opened (and locked) for the one call
 * @param sourceIdentity what identifies the source deployment in records (as the copy's checkpoints)
 * @param targetIdentity what identifies the target deployment in records
 * @param sourceRequests how reads of the source are sent (retries, pacing)
 * @param targetRequests how reads of the target are sent
 */
public record VerifyOptions(Path checkpointDir, Path diffFile, int parallelism, int batchSize, int logFirst,
                            boolean resume, MigrationStrategy strategy, CheckpointStore store, String sourceIdentity,
                            String targetIdentity, Requests sourceRequests, Requests targetRequests) {

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
        sourceIdentity = sourceIdentity == null ? "" : sourceIdentity;
        targetIdentity = targetIdentity == null ? "" : targetIdentity;
        sourceRequests = sourceRequests == null ? Requests.NONE : sourceRequests;
        targetRequests = targetRequests == null ? Requests.NONE : targetRequests;
    }

    public static VerifyOptions defaults(Path checkpointDir) {
        return new VerifyOptions(checkpointDir, null, 4, 1000, 20, true, null, null, null, null, null, null);
    }

    public VerifyOptions withDiffFile(Path value) {
        return new VerifyOptions(checkpointDir, value, parallelism, batchSize, logFirst, resume, strategy, store, sourceIdentity, targetIdentity, sourceRequests, targetRequests);
    }

    public VerifyOptions withParallelism(int value) {
        return new VerifyOptions(checkpointDir, diffFile, value, batchSize, logFirst, resume, strategy, store, sourceIdentity, targetIdentity, sourceRequests, targetRequests);
    }

    public VerifyOptions withBatchSize(int value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, value, logFirst, resume, strategy, store, sourceIdentity, targetIdentity, sourceRequests, targetRequests);
    }

    public VerifyOptions withLogFirst(int value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, value, resume, strategy, store, sourceIdentity, targetIdentity, sourceRequests, targetRequests);
    }

    public VerifyOptions withResume(boolean value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, logFirst, value, strategy, store, sourceIdentity, targetIdentity, sourceRequests, targetRequests);
    }

    public VerifyOptions withStrategy(MigrationStrategy value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, logFirst, resume, value, store, sourceIdentity, targetIdentity, sourceRequests, targetRequests);
    }

    /** Records runs in {@code value} (the run's one store) instead of opening a file store per call. */
    public VerifyOptions withStore(CheckpointStore value) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, logFirst, resume, strategy, value, sourceIdentity,
                targetIdentity, sourceRequests, targetRequests);
    }

    public VerifyOptions withIdentities(String source, String target) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, logFirst, resume, strategy, store, source,
                target, sourceRequests, targetRequests);
    }

    public VerifyOptions withRequests(Requests source, Requests target) {
        return new VerifyOptions(checkpointDir, diffFile, parallelism, batchSize, logFirst, resume, strategy, store, sourceIdentity,
                targetIdentity, source, target);
    }

    boolean strategyMode() {
        return strategy != null && strategy.transformsDocuments();
    }

}
