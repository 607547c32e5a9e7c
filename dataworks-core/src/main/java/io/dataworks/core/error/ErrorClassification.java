package io.dataworks.core.error;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link ErrorClassifier} made of a failure.
 *
 * @param kind       what the failure means for a retry
 * @param retryAfter the wait the server asked for (Cosmos DB's {@code RetryAfterMs}), when it named one
 * @param code       the server's error code, or {@link #NO_CODE} for client-side failures
 * @param message    a short description, passwords of connection strings masked
 */
public record ErrorClassification(ErrorKind kind, Optional<Duration> retryAfter, int code, String message) {

    /** The code of failures that did not come with a server error code (network, client side). */
    public static final int NO_CODE = -1;

    public ErrorClassification {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(retryAfter, "retryAfter");
        message = message == null ? "" : message;
    }

    public static ErrorClassification of(ErrorKind kind, int code, String message) {
        return new ErrorClassification(kind, Optional.empty(), code, message);
    }

    public boolean retryable() {
        return kind.retryable();
    }

    /** One line for logs and reports, e.g. {@code THROTTLED (code 16500, retry after 12 ms): Request rate is large}. */
    public String describe() {
        StringBuilder out = new StringBuilder(kind.name());
        if (code != NO_CODE || retryAfter.isPresent()) {
            out.append(" (");
            if (code != NO_CODE) {
                out.append("code ").append(code);
            }
            retryAfter.ifPresent(d -> out.append(code != NO_CODE ? ", " : "").append("retry after ").append(d.toMillis()).append(" ms"));
            out.append(')');
        }
        if (!message.isEmpty()) {
            out.append(": ").append(message);
        }
        return out.toString();
    }
}
