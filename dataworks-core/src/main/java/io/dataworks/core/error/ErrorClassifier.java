package io.dataworks.core.error;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.InterruptedByTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bson.BsonMaximumSizeExceededException;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.WriteConcernError;

import io.dataworks.core.config.MongoUri;

/**
 * Sorts every failure the MongoDB driver surfaces into an {@link ErrorKind}, so that one retry policy and one
 * error strategy work against Cosmos DB, Atlas and plain MongoDB alike.
 *
 * <ul>
 * <li>{@code THROTTLED}: code 16500, code name or message {@code TooManyRequests} or {@code Request rate is
 * large} (Cosmos DB), with {@code RetryAfterMs=N} parsed from the message when there.</li>
 * <li>{@code TRANSIENT}: socket errors and timeouts, a cleared connection pool, the error labels
 * {@code RetryableWriteError}, {@code TransientTransactionError}, {@code ResumableChangeStreamError}, and the
 * codes of network trouble, time limits, elections and shutdowns (6, 7, 50, 64, 89, 91, 112, 189, 262, 9001,
 * 10058, 10107, 11600, 11602, 13435, 13436).</li>
 * <li>{@code DUPLICATE_KEY}: 11000, 11001, 12582.</li>
 * <li>{@code TOO_LARGE}: 10334 BSONObjectTooLarge, 17419, 17420, the driver's own size check, Cosmos DB's
 * "Request size is too large" / RequestEntityTooLarge, "document too large" messages.</li>
 * <li>{@code PERMANENT}: everything else, including {@link RetriesExhaustedException}.</li>
 * </ul>
 *
 * A {@link MongoBulkWriteException} is classified from its per-document errors: the whole is THROTTLED if any
 * document was throttled, else TRANSIENT if any was transient (or the write concern failed transiently), else
 * PERMANENT if any was permanent, else TOO_LARGE if any was too large, else DUPLICATE_KEY. Use
 * {@link #classify(BulkWriteError)} for each document's own kind. Stateless and thread-safe.
 */
public final class ErrorClassifier {

    public static final String RETRYABLE_WRITE_ERROR = "RetryableWriteError";
    public static final String TRANSIENT_TRANSACTION_ERROR = "TransientTransactionError";
    public static final String RESUMABLE_CHANGE_STREAM_ERROR = "ResumableChangeStreamError";

    static final int TOO_MANY_REQUESTS = 16500;

    private static final Set<Integer> TRANSIENT_CODES = Set.of(
            6,      // HostUnreachable
            7,      // HostNotFound
            50,     // MaxTimeMSExpired / ExceededTimeLimit
            64,     // WriteConcernFailed (wtimeout: the write may be applied, an idempotent retry is safe)
            89,     // NetworkTimeout
            91,     // ShutdownInProgress
            112,    // WriteConflict
            189,    // PrimarySteppedDown
            262,    // ExceededTimeLimit
            9001,   // SocketException
            10058,  // LegacyNotPrimary
            10107,  // NotWritablePrimary
            11600,  // InterruptedAtShutdown
            11602,  // InterruptedDueToReplStateChange
            13435,  // NotPrimaryNoSecondaryOk
            13436); // NotPrimaryOrSecondary
    private static final Set<Integer> DUPLICATE_KEY_CODES = Set.of(11000, 11001, 12582);
    private static final Set<Integer> TOO_LARGE_CODES = Set.of(10334, 17419, 17420);
    /** Codes that mean "too large" only together with a size message: Cosmos DB answers 16 and 2 for many things. */
    private static final Set<Integer> TOO_LARGE_WITH_MESSAGE_CODES = Set.of(2, 16);

    private static final Pattern RETRY_AFTER = Pattern.compile("RetryAfterMs=(\\d+)");
    private static final Pattern THROTTLED_MESSAGE = Pattern.compile("TooManyRequests|Request rate is large");
    private static final Pattern TOO_LARGE_MESSAGE = Pattern.compile(
            "BSONObjectTooLarge|Request size is too large|RequestEntityTooLarge|document too large|document is too large"
                    + "|object to insert too large|too large to|larger than (the )?maximum",
            Pattern.CASE_INSENSITIVE);
    private static final int MAX_CAUSE_DEPTH = 32;

    private ErrorClassifier() {
    }

