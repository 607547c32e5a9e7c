package io.dataworks.migrations.plan;

import java.util.List;
import java.util.Objects;

import io.dataworks.migrations.Namespace;

/**
 * How one collection is copied: where from, where to, how it was split and by which partitioner.
 *
 * @param partitioner the partitioner that produced the partitions ({@code splitVector}, {@code sample},
 *                    {@code objectIdTime}, {@code single}); type-bracketed plans list the ones used
 */
public record NamespacePlan(
        Namespace source,
        Namespace target,
        long estimatedDocuments,
        long estimatedBytes,
        String partitioner,
        List<Partition> partitions) {

    public NamespacePlan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(partitioner, "partitioner");
        partitions = List.copyOf(partitions);
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("a namespace plan needs at least one partition: " + source);
        }
    }
}
