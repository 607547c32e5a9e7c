package io.dataworks.migrations.plan.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.BsonValue;

import io.dataworks.migrations.plan.Partition;

/** Turns per-bracket split points into numbered partitions that cover every bracket exactly once. */
public final class Ranges {

    private Ranges() {
    }

    /**
     * Partitions for {@code brackets} (any order; sorted into BSON order here) cut at {@code splitPoints}
     * (per bracket, already in the server's sort order). A bracket without split points is one
     * partition. A collection with a single bracket and no split points is one full-range partition.
     */
    public static List<Partition> build(List<String> brackets, Map<String, List<BsonValue>> splitPoints) {
        List<String> ordered = new ArrayList<>(brackets);
        for (String b : splitPoints.keySet()) {
            if (!ordered.contains(b)) {
                ordered.add(b);
            }
        }
        ordered.sort(Comparator.comparingInt(TypeBrackets::order));
        if (ordered.isEmpty() || (ordered.size() == 1 && splitPoints.getOrDefault(ordered.get(0), List.of()).isEmpty())) {
            return List.of(Partition.fullRange(0));
        }
        List<Partition> out = new ArrayList<>();
        for (String bracket : ordered) {
            // a NaN bound would match nothing with $lt and only NaN with $gte: never cut there
            List<BsonValue> points = distinct(splitPoints.getOrDefault(bracket, List.of()).stream()
                    .filter(v -> !TypeBrackets.isNaN(v)).toList());
            BsonValue lower = null;
            for (BsonValue p : points) {
                out.add(new Partition(out.size(), bracket, lower, p));
                lower = p;
            }
            out.add(new Partition(out.size(), bracket, lower, null));
        }
        return out;
    }

    /** Groups values (in server sort order) by bracket, keeping their order. */
    public static Map<String, List<BsonValue>> byBracket(List<BsonValue> sortedValues) {
        Map<String, List<BsonValue>> out = new LinkedHashMap<>();
        for (BsonValue v : sortedValues) {
            out.computeIfAbsent(TypeBrackets.of(v), k -> new ArrayList<>()).add(v);
        }
        return out;
    }

    /** Drops adjacent duplicates (under the server's equality) from a sorted list. */
    public static List<BsonValue> distinct(List<BsonValue> sorted) {
        List<BsonValue> out = new ArrayList<>(sorted.size());
        for (BsonValue v : sorted) {
            if (out.isEmpty() || !TypeBrackets.sameKey(out.get(out.size() - 1), v)) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * {@code parts - 1} quantiles of a sorted, distinct list: the values at positions
     * {@code j * size / parts}, j = 1..parts-1 (fewer when there are not enough values).
     */
    public static List<BsonValue> quantiles(List<BsonValue> sortedDistinct, int parts) {
        int n = sortedDistinct.size();
        int k = Math.min(parts, n);
        List<BsonValue> out = new ArrayList<>();
        for (int j = 1; j < k; j++) {
            out.add(sortedDistinct.get((int) ((long) j * n / k)));
        }
        return distinct(out);
    }
}
