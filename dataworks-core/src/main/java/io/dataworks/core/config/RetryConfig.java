package io.dataworks.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How failed requests are retried (one policy for every MongoDB call).
 *
 * @param maxAttempts    retries after the first try before giving up
 * @param initialBackoff first backoff for transient errors; doubles each attempt
 * @param maxBackoff     cap on one backoff
 * @param maxTotalWait   cap on the time spent waiting across all retries of one request
 * @param jitter         share of each backoff randomised, 0..1
 */
public record RetryConfig(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotalWait, double jitter) {

    public static final RetryConfig DEFAULTS =
            new RetryConfig(10, Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofMinutes(2), 0.5);

    public RetryConfig {
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0, was " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxTotalWait, "maxTotalWait");
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be within 0..1, was " + jitter);
        }
    }

    public RetryConfig withMaxAttempts(int value) {
        return new RetryConfig(value, initialBackoff, maxBackoff, maxTotalWait, jitter);
    }

    public RetryConfig withInitialBackoff(Duration value) {
        return new RetryConfig(maxAttempts, value, maxBackoff, maxTotalWait, jitter);
    }

    public RetryConfig withMaxBackoff(Duration value) {
        return new RetryConfig(maxAttempts, initialBackoff, value, maxTotalWait, jitter);
    }

    public RetryConfig withMaxTotalWait(Duration value) {
        return new RetryConfig(maxAttempts, initialBackoff, maxBackoff, value, jitter);
    }

    public RetryConfig withJitter(double value) {
        return new RetryConfig(maxAttempts, initialBackoff, maxBackoff, maxTotalWait, value);
    }
}
