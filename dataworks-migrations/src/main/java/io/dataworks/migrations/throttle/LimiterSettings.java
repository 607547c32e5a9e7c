package io.dataworks.migrations.throttle;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link AdaptiveConcurrencyLimiter} adapts.
 *
 * @param gaugeName            name of the gauge the current limit is published under ({@code concurrency},
 *                             {@code readConcurrency})
 * @param initialLimit         permits at start
 * @param maxLimit             ceiling of the additive increase ({@code FRAMEWORK_MAX_INSERT_WORKERS} for writes)
 * @param minLimit             floor of the multiplicative decrease (at least 1)
 * @param decreaseFactor       limit multiplier on a throttle or timeout, in (0, 1)
 * @param cooldown             at most one decrease per window, so that one burst of throttled responses (all
 *                             the requests that were in flight together) counts as one congestion signal
 * @param successesPerIncrease consecutive successes needed for +1; the effective threshold is
 *                             {@code max(successesPerIncrease, currentLimit)}, i.e. about one round trip of
 *                             the whole window at the current limit
 * @param seriesCapacity       bound on the concurrency-over-time samples kept for the report
 */
public record LimiterSettings(
        String gaugeName,
        int initialLimit,
        int maxLimit,
        int minLimit,
        double decreaseFactor,
        Duration cooldown,
        int successesPerIncrease,
        int seriesCapacity) {

    public LimiterSettings {
        Objects.requireNonNull(gaugeName, "gaugeName");
        Objects.requireNonNull(cooldown, "cooldown");
        if (minLimit < 1) {
            throw new IllegalArgumentException("minLimit must be >= 1, was " + minLimit);
        }
        if (maxLimit < minLimit) {
            throw new IllegalArgumentException("maxLimit (" + maxLimit + ") must be >= minLimit (" + minLimit + ")");
        }
        if (initialLimit < minLimit || initialLimit > maxLimit) {
            throw new IllegalArgumentException(
                    "initialLimit must be within " + minLimit + ".." + maxLimit + ", was " + initialLimit);
        }
        if (!(decreaseFactor > 0 && decreaseFactor < 1)) {
            throw new IllegalArgumentException("decreaseFactor must be within (0, 1), was " + decreaseFactor);
        }
        if (cooldown.isNegative()) {
            throw new IllegalArgumentException("cooldown must not be negative, was " + cooldown);
        }
        if (successesPerIncrease < 1) {
            throw new IllegalArgumentException("successesPerIncrease must be >= 1, was " + successesPerIncrease);
        }
        if (seriesCapacity < 2) {
            throw new IllegalArgumentException("seriesCapacity must be >= 2, was " + seriesCapacity);
        }
    }

    /** Write concurrency starting at {@code initial}, growing up to {@code max}: halve on throttling, once per second. */
    public static LimiterSettings of(int initial, int max) {
        return new LimiterSettings("concurrency", initial, max, 1, 0.5, Duration.ofSeconds(1), 8, 512);
    }

    public LimiterSettings withGaugeName(String value) {
        return new LimiterSettings(value, initialLimit, maxLimit, minLimit, decreaseFactor, cooldown, successesPerIncrease, seriesCapacity);
    }

    public LimiterSettings withMinLimit(int value) {
        return new LimiterSettings(gaugeName, initialLimit, maxLimit, value, decreaseFactor, cooldown, successesPerIncrease, seriesCapacity);
    }

    public LimiterSettings withDecreaseFactor(double value) {
        return new LimiterSettings(gaugeName, initialLimit, maxLimit, minLimit, value, cooldown, successesPerIncrease, seriesCapacity);
    }

    public LimiterSettings withCooldown(Duration value) {
        return new LimiterSettings(gaugeName, initialLimit, maxLimit, minLimit, decreaseFactor, value, successesPerIncrease, seriesCapacity);
    }

    public LimiterSettings withSuccessesPerIncrease(int value) {
        return new LimiterSettings(gaugeName, initialLimit, maxLimit, minLimit, decreaseFactor, cooldown, value, seriesCapacity);
    }

    public LimiterSettings withSeriesCapacity(int value) {
        return new LimiterSettings(gaugeName, initialLimit, maxLimit, minLimit, decreaseFactor, cooldown, successesPerIncrease, value);
    }
}
