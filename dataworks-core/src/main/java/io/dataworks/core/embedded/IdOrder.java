package io.dataworks.core.embedded;

import java.math.BigDecimal;
import java.util.Comparator;

import de.bwaldvogel.mongo.backend.ValueComparator;

/**
 * The order of {@code _id}s in the embedded server's ordered index: mongo-java-server's own BSON comparison order
 * ({@link ValueComparator}: MinKey, numbers compared numerically across int/long/double/decimal, strings, documents,
 * binary data, ObjectId, booleans, dates, timestamps, regular expressions, MaxKey), refined so that no two distinct
 * {@code _id}s compare equal: numbers it compares through {@code long} or {@code double} only (a long beyond 2^53
 * against a double) are compared exactly, and what is still equal is ordered by class. So the index holds every
 * document, and ties that the query matcher sees as equal stay next to each other.
 */
final class IdOrder implements Comparator<Object> {

    static final IdOrder INSTANCE = new IdOrder();

    private static final Comparator<Object> BSON = ValueComparator.asc();

    private IdOrder() {
    }

    /** mongo-java-server's comparison, the one its query matcher applies. */
    static int bson(Object a, Object b) {
        return BSON.compare(a, b);
    }

    @Override
    public int compare(Object a, Object b) {
        int order = BSON.compare(a, b);
        if (order != 0 || a == b || a == null || b == null) {
            return order;
        }
        if (a instanceof Number x && b instanceof Number y) {
            BigDecimal exactX = exact(x);
            BigDecimal exactY = exact(y);
            if (exactX != null && exactY != null && exactX.compareTo(exactY) != 0) {
                return exactX.compareTo(exactY);
            }
        }
        return a.getClass().getName().compareTo(b.getClass().getName());
    }

    private static BigDecimal exact(Number number) {
        if (number instanceof de.bwaldvogel.mongo.bson.Decimal128 decimal) {
            try {
                return decimal.toBigDecimal();
            } catch (ArithmeticException e) {
                return null; // NaN, infinities
            }
        }
        if (number instanceof Double || number instanceof Float) {
            double value = number.doubleValue();
            return Double.isFinite(value) ? new BigDecimal(value) : null;
        }
        return BigDecimal.valueOf(number.longValue());
    }
}
