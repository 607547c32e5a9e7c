package io.dataworks.migrations.plan.internal;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.bson.BsonValue;

/**
 * BSON comparison brackets of {@code _id} values, named by their {@code $type} alias.
 *
 * <p>Range operators ({@code $gte}, {@code $lt}) only ever match values of the bracket of their
 * operand, so a collection with mixed {@code _id} types is read exactly once only when every bracket
 * gets its own {@code $type}-filtered partitions. The list is in BSON sort order.
 */
public final class TypeBrackets {

    /**
     * Every alias an {@code _id} can have, in BSON sort order ({@code array} cannot be an {@code _id}).
     * {@code number} covers int, long, double and decimal, which compare with each other.
     */
    public static final List<String> ALL = List.of(
            "minKey", "undefined", "null", "number", "string", "symbol", "object", "binData", "objectId",
            "bool", "date", "timestamp", "regex", "dbPointer", "javascript", "javascriptWithScope", "maxKey");

    /**
     * The server's canonical sort rank of each bracket (string and symbol share one: they sort
     * together, interleaved, yet {@code $type} tells them apart).
     */
    private static final Map<String, Integer> RANK = Map.ofEntries(
            Map.entry("minKey", -1), Map.entry("undefined", 0), Map.entry("null", 5), Map.entry("number", 10),
            Map.entry("string", 15), Map.entry("symbol", 15), Map.entry("object", 20), Map.entry("binData", 30),
            Map.entry("objectId", 35), Map.entry("bool", 40), Map.entry("date", 45), Map.entry("timestamp", 47),
            Map.entry("regex", 50), Map.entry("dbPointer", 55), Map.entry("javascript", 60),
            Map.entry("javascriptWithScope", 65), Map.entry("maxKey", 100));

    /** Rare types (deprecated ones and code), looked for with one query (servers that lack them cannot store them either). */
    public static final List<String> RARE = List.of("undefined", "symbol", "dbPointer", "javascript", "javascriptWithScope");

    /** Brackets with enough distinct values to be worth splitting into ranges. */
    public static final Set<String> SPLITTABLE = Set.of(
            "number", "string", "symbol", "object", "binData", "objectId", "date", "timestamp");

    private TypeBrackets() {
    }

    /** The bracket alias of one value. */
    public static String of(BsonValue value) {
        return switch (value.getBsonType()) {
            case INT32, INT64, DOUBLE, DECIMAL128 -> "number";
            case STRING -> "string";
            case SYMBOL -> "symbol";
            case DOCUMENT -> "object";
            case ARRAY -> "array";
            case BINARY -> "binData";
            case OBJECT_ID -> "objectId";
            case BOOLEAN -> "bool";
            case DATE_TIME -> "date";
            case TIMESTAMP -> "timestamp";
            case NULL -> "null";
            case UNDEFINED -> "undefined";
            case REGULAR_EXPRESSION -> "regex";
            case DB_POINTER -> "dbPointer";
            case JAVASCRIPT -> "javascript";
            case JAVASCRIPT_WITH_SCOPE -> "javascriptWithScope";
            case MIN_KEY -> "minKey";
            case MAX_KEY -> "maxKey";
            default -> throw new IllegalArgumentException("no $type bracket for " + value.getBsonType());
        };
    }

    /** Position in BSON sort order, for ordering brackets (string before symbol). */
    public static int order(String alias) {
        int i = ALL.indexOf(alias);
        return i < 0 ? ALL.size() : i;
    }

    /** The server's canonical sort rank; brackets of equal rank interleave in {@code _id} order. */
    public static int rank(String alias) {
        Integer r = RANK.get(alias);
        if (r == null) {
            throw new IllegalArgumentException("unknown $type bracket '" + alias + "'");
        }
        return r;
    }

    /**
     * Whether two values of the same bracket compare equal the way the server compares them: numbers
     * by value across int/long/double/decimal, everything else by its BSON value. Used to drop
     * duplicate boundaries; a missed duplicate only yields an empty partition, never a lost document.
     */
    public static boolean sameKey(BsonValue a, BsonValue b) {
        if (a.isNumber() || a.isDecimal128() || b.isNumber() || b.isDecimal128()) {
            if (!(isNumeric(a) && isNumeric(b))) {
                return false;
            }
            BigDecimal x = finiteDecimal(a);
            BigDecimal y = finiteDecimal(b);
            if (x == null || y == null) {
                return a.equals(b);
            }
            return x.compareTo(y) == 0;
        }
        return a.equals(b);
    }

    /** Whether a value is a double or decimal NaN. */
    public static boolean isNaN(BsonValue v) {
        return (v.isDouble() && Double.isNaN(v.asDouble().getValue()))
                || (v.isDecimal128() && v.asDecimal128().getValue().isNaN());
    }

    private static boolean isNumeric(BsonValue v) {
        return v.isInt32() || v.isInt64() || v.isDouble() || v.isDecimal128();
    }

    private static BigDecimal finiteDecimal(BsonValue v) {
        return switch (v.getBsonType()) {
            case INT32 -> BigDecimal.valueOf(v.asInt32().getValue());
            case INT64 -> BigDecimal.valueOf(v.asInt64().getValue());
            case DOUBLE -> Double.isFinite(v.asDouble().getValue()) ? BigDecimal.valueOf(v.asDouble().getValue()) : null;
            case DECIMAL128 -> {
                var d = v.asDecimal128().getValue();
                if (d.isNaN() || d.isInfinite()) {
                    yield null;
                }
                try {
                    yield d.bigDecimalValue();
                } catch (ArithmeticException negativeZero) {
                    yield BigDecimal.ZERO;
                }
            }
            default -> null;
        };
    }
}
