package io.dataworks.migrations.plan;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import io.dataworks.core.config.ConfigException;
import io.dataworks.core.config.DataWorksConfig;
import io.dataworks.core.config.WorkerConfig;

/**
 * How the {@link Planner} splits collections. Immutable; {@code withX} returns a copy.
 *
 * @param parallelCursors               partitions read at once ({@code FRAMEWORK_PARALLEL_CURSORS})
 * @param minDocumentsToSplit           a collection is split only from this many documents...
 * @param minBytesToSplit               ...or from this many bytes; below both it is read by one cursor
 * @param targetPartitionsPerCollection partitions wanted per split collection; 0 = 2 × parallelCursors,
 *                                      so a slow partition does not leave the other cursors idle
 * @param sampleSize                    {@code _id}s sampled by the {@code sample} partitioner; 0 = auto
 *                                      (max(1000, 50 × partitions))
 * @param partitioners                  the chain, by name, first that works wins; a missing or failing
 *                                      partitioner falls through to the next, {@code single} always works
 * @param requireIndexedRanges          split only when the source's {@code explain} shows that it reads an
 *                                      {@code _id} range through an index: where it would scan the whole
 *                                      collection for each range (or cannot explain), N partitions would cost
 *                                      N collection scans, so one cursor per {@code _id} type reads it instead
 */
