package io.dataworks.migrations;

import java.nio.file.Path;
import java.util.List;

/**
 * What a migration did.
 *
 * @param namespaces       one entry per namespace, in the order they were resolved
 * @param documentsFailed  documents the target refused in this run (they are in the dead-letter file)
 * @param deadLetter       the dead-letter file, or {@code null} when it holds nothing of these namespaces or the refused
 *                         documents are kept in the MongoDB checkpoint store
 * @param deadLettered     entries the dead letters hold for these namespaces, earlier runs' included: documents
 *                         that are not on the target until someone fixes and loads them
 * @param deadLetters      where those entries are, for messages ("the dead-letter file ...", "the dead-letter collection
 *                         ..."; never a secret), or {@code null} when there are none
 * @param deadLettersClear what to do with them once the cause is fixed, for messages
 */
public record MigrationResult(List<NamespaceResult> namespaces, long documentsFailed, Path deadLetter, long deadLettered,
                              String deadLetters, String deadLettersClear) {

    public MigrationResult {
        namespaces = List.copyOf(namespaces);
        if (deadLetters == null && deadLetter != null) {
            deadLetters = "the dead-letter file " + deadLetter;
        }
        if (deadLettersClear == null) {
            deadLettersClear = "fix and load them (mongoimport), then move the file aside";
        }
    }

    public MigrationResult(List<NamespaceResult> namespaces, long documentsFailed, Path deadLetter, long deadLettered) {
        this(namespaces, documentsFailed, deadLetter, deadLettered, null, null);
    }

    /** The plans the copy followed, one per namespace, in order: what verification, reconcile and follow work along. */
    public List<io.dataworks.migrations.plan.NamespacePlan> plans() {
        return namespaces.stream().map(NamespaceResult::plan).toList();
    }

    /**
     * @param documentsCopied   source documents acknowledged by the target, over all runs (checkpointed)
     * @param partitions        partitions in the plan
     * @param partitionsResumed partitions that continued from a checkpoint in this run
     * @param partitionsSkipped partitions already done by an earlier run
     * @param indexFailures     indexes the target refused (reported, not fatal), one line each
     * @param stepMillis        how long each step ({@code plan}, {@code unique-indexes}, {@code copy}, {@code indexes}) took
     * @param plan              the plan the copy followed
     */
    public record NamespaceResult(Namespace source, Namespace target, long documentsCopied, int partitions,
                                  String partitioner, int partitionsResumed, int partitionsSkipped, List<String> indexFailures,
                                  java.util.Map<String, Long> stepMillis, io.dataworks.migrations.plan.NamespacePlan plan) {
        public NamespaceResult {
            indexFailures = List.copyOf(indexFailures);
            stepMillis = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(stepMillis));
        }
    }
}
