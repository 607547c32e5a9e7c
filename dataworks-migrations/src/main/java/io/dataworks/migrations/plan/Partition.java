package io.dataworks.migrations.plan;

import java.util.Objects;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * One {@code _id} range of a collection, read by one cursor.
 *
 * <p>{@code typeBracket} restricts the partition to the {@code _id}s of one BSON comparison bracket
 * ({@code $type} alias such as {@code "number"}, {@code "string"}, {@code "objectId"}), so that a
 * collection with mixed {@code _id} types is read exactly once; {@code null} means any type (only for
 * a single full-range partition). {@code min} is inclusive, {@code max} exclusive; {@code null} means
 * unbounded on that side.
 */
public record Partition(int index, String typeBracket, BsonValue min, BsonValue max) {

    public Partition {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0, was " + index);
        }
    }

    /** The whole collection, any {@code _id} type. */
    public static Partition fullRange(int index) {
        return new Partition(index, null, null, null);
    }

    /** The filter that reads this partition from its beginning. */
    public BsonDocument filter() {
        return filterAfter(null);
    }

    /**
     * The filter that reads this partition after {@code lastId} (exclusive), used to resume from a
     * checkpoint; {@code null} reads from the beginning.
     */
    public BsonDocument filterAfter(BsonValue lastId) {
        BsonArray clauses = new BsonArray();
        if (typeBracket != null) {
            clauses.add(new BsonDocument("_id", new BsonDocument("$type", new BsonString(typeBracket))));
        }
        if (lastId != null) {
            clauses.add(new BsonDocument("_id", new BsonDocument("$gt", lastId)));
        } else if (min != null) {
            clauses.add(new BsonDocument("_id", new BsonDocument("$gte", min)));
        }
        if (max != null) {
            clauses.add(new BsonDocument("_id", new BsonDocument("$lt", max)));
        }
        if (clauses.isEmpty()) {
            return new BsonDocument();
        }
        if (clauses.size() == 1) {
            return clauses.get(0).asDocument();
        }
        return new BsonDocument("$and", clauses);
    }

    /** The stored form, for plans in checkpoint files. */
    public BsonDocument toBson() {
        BsonDocument doc = new BsonDocument("index", new BsonInt32(index));
        if (typeBracket != null) {
            doc.put("type", new BsonString(typeBracket));
        }
        if (min != null) {
            doc.put("min", min);
        }
        if (max != null) {
            doc.put("max", max);
        }
        return doc;
    }

    public static Partition fromBson(BsonDocument doc) {
        Objects.requireNonNull(doc, "doc");
        return new Partition(
                doc.getInt32("index").getValue(),
                doc.containsKey("type") ? doc.getString("type").getValue() : null,
                doc.get("min"),
                doc.get("max"));
    }
}
