package io.dataworks.migrations.endpoint;

import com.mongodb.MongoException;

/**
 * A bulk write the server took in part, as a writer that retries the rest reports it: a {@link MongoException} with
 * the code and message of the first retryable document error (so the rest is retried as that error says: after
 * {@code RetryAfterMs} when throttled), and how many of the documents sent the server refused for its budget. The
 * endpoint's {@link Pacing} tells its pacer so: taken in part, not refused whole. Without it a Cosmos DB budget's
 * partial writes, the pacer's surest sign of a budget, looked like whole refusals, and the documents they wrote went
 * uncounted in what the server accepted.
 */
public final class PartlyWritten extends MongoException {

    private static final long serialVersionUID = 1L;

    private final long throttled;

    /**
     * @param code      the first retryable document error's code
     * @param message   its message (a throttle's carries {@code RetryAfterMs=N})
     * @param throttled documents of the request refused with 16500 (throttled; other retryable errors are not the
     *                  budget's); the request's size is what the pacing was told when it was sent
     */
    public PartlyWritten(int code, String message, long throttled) {
        super(code, message);
        if (throttled < 0) {
            throw new IllegalArgumentException("throttled must be 0 or more, was " + throttled);
        }
        this.throttled = throttled;
    }

    public long throttled() {
        return throttled;
    }
}