public record PlanOptions(
        int parallelCursors,
        long minDocumentsToSplit,
        long minBytesToSplit,
        int targetPartitionsPerCollection,
        int sampleSize,
        List<String> partitioners,
        boolean requireIndexedRanges) {

    /** Partitions per split collection (0 = 2 × parallel cursors). */
    public static final String KEY_PARTITIONS = "FRAMEWORK_PLAN_PARTITIONS";
    public static final String KEY_MIN_DOCUMENTS_TO_SPLIT = "FRAMEWORK_PLAN_MIN_DOCUMENTS_TO_SPLIT";
    public static final String KEY_MIN_BYTES_TO_SPLIT = "FRAMEWORK_PLAN_MIN_BYTES_TO_SPLIT";
    public static final String KEY_SAMPLE_SIZE = "FRAMEWORK_PLAN_SAMPLE_SIZE";
    /** Comma-separated partitioner chain. */
    public static final String KEY_PARTITIONERS = "FRAMEWORK_PLAN_PARTITIONERS";
    /** Whether a collection is split only when the source reads {@code _id} ranges through an index. */
    public static final String KEY_REQUIRE_INDEXED_RANGES = "FRAMEWORK_PLAN_REQUIRE_INDEXED_RANGES";

    /** The default chain: {@code splitVector → sample → objectIdTime → single}. */
    public static final List<String> DEFAULT_CHAIN = List.of("splitVector", "sample", "objectIdTime", "single");

    public PlanOptions {
        if (parallelCursors < 1) {
            throw new IllegalArgumentException("parallelCursors must be >= 1, was " + parallelCursors);
        }
        if (minDocumentsToSplit < 0 || minBytesToSplit < 0) {
            throw new IllegalArgumentException("minDocumentsToSplit and minBytesToSplit must be >= 0");
        }
        if (targetPartitionsPerCollection < 0) {
            throw new IllegalArgumentException("targetPartitionsPerCollection must be >= 0, was " + targetPartitionsPerCollection);
        }
        if (sampleSize < 0) {
            throw new IllegalArgumentException("sampleSize must be >= 0, was " + sampleSize);
        }
        Objects.requireNonNull(partitioners, "partitioners");
        partitioners = List.copyOf(partitioners);
        if (partitioners.isEmpty()) {
            throw new IllegalArgumentException("partitioners must name at least one partitioner");
        }
    }

    /** 4 cursors, split from 10,000 documents or 64 MiB, 8 partitions, the default chain, only where ranges are indexed. */
    public static PlanOptions defaults() {
        return new PlanOptions(4, 10_000, 64L * 1024 * 1024, 0, 0, DEFAULT_CHAIN, true);
    }

    /**
     * Options from configuration: {@code FRAMEWORK_PARALLEL_CURSORS} (via {@link WorkerConfig}) and the
     * {@code FRAMEWORK_PLAN_*} keys above; a bad value is a {@link ConfigException} naming the key.
     */
    public static PlanOptions fromConfig(DataWorksConfig config) {
        PlanOptions d = defaults();
        String chain = config.get(KEY_PARTITIONERS, String.class, String.join(",", DEFAULT_CHAIN));
        List<String> names = Arrays.stream(chain.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
        for (String name : names) {
            if (!DEFAULT_CHAIN.contains(name)) {
                throw new ConfigException(KEY_PARTITIONERS, KEY_PARTITIONERS + ": unknown partitioner '" + name + "', known: "
                        + String.join(",", DEFAULT_CHAIN));
            }
        }
        try {
            return new PlanOptions(
                    config.workers().parallelCursors(),
                    config.get(KEY_MIN_DOCUMENTS_TO_SPLIT, Long.class, d.minDocumentsToSplit()),
                    config.get(KEY_MIN_BYTES_TO_SPLIT, Long.class, d.minBytesToSplit()),
                    config.get(KEY_PARTITIONS, Integer.class, d.targetPartitionsPerCollection()),
                    config.get(KEY_SAMPLE_SIZE, Integer.class, d.sampleSize()),
                    names.isEmpty() ? DEFAULT_CHAIN : names,
                    config.get(KEY_REQUIRE_INDEXED_RANGES, Boolean.class, d.requireIndexedRanges()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(KEY_PARTITIONS, "invalid FRAMEWORK_PLAN_* setting: " + e.getMessage(), e);
        }
    }

    public PlanOptions withParallelCursors(int n) {
        return new PlanOptions(n, minDocumentsToSplit, minBytesToSplit, targetPartitionsPerCollection, sampleSize, partitioners, requireIndexedRanges);
    }

    public PlanOptions withMinDocumentsToSplit(long n) {
        return new PlanOptions(parallelCursors, n, minBytesToSplit, targetPartitionsPerCollection, sampleSize, partitioners, requireIndexedRanges);
    }

    public PlanOptions withMinBytesToSplit(long n) {
        return new PlanOptions(parallelCursors, minDocumentsToSplit, n, targetPartitionsPerCollection, sampleSize, partitioners, requireIndexedRanges);
    }

    public PlanOptions withTargetPartitionsPerCollection(int n) {
        return new PlanOptions(parallelCursors, minDocumentsToSplit, minBytesToSplit, n, sampleSize, partitioners, requireIndexedRanges);
    }

    public PlanOptions withSampleSize(int n) {
        return new PlanOptions(parallelCursors, minDocumentsToSplit, minBytesToSplit, targetPartitionsPerCollection, n, partitioners, requireIndexedRanges);
    }

    public PlanOptions withPartitioners(List<String> chain) {
        return new PlanOptions(parallelCursors, minDocumentsToSplit, minBytesToSplit, targetPartitionsPerCollection, sampleSize, chain, requireIndexedRanges);
    }

    public PlanOptions withRequireIndexedRanges(boolean required) {
        return new PlanOptions(parallelCursors, minDocumentsToSplit, minBytesToSplit, targetPartitionsPerCollection, sampleSize, partitioners,
                required);
    }

    /** The partitions wanted for a collection that is split. */
    public int effectiveTargetPartitions() {
        return targetPartitionsPerCollection > 0 ? targetPartitionsPerCollection : Math.max(2, 2 * parallelCursors);
    }

    /** The sample size for {@code partitions} partitions. */
    public int effectiveSampleSize(int partitions) {
        return sampleSize > 0 ? sampleSize : Math.max(1000, 50 * partitions);
    }

    /** Whether a collection of this estimated size is split at all. */
    public boolean shouldSplit(long estimatedDocuments, long estimatedBytes) {
        return effectiveTargetPartitions() > 1
                && (estimatedDocuments >= minDocumentsToSplit || estimatedBytes >= minBytesToSplit);
    }
}
