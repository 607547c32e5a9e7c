package io.dataworks.core.embedded;

import java.util.Collection;
import java.util.Map;

import de.bwaldvogel.mongo.bson.Document;

/**
 * The bounds a filter puts on {@code _id}, when the filter is nothing but conditions on {@code _id}: {@code $gt},
 * {@code $gte}, {@code $lt}, {@code $lte} (any of them, in one document or in an {@code $and} of such documents), and
 * {@code $type} (not a bound; the query matcher applies it). A filter with anything else is no range: the scan answers
 * it. A bound here only narrows what is read from the index, inclusively on both ends; the query's own matcher then
 * decides every document, so a read through the index returns exactly what the scan returns.
 *
 * @param lower null: unbounded
 * @param upper null: unbounded
 */
record IdRange(Object lower, Object upper) {

    private static final String ID = "_id";

    /** The range of {@code filter}, or null when it is not a condition on {@code _id} alone. */
    static IdRange of(Document filter) {
        if (filter == null || filter.isEmpty()) {
            return new IdRange(null, null);
        }
        Bounds bounds = new Bounds();
        return collect(filter, bounds) ? new IdRange(bounds.lower, bounds.upper) : null;
    }

    private static boolean collect(Document filter, Bounds bounds) {
        for (Map.Entry<String, Object> entry : filter.entrySet()) {
            if (entry.getKey().equals("$and") && entry.getValue() instanceof Collection<?> clauses) {
                for (Object clause : clauses) {
                    if (!(clause instanceof Document document) || !collect(document, bounds)) {
                        return false;
                    }
                }
            } else if (!entry.getKey().equals(ID) || !(entry.getValue() instanceof Document conditions)
                    || !conditions(conditions, bounds)) {
                return false;
            }
        }
        return true;
    }

    private static boolean conditions(Document conditions, Bounds bounds) {
        if (conditions.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, Object> condition : conditions.entrySet()) {
            Object value = condition.getValue();
            switch (condition.getKey()) {
                case "$gt", "$gte" -> bounds.lower = bounds.lower == null || IdOrder.INSTANCE.compare(value, bounds.lower) > 0
                        ? value : bounds.lower;
                case "$lt", "$lte" -> bounds.upper = bounds.upper == null || IdOrder.INSTANCE.compare(value, bounds.upper) < 0
                        ? value : bounds.upper;
                case "$type" -> {
                    // left to the matcher
                }
                default -> {
                    return false; // {_id: value}, $in, $ne, ...: the unique index or the scan answers those
                }
            }
        }
        return true;
    }

    private static final class Bounds {
        Object lower;
        Object upper;
    }
}
