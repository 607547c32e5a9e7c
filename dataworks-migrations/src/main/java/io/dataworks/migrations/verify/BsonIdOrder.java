package io.dataworks.migrations.verify;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;

/**
 * The order in which MongoDB sorts {@code _id} values ({@code sort({_id: 1})}, simple collation): first
 * by type bracket (MinKey, null, numbers, strings, documents, arrays, binary, ObjectId, boolean, date,
 * timestamp, regex, MaxKey), then by value within the bracket: numbers by numeric value whatever their
 * BSON type, strings by their UTF-8 bytes, documents element by element (type, name, value), binary by
 * length, subtype, bytes.
 *
 * <p>Used to merge-join two {@code _id}-sorted cursors. A disagreement with the server's order can
 * only produce candidate differences, which {@link Verifier} confirms by looking the {@code _id} up, so
 * a mistake here costs lookups, never a wrong verdict.
 */
public final class BsonIdOrder implements Comparator<BsonValue> {

    public static final BsonIdOrder INSTANCE = new BsonIdOrder();

    private BsonIdOrder() {
    }

    @Override
    public int compare(BsonValue a, BsonValue b) {
        int ra = rank(a.getBsonType());
        int rb = rank(b.getBsonType());
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        return switch (a.getBsonType()) {
            case MIN_KEY, MAX_KEY, NULL, UNDEFINED -> 0;
            case INT32, INT64, DOUBLE, DECIMAL128 -> compareNumbers(a, b);
            case STRING, SYMBOL -> compareBytes(utf8(a), utf8(b));
            case DOCUMENT -> compareDocuments(a.asDocument(), b.asDocument());
            case ARRAY -> compareArrays(a.asArray(), b.asArray());
            case BINARY -> compareBinary(a, b);
            case OBJECT_ID -> compareBytes(a.asObjectId().getValue().toByteArray(), b.asObjectId().getValue().toByteArray());
            case BOOLEAN -> Boolean.compare(a.asBoolean().getValue(), b.asBoolean().getValue());
            case DATE_TIME -> Long.compare(a.asDateTime().getValue(), b.asDateTime().getValue());
            case TIMESTAMP -> Long.compareUnsigned(a.asTimestamp().getValue(), b.asTimestamp().getValue());
            case REGULAR_EXPRESSION -> {
                int c = compareBytes(a.asRegularExpression().getPattern().getBytes(StandardCharsets.UTF_8),
                        b.asRegularExpression().getPattern().getBytes(StandardCharsets.UTF_8));
                yield c != 0 ? c : a.asRegularExpression().getOptions().compareTo(b.asRegularExpression().getOptions());
            }
            default -> a.toString().compareTo(b.toString());
        };
    }

    private static int rank(BsonType type) {
        return switch (type) {
            case MIN_KEY -> 0;
            case NULL, UNDEFINED -> 1;
            case INT32, INT64, DOUBLE, DECIMAL128 -> 2;
            case STRING, SYMBOL -> 3;
            case DOCUMENT -> 4;
            case ARRAY -> 5;
            case BINARY -> 6;
            case OBJECT_ID -> 7;
            case BOOLEAN -> 8;
            case DATE_TIME -> 9;
            case TIMESTAMP -> 10;
            case REGULAR_EXPRESSION -> 11;
            case DB_POINTER -> 12;
            case JAVASCRIPT -> 13;
            case JAVASCRIPT_WITH_SCOPE -> 14;
            case MAX_KEY -> 100;
            default -> 50;
        };
    }

    private static int compareNumbers(BsonValue a, BsonValue b) {
        if (a.getBsonType() == b.getBsonType()) {
            switch (a.getBsonType()) {
                case INT32:
                    return Integer.compare(a.asInt32().getValue(), b.asInt32().getValue());
                case INT64:
                    return Long.compare(a.asInt64().getValue(), b.asInt64().getValue());
                case DOUBLE:
                    return compareDoubles(a.asDouble().getValue(), b.asDouble().getValue());
                default:
                    break;
            }
        }
        boolean aNaN = isNaN(a);
        boolean bNaN = isNaN(b);
        if (aNaN || bNaN) {
            return aNaN == bNaN ? 0 : aNaN ? -1 : 1; // NaN sorts below every number
        }
        Double infA = infinity(a);
        Double infB = infinity(b);
        if (infA != null || infB != null) {
            double da = infA != null ? infA : 0;
            double db = infB != null ? infB : 0;
            if (infA != null && infB != null) {
                return Double.compare(da, db);
            }
            return infA != null ? (da > 0 ? 1 : -1) : (db > 0 ? -1 : 1);
        }
        return decimal(a).compareTo(decimal(b));
    }

    private static int compareDoubles(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) == Double.isNaN(b) ? 0 : Double.isNaN(a) ? -1 : 1;
        }
        return a == b ? 0 : a < b ? -1 : 1; // -0.0 == 0.0, as on the server
    }

    private static boolean isNaN(BsonValue v) {
        return (v.isDouble() && Double.isNaN(v.asDouble().getValue()))
                || (v.isDecimal128() && v.asDecimal128().getValue().isNaN());
    }

    private static Double infinity(BsonValue v) {
        if (v.isDouble() && Double.isInfinite(v.asDouble().getValue())) {
            return v.asDouble().getValue();
        }
        if (v.isDecimal128() && v.asDecimal128().getValue().isInfinite()) {
            return v.asDecimal128().getValue().isNegative() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return null;
    }

    private static BigDecimal decimal(BsonValue v) {
        return switch (v.getBsonType()) {
            case INT32 -> BigDecimal.valueOf(v.asInt32().getValue());
            case INT64 -> BigDecimal.valueOf(v.asInt64().getValue());
            case DOUBLE -> new BigDecimal(v.asDouble().getValue());
            default -> v.asDecimal128().getValue().isNegative() && v.asDecimal128().getValue().bigDecimalValue().signum() == 0
                    ? BigDecimal.ZERO : v.asDecimal128().getValue().bigDecimalValue();
        };
    }

    private static byte[] utf8(BsonValue v) {
        String s = v.isString() ? v.asString().getValue() : v.asSymbol().getSymbol();
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static int compareBinary(BsonValue a, BsonValue b) {
        byte[] da = a.asBinary().getData();
        byte[] db = b.asBinary().getData();
        if (da.length != db.length) {
            return Integer.compare(da.length, db.length);
        }
        int c = Integer.compare(a.asBinary().getType() & 0xFF, b.asBinary().getType() & 0xFF);
        return c != 0 ? c : compareBytes(da, db);
    }

    private int compareDocuments(BsonDocument a, BsonDocument b) {
        Iterator<Map.Entry<String, BsonValue>> ia = a.entrySet().iterator();
        Iterator<Map.Entry<String, BsonValue>> ib = b.entrySet().iterator();
        while (ia.hasNext() && ib.hasNext()) {
            Map.Entry<String, BsonValue> ea = ia.next();
            Map.Entry<String, BsonValue> eb = ib.next();
            int c = Integer.compare(rank(ea.getValue().getBsonType()), rank(eb.getValue().getBsonType()));
            if (c == 0) {
                c = compareBytes(ea.getKey().getBytes(StandardCharsets.UTF_8), eb.getKey().getBytes(StandardCharsets.UTF_8));
            }
            if (c == 0) {
                c = compare(ea.getValue(), eb.getValue());
            }
            if (c != 0) {
                return c;
            }
        }
        return Boolean.compare(ia.hasNext(), ib.hasNext());
    }

    private int compareArrays(BsonArray a, BsonArray b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compareBytes(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }
}
