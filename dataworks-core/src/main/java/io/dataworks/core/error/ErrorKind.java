package io.dataworks.core.error;

/** What a failed MongoDB request means for the caller, and so whether retrying it can help. */
public enum ErrorKind {
    /** The server refused the request for lack of capacity (Cosmos DB 16500): retry after its RetryAfterMs. */
    THROTTLED(true),
    /** Network trouble, timeouts, elections, shutdowns: the same request may succeed shortly. */
    TRANSIENT(true),
    /** The document's {@code _id} (or another unique key) is already there: retrying repeats the error. */
    DUPLICATE_KEY(false),
    /** The document or request is over the server's size limit: it never fits as it is. */
    TOO_LARGE(false),
    /** Anything else: bad request, authorisation, validation, a retry budget already spent. */
    PERMANENT(false);

    private final boolean retryable;

    ErrorKind(boolean retryable) {
        this.retryable = retryable;
    }

    /** {@code true} when sending the same request again may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
