package io.dataworks.spark;

import java.io.Serializable;
import java.util.Objects;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.plan.Partition;

/**
 * What a Spark task is given: one partition of a stored plan. Small on purpose: the executor reads the plan and the
 * partition's progress from the checkpoint store, so a retried task starts after the last acknowledged {@code _id}
 * whatever attempt wrote it. The bounds are here for the Spark UI and the logs.
 *
 * @param planFingerprint the plan the driver stored; an executor refuses to copy along another one
 * @param index           the partition's index in that plan
 * @param bounds          the partition's type bracket and bounds, for people ({@code [min, max)} in Extended JSON)
 */
public record PartitionTask(String sourceDatabase, String sourceCollection, String targetDatabase, String targetCollection,
                            String planFingerprint, int index, String bounds) implements Serializable {

    private static final long serialVersionUID = 1L;

    public PartitionTask {
        Objects.requireNonNull(sourceDatabase, "sourceDatabase");
        Objects.requireNonNull(sourceCollection, "sourceCollection");
        Objects.requireNonNull(planFingerprint, "planFingerprint");
    }

    static PartitionTask of(Namespace source, Namespace target, String planFingerprint, Partition partition) {
        String bounds = (partition.typeBracket() == null ? "" : partition.typeBracket() + " ")
                + "[" + (partition.min() == null ? "-inf" : json(partition.min())) + ", "
                + (partition.max() == null ? "+inf" : json(partition.max())) + ")";
        return new PartitionTask(source.database(), source.collection(), target.database(), target.collection(), planFingerprint,
                partition.index(), bounds);
    }

    /** A bound as relaxed Extended JSON ({@code 1000}, {@code "s-10"}, {@code {"$oid": "..."}}). */
    private static String json(BsonValue value) {
        String doc = new BsonDocument("v", value).toJson(JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build());
        return doc.substring(doc.indexOf(':') + 1, doc.length() - 1).trim();
    }

    public Namespace source() {
        return new Namespace(sourceDatabase, sourceCollection);
    }

    @Override
    public String toString() {
        return sourceDatabase + "." + sourceCollection + " partition " + index + " " + bounds;
    }
}
