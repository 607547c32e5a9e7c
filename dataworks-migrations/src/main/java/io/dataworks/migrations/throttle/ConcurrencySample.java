package io.dataworks.migrations.throttle;

/** The limit in force from {@code epochMillis} on. */
public record ConcurrencySample(long epochMillis, int limit) {
}
