package io.dataworks.migrations.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

import io.dataworks.migrations.Namespace;

/**
 * How one collection is copied: where from, where to, how it was split and by which partitioner.
 *
 * @param partitioner  the partitioner that produced the partitions ({@code splitVector}, {@code sample},
 *                     {@code objectIdTime}, {@code single}); one partitioner splits every type bracket
 * @param sourceFilter the strategy's source filter, applied on top of every partition's range (empty:
 *                     read everything); part of the plan so a checkpoint taken under another filter is refused
 */
public record NamespacePlan(
        Namespace source,
        Namespace target,
        long estimatedDocuments,
        long estimatedBytes,
        String partitioner,
        List<Partition> partitions,
        BsonDocument sourceFilter) {

    public NamespacePlan {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(partitioner, "partitioner");
        partitions = List.copyOf(partitions);
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("a namespace plan needs at least one partition: " + source);
        }
        for (int i = 0; i < partitions.size(); i++) {
            if (partitions.get(i).index() != i) {
                throw new IllegalArgumentException("partitions of " + source + " must be numbered 0.." + (partitions.size() - 1)
                        + ", found index " + partitions.get(i).index() + " at position " + i);
            }
        }
        sourceFilter = sourceFilter == null ? new BsonDocument() : sourceFilter.clone();
    }

    /** A plan without a source filter. */
    public NamespacePlan(Namespace source, Namespace target, long estimatedDocuments, long estimatedBytes,
                         String partitioner, List<Partition> partitions) {
        this(source, target, estimatedDocuments, estimatedBytes, partitioner, partitions, new BsonDocument());
    }

    @Override
    public BsonDocument sourceFilter() {
        return sourceFilter.clone();
    }

    /**
     * The complete read filter of one partition: its range (after {@code lastId} when resuming, else
     * from its start) and the source filter. Read it with {@code sort({_id: 1})}.
     */
    public BsonDocument readFilter(Partition partition, BsonValue lastId) {
        BsonDocument range = partition.filterAfter(lastId);
        if (sourceFilter.isEmpty()) {
            return range;
        }
        if (range.isEmpty()) {
            return sourceFilter.clone();
        }
        return new BsonDocument("$and", new BsonArray(List.of(range, sourceFilter.clone())));
    }

    /** The stored form (part of {@link MigrationPlan#toBson()}). */
    public BsonDocument toBson() {
        BsonArray parts = new BsonArray();
        partitions.forEach(p -> parts.add(p.toBson()));
        return new BsonDocument("source", new BsonString(source.toString()))
                .append("target", new BsonString(target.toString()))
                .append("estimatedDocuments", new BsonInt64(estimatedDocuments))
                .append("estimatedBytes", new BsonInt64(estimatedBytes))
                .append("partitioner", new BsonString(partitioner))
                .append("sourceFilter", sourceFilter.clone())
                .append("partitions", parts);
    }

    public static NamespacePlan fromBson(BsonDocument doc) {
        Objects.requireNonNull(doc, "doc");
        List<Partition> parts = new ArrayList<>();
        for (BsonValue p : doc.getArray("partitions")) {
            parts.add(Partition.fromBson(p.asDocument()));
        }
        return new NamespacePlan(
                Namespace.parse(doc.getString("source").getValue()),
                Namespace.parse(doc.getString("target").getValue()),
                doc.getNumber("estimatedDocuments").longValue(),
                doc.getNumber("estimatedBytes").longValue(),
                doc.getString("partitioner").getValue(),
                parts,
                doc.getDocument("sourceFilter", new BsonDocument()));
    }
}