    /**
     * Classifies {@code failure}, looking through wrappers (reactor, {@code CompletionException}, exceptions that
     * add context) down the cause chain to the first failure it recognises.
     */
    public static ErrorClassification classify(Throwable failure) {
        if (failure == null) {
            return ErrorClassification.of(ErrorKind.PERMANENT, ErrorClassification.NO_CODE, "no error");
        }
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        int depth = 0;
        for (Throwable t = failure; t != null && depth < MAX_CAUSE_DEPTH && seen.add(t); t = t.getCause(), depth++) {
            ErrorClassification known = classifyOne(t);
            if (known != null) {
                return known;
            }
        }
        return ErrorClassification.of(ErrorKind.PERMANENT, ErrorClassification.NO_CODE, describe(failure));
    }

    /** One document's error inside a {@link MongoBulkWriteException}. */
    public static ErrorClassification classify(BulkWriteError error) {
        return classifyWriteError(error.getCode(), error.getMessage());
    }

    /** A server error given by code and message (write errors have no code name and no labels). */
    public static ErrorClassification classifyWriteError(int code, String message) {
        return classifyServerError(code, null, message, Set.of());
    }

    /** {@code RetryAfterMs=N} in a message, as Cosmos DB writes it. */
    public static Optional<Duration> parseRetryAfter(String message) {
        if (message == null) {
            return Optional.empty();
        }
        Matcher m = RETRY_AFTER.matcher(message);
        if (!m.find()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.ofMillis(Long.parseLong(m.group(1))));
        } catch (NumberFormatException e) { // more digits than a long: treat as absent
            return Optional.empty();
        }
    }

    /** Null when {@code t} itself is not recognised and its cause should be looked at. */
    private static ErrorClassification classifyOne(Throwable t) {
        if (t instanceof RetriesExhaustedException exhausted) {
            return ErrorClassification.of(ErrorKind.PERMANENT, exhausted.lastError().code(), describe(exhausted));
        }
        if (t instanceof MongoBulkWriteException bulk) {
            return classifyBulk(bulk);
        }
        if (t instanceof MongoWriteException write) {
            return classifyServerError(write.getError().getCode(), null, write.getError().getMessage(), write.getErrorLabels());
        }
        if (t instanceof MongoWriteConcernException concern) {
            WriteConcernError error = concern.getWriteConcernError();
            return classifyServerError(error.getCode(), error.getCodeName(), error.getMessage(), concern.getErrorLabels());
        }
        if (t instanceof MongoNotPrimaryException || t instanceof MongoNodeIsRecoveringException) {
            MongoCommandException command = (MongoCommandException) t;
            return ErrorClassification.of(ErrorKind.TRANSIENT, command.getErrorCode(), mask(command.getErrorMessage()));
        }
        if (t instanceof MongoCommandException command) {
            return classifyServerError(command.getErrorCode(), command.getErrorCodeName(), command.getErrorMessage(),
                    command.getErrorLabels());
        }
        if (t instanceof MongoSocketException || t instanceof MongoTimeoutException
                || t instanceof MongoConnectionPoolClearedException) {
            return ErrorClassification.of(ErrorKind.TRANSIENT, ErrorClassification.NO_CODE, describe(t));
        }
        if (t instanceof MongoExecutionTimeoutException timeout) {
            return ErrorClassification.of(ErrorKind.TRANSIENT, timeout.getCode(), describe(t));
        }
        if (t instanceof BsonMaximumSizeExceededException) {
            return ErrorClassification.of(ErrorKind.TOO_LARGE, ErrorClassification.NO_CODE, describe(t));
        }
        if (t instanceof MongoException mongo) {
            if (mongo.getCode() > 0 || !mongo.getErrorLabels().isEmpty()) {
                return classifyServerError(mongo.getCode(), null, mongo.getMessage(), mongo.getErrorLabels());
            }
            // a client-side MongoException often wraps the real reason (an IOException, a size check)
            return t.getCause() == null ? ErrorClassification.of(ErrorKind.PERMANENT, mongo.getCode(), describe(t)) : null;
        }
        if (t instanceof SocketException || t instanceof SocketTimeoutException || t instanceof ConnectException
                || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                || t instanceof ClosedChannelException || t instanceof InterruptedByTimeoutException
                || t instanceof EOFException || t instanceof TimeoutException) {
            return ErrorClassification.of(ErrorKind.TRANSIENT, ErrorClassification.NO_CODE, describe(t));
        }
        return null;
    }

    private static ErrorClassification classifyServerError(int code, String codeName, String message, Set<String> labels) {
        String text = message == null ? "" : message;
        if (code == TOO_MANY_REQUESTS || "TooManyRequests".equals(codeName) || THROTTLED_MESSAGE.matcher(text).find()) {
            return new ErrorClassification(ErrorKind.THROTTLED, parseRetryAfter(text), code, mask(text));
        }
        if (labels.contains(RETRYABLE_WRITE_ERROR) || labels.contains(TRANSIENT_TRANSACTION_ERROR)
                || labels.contains(RESUMABLE_CHANGE_STREAM_ERROR)) {
            return ErrorClassification.of(ErrorKind.TRANSIENT, code, mask(text));
        }
        if (DUPLICATE_KEY_CODES.contains(code)) {
            return ErrorClassification.of(ErrorKind.DUPLICATE_KEY, code, mask(text));
        }
        if (TOO_LARGE_CODES.contains(code) || "BSONObjectTooLarge".equals(codeName)
                || (TOO_LARGE_WITH_MESSAGE_CODES.contains(code) || code <= 0) && TOO_LARGE_MESSAGE.matcher(text).find()) {
            return ErrorClassification.of(ErrorKind.TOO_LARGE, code, mask(text));
        }
        if (TRANSIENT_CODES.contains(code)) {
            return ErrorClassification.of(ErrorKind.TRANSIENT, code, mask(text));
        }
        return ErrorClassification.of(ErrorKind.PERMANENT, code, mask(text));
    }

    private static ErrorClassification classifyBulk(MongoBulkWriteException bulk) {
        ErrorClassification worst = null;
        for (BulkWriteError error : bulk.getWriteErrors()) {
            worst = worse(worst, classify(error));
        }
        WriteConcernError concern = bulk.getWriteConcernError();
        if (concern != null) {
            worst = worse(worst, classifyServerError(concern.getCode(), concern.getCodeName(), concern.getMessage(), Set.of()));
        }
        Set<String> labels = bulk.getErrorLabels();
        if (labels.contains(RETRYABLE_WRITE_ERROR) || labels.contains(TRANSIENT_TRANSACTION_ERROR)) {
            worst = worse(worst, ErrorClassification.of(ErrorKind.TRANSIENT, bulk.getCode(), "labelled " + labels));
        }
        if (worst == null) {
            return ErrorClassification.of(ErrorKind.PERMANENT, bulk.getCode(), describe(bulk));
        }
        int failed = bulk.getWriteErrors().size();
        String summary = failed > 1 ? " (and " + (failed - 1) + " more document errors)" : "";
        return new ErrorClassification(worst.kind(), worst.retryAfter(), worst.code(), worst.message() + summary);
    }

    /** THROTTLED > TRANSIENT > PERMANENT > TOO_LARGE > DUPLICATE_KEY; among THROTTLED the longest RetryAfterMs. */
    private static ErrorClassification worse(ErrorClassification a, ErrorClassification b) {
        if (a == null) {
            return b;
        }
        int ra = rank(a.kind());
        int rb = rank(b.kind());
        if (ra != rb) {
            return rb > ra ? b : a;
        }
        if (a.kind() == ErrorKind.THROTTLED) {
            long ma = a.retryAfter().map(Duration::toMillis).orElse(-1L);
            long mb = b.retryAfter().map(Duration::toMillis).orElse(-1L);
            return mb > ma ? b : a;
        }
        return a;
    }

    private static int rank(ErrorKind kind) {
        return switch (kind) {
            case DUPLICATE_KEY -> 0;
            case TOO_LARGE -> 1;
            case PERMANENT -> 2;
            case TRANSIENT -> 3;
            case THROTTLED -> 4;
        };
    }

    private static String describe(Throwable t) {
        String message = t.getMessage();
        String text = message == null || message.isBlank() ? t.getClass().getSimpleName()
                : t.getClass().getSimpleName() + ": " + message;
        return mask(text);
    }

    private static String mask(String text) {
        return MongoUri.maskSecrets(text);
    }
}
