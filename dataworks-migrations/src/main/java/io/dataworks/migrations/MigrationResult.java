package io.dataworks.migrations;

import java.nio.file.Path;
import java.util.List;

/**
 * What a migration did.
 *
 * @param namespaces       one entry per namespace, in the order they were resolved
 * @param documentsFailed  documents the target refused in this run (they are in the dead-letter file)
 * @param deadLetter       the dead-letter file, or {@code null} when it holds nothing of these namespaces
 * @param deadLettered     entries the dead-letter file holds for these namespaces, earlier runs' included: documents
 *                         that are not on the target until someone fixes and loads them
 */
public record MigrationResult(List<NamespaceResult> namespaces, long documentsFailed, Path deadLetter, long deadLettered) {

    public MigrationResult {
        namespaces = List.copyOf(namespaces);
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
