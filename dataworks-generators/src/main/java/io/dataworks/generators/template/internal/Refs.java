package io.dataworks.generators.template.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Date;
import java.util.List;
import java.util.random.RandomGenerator;

import org.bson.Document;
import org.bson.types.Decimal128;

/**
 * References to earlier fields of the document and the arithmetic over them.
 *
 * <p>The reference model: fields are generated in template order. {@code {"$ref": "a.b"}} names a field
 * {@code a} that appears <em>before</em> the referring field in the innermost enclosing object that has
 * a field called {@code a} (the current array element, then its parent, ... up to the root), then walks
 * into it ({@code b}; a number walks into an array). Which object holds {@code a} is decided at compile
 * time; a name that is unknown or not yet generated is a compile-time error. A referenced field that was
 * left out ({@code $missing}, {@code missingRate}) reads as null, and arithmetic on null gives null.
 */
final class Refs {

    private Refs() {
    }

    /** A compiled reference: the object at {@code depth} in the context, then {@code path}. */
    record Ref(int depth, String[] path) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            Document scope = ctx.scope(depth);
            Object value = scope.get(path[0]);
            for (int i = 1; i < path.length && value != null; i++) {
                value = step(value, path[i]);
            }
            return value;
        }
    }

    static Object step(Object value, String key) {
        if (value instanceof Document d) {
            return d.get(key);
        }
        if (value instanceof List<?> list) {
            int i = parseIndex(key);
            return i >= 0 && i < list.size() ? list.get(i) : null;
        }
        return null;
    }

    static Object walk(Object value, String[] path) {
        for (int i = 0; i < path.length && value != null; i++) {
            value = step(value, path[i]);
        }
        return value;
    }

    private static int parseIndex(String key) {
        int n = 0;
        if (key.isEmpty() || key.length() > 9) {
            return -1;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** {@code $dateAfter} / {@code $dateBefore}: the referenced date shifted by a uniform offset in [min, max] ms. */
    record DateOffset(Node base, long minMillis, long maxMillis, int sign) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            Object b = base.generate(random, ctx);
            if (!(b instanceof Date date)) {
                return null;
            }
            long offset = minMillis == maxMillis ? minMillis : random.nextLong(minMillis, maxMillis + 1);
            return new Date(date.getTime() + sign * offset);
        }
    }

    /** {@code $sum} over a list (optionally of one field of each element). */
    record SumOver(Node array, String[] field) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            Object list = array.generate(random, ctx);
            if (!(list instanceof List<?> elements)) {
                return null;
            }
            Object sum = 0;
            for (Object element : elements) {
                Object v = field == null ? element : walk(element, field);
                if (isNumber(v)) {
                    sum = Arith.apply(Arith.ADD, sum, v);
                }
            }
            return sum;
        }
    }

    /** {@code $add}, {@code $subtract}, {@code $multiply}, {@code $divide}, {@code $sum} of a list of expressions. */
    record Fold(int op, Node[] args, boolean skipNonNumbers) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            Object acc = skipNonNumbers ? (Object) 0 : args[0].generate(random, ctx);
            for (int i = skipNonNumbers ? 0 : 1; i < args.length; i++) {
                Object v = args[i].generate(random, ctx);
                if (skipNonNumbers && !isNumber(v)) {
                    continue;
                }
                acc = Arith.apply(op, acc, v);
                if (acc == null) {
                    return null;
                }
            }
            return acc;
        }
    }

    /** {@code $round}: half-even, like MongoDB's {@code $round}. */
    record Round(Node value, int places) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            Object v = value.generate(random, ctx);
            if (v instanceof Decimal128 d) {
                if (Decimals.small(d)) {
                    Decimal128 fast = Decimals.setScale(d, places);
                    if (fast != null) {
                        return fast;
                    }
                }
                return d.isNaN() || d.isInfinite() ? d : new Decimal128(d.bigDecimalValue().setScale(places, RoundingMode.HALF_EVEN));
            }
            if (v instanceof Double d) {
                if (places > 15) {
                    return d;
                }
                return BigDecimal.valueOf(d).setScale(places, RoundingMode.HALF_EVEN).doubleValue();
            }
            if (v instanceof Integer || v instanceof Long) {
                return v;
            }
            return null;
        }
    }

    /** {@code $size}: elements of a list, characters of a string. */
    record Size(Node value) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            Object v = value.generate(random, ctx);
            if (v instanceof List<?> l) {
                return l.size();
            }
            if (v instanceof String s) {
                return s.length();
            }
            return null;
        }
    }

    static boolean isNumber(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof Double || v instanceof Decimal128;
    }

    /**
     * Number arithmetic with BSON-like widening: int, long, double, decimal. Any decimal operand makes
     * the result a Decimal128 (exact for money: quantity * unitPrice, sums of line totals); else any
     * double (or a division) gives a double; else a long, narrowed to int when both operands were ints
     * and the result fits. A date plus/minus a number shifts it by that many milliseconds.
     */
    static final class Arith {
        static final int ADD = 0;
        static final int SUB = 1;
        static final int MUL = 2;
        static final int DIV = 3;

        private Arith() {
        }

        static Object apply(int op, Object a, Object b) {
            if (a instanceof Date d && (b instanceof Integer || b instanceof Long) && (op == ADD || op == SUB)) {
                long ms = ((Number) b).longValue();
                return new Date(op == ADD ? d.getTime() + ms : d.getTime() - ms);
            }
            if (op == SUB && a instanceof Date d1 && b instanceof Date d2) {
                return d1.getTime() - d2.getTime();
            }
            if (!isNumber(a) || !isNumber(b)) {
                return null;
            }
            if (a instanceof Decimal128 || b instanceof Decimal128) {
                if (op != DIV && fitsLong(a) && fitsLong(b)) {
                    Decimal128 fast = Decimals.apply(op, unscaled(a), scale(a), unscaled(b), scale(b));
                    if (fast != null) {
                        return fast;
                    }
                }
                BigDecimal x = big(a);
                BigDecimal y = big(b);
                if (x == null || y == null) {
                    return null;
                }
                BigDecimal r;
                switch (op) {
                    case ADD -> r = x.add(y);
                    case SUB -> r = x.subtract(y);
                    case MUL -> r = x.multiply(y);
                    default -> {
                        if (y.signum() == 0) {
                            return null;
                        }
                        r = x.divide(y, MathContext.DECIMAL128);
                    }
                }
                return new Decimal128(r.round(MathContext.DECIMAL128));
            }
            if (a instanceof Double || b instanceof Double || op == DIV) {
                double x = ((Number) a).doubleValue();
                double y = ((Number) b).doubleValue();
                return switch (op) {
                    case ADD -> x + y;
                    case SUB -> x - y;
                    case MUL -> x * y;
                    default -> y == 0 ? null : x / y;
                };
            }
            long x = ((Number) a).longValue();
            long y = ((Number) b).longValue();
            long r;
            try {
                r = switch (op) {
                    case ADD -> Math.addExact(x, y);
                    case SUB -> Math.subtractExact(x, y);
                    default -> Math.multiplyExact(x, y);
                };
            } catch (ArithmeticException overflow) {
                return op == ADD ? (double) x + y : op == SUB ? (double) x - y : (double) x * y;
            }
            if (a instanceof Integer && b instanceof Integer && r == (int) r) {
                return (int) r;
            }
            return r;
        }

        private static boolean fitsLong(Object v) {
            return v instanceof Decimal128 d ? Decimals.small(d) : v instanceof Integer || v instanceof Long;
        }

        private static long unscaled(Object v) {
            return v instanceof Decimal128 d ? Decimals.unscaled(d) : ((Number) v).longValue();
        }

        private static int scale(Object v) {
            return v instanceof Decimal128 d ? Decimals.scale(d) : 0;
        }

        private static BigDecimal big(Object v) {
            if (v instanceof Decimal128 d) {
                return d.isNaN() || d.isInfinite() ? null : d.bigDecimalValue();
            }
            if (v instanceof Double d) {
                return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
            }
            return BigDecimal.valueOf(((Number) v).longValue());
        }
    }
}
