package io.dataworks.generators.template.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.SplittableRandom;

import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

/** The allocation-free decimal path gives exactly what the BigDecimal route gives, representation included. */
class DecimalsTest {

    @Test
    void buildsTheSameDecimal128AsBigDecimal() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 20_000; i++) {
            long u = r.nextLong(-1_000_000_000_000L, 1_000_000_000_000L);
            int s = r.nextInt(0, 12);
            Decimal128 fast = Decimals.of(u, s);
            assertThat(fast).isEqualTo(new Decimal128(BigDecimal.valueOf(u, s)));
            assertThat(Decimals.small(fast)).isTrue();
            assertThat(Decimals.unscaled(fast)).isEqualTo(u);
            assertThat(Decimals.scale(fast)).isEqualTo(s);
        }
        assertThat(Decimals.small(Decimal128.NaN)).isFalse();
        assertThat(Decimals.small(Decimal128.POSITIVE_INFINITY)).isFalse();
        assertThat(Decimals.small(Decimal128.parse("123456789012345678901234567890"))).isFalse();
    }

    @Test
    void arithmeticAndRoundingMatchBigDecimal() {
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < 20_000; i++) {
            long ua = r.nextLong(-10_000_000, 10_000_000);
            long ub = r.nextLong(-10_000_000, 10_000_000);
            int sa = r.nextInt(0, 6);
            int sb = r.nextInt(0, 6);
            BigDecimal a = BigDecimal.valueOf(ua, sa);
            BigDecimal b = BigDecimal.valueOf(ub, sb);
            assertThat(Decimals.apply(0, ua, sa, ub, sb)).isEqualTo(new Decimal128(a.add(b)));
            assertThat(Decimals.apply(1, ua, sa, ub, sb)).isEqualTo(new Decimal128(a.subtract(b)));
            assertThat(Decimals.apply(2, ua, sa, ub, sb)).isEqualTo(new Decimal128(a.multiply(b).round(MathContext.DECIMAL128)));
            int places = r.nextInt(0, 8);
            assertThat(Decimals.setScale(Decimals.of(ua, sa), places))
                    .isEqualTo(new Decimal128(a.setScale(places, RoundingMode.HALF_EVEN)));
        }
        assertThat(Decimals.apply(2, Long.MAX_VALUE / 2, 0, 3, 0)).isNull();
    }
}
