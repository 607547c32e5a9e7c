package io.dataworks.migrations.throttle;

import java.util.regex.Pattern;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.bulk.BulkWriteError;

/**
 * What a failed request says about the server's load: the limiter only reacts to throttling and to
 * timeouts; every other error (duplicate key, validation, a dropped connection) says nothing about
 * how many requests the server can take.
 */
public enum CongestionSignal {
    /** Cosmos DB 16500 / TooManyRequests / "Request rate is large". */
    THROTTLED,
    /** The request or the socket read timed out, or the server gave up ({@code ExceededTimeLimit}). */
    TIMEOUT,
    NONE;

    private static final Pattern THROTTLE_TEXT =
            Pattern.compile("TooManyRequests|Request rate is large|RetryAfterMs", Pattern.CASE_INSENSITIVE);

    /** Classifies {@code error} and its causes. */
    public static CongestionSignal of(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            CongestionSignal s = direct(t);
            if (s != NONE) {
                return s;
            }
        }
        return NONE;
    }

    private static CongestionSignal direct(Throwable t) {
        if (t instanceof MongoSocketReadTimeoutException || t instanceof MongoTimeoutException
                || t instanceof MongoExecutionTimeoutException || t instanceof MongoOperationTimeoutException
                || t instanceof java.util.concurrent.TimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof MongoBulkWriteException bulk) {
            for (BulkWriteError e : bulk.getWriteErrors()) {
                if (e.getCode() == 16500 || (e.getMessage() != null && THROTTLE_TEXT.matcher(e.getMessage()).find())) {
                    return THROTTLED;
                }
            }
            return NONE;
        }
        if (t instanceof MongoException m) {
            if (m.getCode() == 16500) {
                return THROTTLED;
            }
            if (m.getCode() == 50) {
                return TIMEOUT;
            }
            if (m.getMessage() != null && THROTTLE_TEXT.matcher(m.getMessage()).find()) {
                return THROTTLED;
            }
        }
        return NONE;
    }
}
