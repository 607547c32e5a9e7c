package io.dataworks.migrations.throttle;

/** One slot of an {@link AdaptiveConcurrencyLimiter}; releasing it twice is harmless. */
public interface Permit {

    void release();
}
