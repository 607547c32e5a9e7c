package io.dataworks.migrations.throttle;

import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;

import io.dataworks.core.error.ErrorClassifier;
import io.dataworks.core.error.ErrorKind;

/**
 * What a failed request says about the server's load. The limiter reacts to throttling (as
 * {@link ErrorClassifier} recognises it: 16500, TooManyRequests, "Request rate is large") and to
 * timeouts; every other error, transient ones included (a dropped connection, an election), says
 * nothing about how many requests the server can take.
 */
public enum CongestionSignal {
    THROTTLED,
    /** The request or the socket read timed out, or the server gave up on it (50 / 262 ExceededTimeLimit). */
    TIMEOUT,
    NONE;

    /** Classifies {@code error}, looking through its causes. */
    public static CongestionSignal of(Throwable error) {
        if (ErrorClassifier.classify(error).kind() == ErrorKind.THROTTLED) {
            return THROTTLED;
        }
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoSocketReadTimeoutException || t instanceof MongoTimeoutException
                    || t instanceof MongoExecutionTimeoutException || t instanceof MongoOperationTimeoutException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof MongoException m && (m.getCode() == 50 || m.getCode() == 262)) {
                return TIMEOUT;
            }
        }
        return NONE;
    }
}
