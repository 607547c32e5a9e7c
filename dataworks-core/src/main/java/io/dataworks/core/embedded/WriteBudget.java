package io.dataworks.core.embedded;

import java.util.function.LongSupplier;

/**
 * A request-unit budget like Cosmos DB's provisioned throughput, counted in documents per second: a token
 * bucket holding at most one second's worth. A write is admitted while the bucket is not empty and is charged
 * in full, possibly into debt (Cosmos DB also charges a large request after the fact); while the bucket is
 * empty, writes are refused with the time until it refills, which becomes the refusal's {@code RetryAfterMs}.
 * So the refusals depend on the offered load: a client that slows down stops being throttled.
 *
 * <p>Thread-safe; one short critical section per command, nothing per document.
 */
final class WriteBudget {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final LongSupplier nanoClock;
    private long documentsPerSecond;
    private double tokens;
    private long lastRefill;

    /** @param documentsPerSecond refill rate and capacity; must be positive */
    WriteBudget(long documentsPerSecond, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastRefill = nanoClock.getAsLong();
        setRate(documentsPerSecond);
        this.tokens = documentsPerSecond;
    }

    /** Charges {@code documents} and returns 0 when admitted; otherwise the milliseconds until a retry can pass. */
    synchronized long tryAcquire(int documents) {
        refill();
        if (tokens > 0) {
            tokens -= Math.max(1, documents);
            return 0;
        }
        double missing = 1 - tokens; // the bucket must get back above zero
        return Math.max(1, (long) Math.ceil(missing * 1000.0 / documentsPerSecond));
    }

    synchronized void setRate(long documentsPerSecond) {
        if (documentsPerSecond <= 0) {
            throw new IllegalArgumentException("writeBudget must be > 0 documents per second, was " + documentsPerSecond);
        }
        refill();
        this.documentsPerSecond = documentsPerSecond;
        this.tokens = Math.min(tokens, documentsPerSecond);
    }

    synchronized long rate() {
        return documentsPerSecond;
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            tokens = Math.min(documentsPerSecond, tokens + (double) elapsed * documentsPerSecond / NANOS_PER_SECOND);
            lastRefill = now;
        }
    }
}
