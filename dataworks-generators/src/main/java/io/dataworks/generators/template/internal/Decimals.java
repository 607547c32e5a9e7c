package io.dataworks.generators.template.internal;

import org.bson.types.Decimal128;

/**
 * Decimal128 values whose coefficient fits in a long, built and combined without BigDecimal. Money
 * amounts (prices, line totals, sums, tax) are all of this kind, and going through BigDecimal and
 * {@code new Decimal128(BigDecimal)} cost a handful of objects per value. The results are the same
 * values with the same representation (coefficient and exponent) as the BigDecimal route; anything
 * that does not fit falls back to it.
 */
final class Decimals {

    private static final int EXPONENT_OFFSET = 6176;
    private static final long COEFFICIENT_HIGH_MASK = 0x1FFFFFFFFFFFFL;
    private static final long SPECIAL_MASK = 0x6000000000000000L;
    static final long[] POW10 = new long[19];

    static {
        POW10[0] = 1;
        for (int i = 1; i < POW10.length; i++) {
            POW10[i] = POW10[i - 1] * 10;
        }
    }

    private Decimals() {
    }

    /** {@code unscaled} × 10^-{@code scale}. */
    static Decimal128 of(long unscaled, int scale) {
        if (unscaled == Long.MIN_VALUE || scale > 6000 || scale < -6000) {
            return new Decimal128(java.math.BigDecimal.valueOf(unscaled, scale));
        }
        long sign = unscaled < 0 ? Long.MIN_VALUE : 0;
        long high = sign | ((long) (EXPONENT_OFFSET - scale) << 49);
        return Decimal128.fromIEEE754BIDEncoding(high, Math.abs(unscaled));
    }

    /** True when {@code d} is finite and its coefficient fits in a (positive) long. */
    static boolean small(Decimal128 d) {
        long high = d.getHigh();
        return (high & SPECIAL_MASK) != SPECIAL_MASK && (high & COEFFICIENT_HIGH_MASK) == 0 && d.getLow() >= 0;
    }

    static long unscaled(Decimal128 d) {
        return d.getHigh() < 0 ? -d.getLow() : d.getLow();
    }

    static int scale(Decimal128 d) {
        return EXPONENT_OFFSET - (int) ((d.getHigh() >>> 49) & 0x3FFF);
    }

    /**
     * a op b for decimals given as (unscaled, scale) pairs; null when it would overflow a long (the caller
     * then takes the BigDecimal route). op: 0 add, 1 subtract, 2 multiply.
     */
    static Decimal128 apply(int op, long ua, int sa, long ub, int sb) {
        try {
            if (op == 2) {
                return of(Math.multiplyExact(ua, ub), sa + sb);
            }
            int s = Math.max(sa, sb);
            if (s - sa >= POW10.length || s - sb >= POW10.length) {
                return null;
            }
            long a = Math.multiplyExact(ua, POW10[s - sa]);
            long b = Math.multiplyExact(ub, POW10[s - sb]);
            return of(op == 0 ? Math.addExact(a, b) : Math.subtractExact(a, b), s);
        } catch (ArithmeticException overflow) {
            return null;
        }
    }

    /** {@code d} rounded (half-even) or padded to {@code places} decimals, or null when it does not fit. */
    static Decimal128 setScale(Decimal128 d, int places) {
        long u = unscaled(d);
        int s = scale(d);
        if (s == places) {
            return d;
        }
        if (s < places) {
            if (places - s >= POW10.length) {
                return null;
            }
            try {
                return of(Math.multiplyExact(u, POW10[places - s]), places);
            } catch (ArithmeticException overflow) {
                return null;
            }
        }
        if (s - places >= POW10.length) {
            return null;
        }
        long pow = POW10[s - places];
        long q = u / pow;
        long r = Math.abs(u % pow) * 2;
        if (r > pow || (r == pow && (q & 1) != 0)) {
            q += u < 0 ? -1 : 1;
        }
        return of(q, places);
    }
}
