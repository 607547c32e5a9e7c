package io.dataworks.core.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import reactor.core.Exceptions;

/**
 * Error shapes the embedded server cannot produce (elections, labels, Cosmos DB messages), built the way the
 * driver builds them from a server reply. Errors from a real server over TCP: {@link ErrorClassificationIT}.
 */
class ErrorClassifierTest {

    private static final ServerAddress SERVER = new ServerAddress("127.0.0.1", 27017);

    static MongoCommandException command(int code, String codeName, String message, String... labels) {
        BsonDocument reply = new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("codeName", new BsonString(codeName)).append("errmsg", new BsonString(message));
        if (labels.length > 0) {
            BsonArray array = new BsonArray();
            for (String label : labels) {
                array.add(new BsonString(label));
            }
            reply.append("errorLabels", array);
        }
        return new MongoCommandException(reply, SERVER);
    }

    static final String COSMOS_429 = "Error=16500, RetryAfterMs=12, Details='Response status code does not indicate success: "
            + "TooManyRequests (429); Substatus: 3200; ActivityId: 1; Reason: (Message: {\"Errors\":[\"Request rate is large. "
            + "More Request Units may be needed, so no changes were made. Please retry this request later.\"]}'";

    @Test
    void cosmosThrottlingIsThrottledWithRetryAfter() {
        ErrorClassification c = ErrorClassifier.classify(command(16500, "TooManyRequests", COSMOS_429));
        assertThat(c.kind()).isEqualTo(ErrorKind.THROTTLED);
        assertThat(c.retryAfter()).contains(Duration.ofMillis(12));
        assertThat(c.code()).isEqualTo(16500);
        assertThat(c.describe()).startsWith("THROTTLED (code 16500, retry after 12 ms): Error=16500");
    }

    @Test
    void throttlingRecognisedByMessageOrCodeNameAlone() {
        assertThat(ErrorClassifier.classify(command(2, "BadValue", "Request rate is large")).kind()).isEqualTo(ErrorKind.THROTTLED);
        assertThat(ErrorClassifier.classify(command(1, "X", "TooManyRequests")).kind()).isEqualTo(ErrorKind.THROTTLED);
        assertThat(ErrorClassifier.classify(command(999, "TooManyRequests", "slow down")).kind()).isEqualTo(ErrorKind.THROTTLED);
        ErrorClassification noHint = ErrorClassifier.classify(command(16500, "TooManyRequests", "Request rate is large"));
        assertThat(noHint.retryAfter()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {6, 7, 50, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436})
    void electionNetworkAndTimeLimitCodesAreTransient(int code) {
        assertThat(ErrorClassifier.classify(command(code, "Some", "failed")).kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"RetryableWriteError", "TransientTransactionError", "ResumableChangeStreamError"})
    void retryableLabelsAreTransient(String label) {
        assertThat(ErrorClassifier.classify(command(123, "Whatever", "failed", label)).kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void notPrimaryAndRecoveringAreTransient() {
        BsonDocument reply = new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(10107))
                .append("errmsg", new BsonString("not primary"));
        assertThat(ErrorClassifier.classify(new MongoNotPrimaryException(reply, SERVER)).kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new MongoNodeIsRecoveringException(reply.clone().append("code", new BsonInt32(91)), SERVER))
                .kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void networkAndTimeoutFailuresAreTransient() {
        assertThat(ErrorClassifier.classify(new MongoSocketReadException("Prematurely reached end of stream", SERVER)).kind())
                .isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new MongoSocketOpenException("refused", SERVER, new IOException("x"))).kind())
                .isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new MongoTimeoutException("Timed out while waiting for a server")).kind())
                .isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new SocketTimeoutException("read timed out")).kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new TimeoutException("Did not observe any item")).kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @ParameterizedTest
    @ValueSource(ints = {11000, 11001, 12582})
    void duplicateKeyCodes(int code) {
        assertThat(ErrorClassifier.classifyWriteError(code, "E11000 duplicate key error").kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
        assertThat(ErrorClassifier.classify(new MongoWriteException(new WriteError(code, "dup", new BsonDocument()), SERVER, java.util.Set.of()))
                .kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
    }

    @Test
    void sizeLimitErrorsAreTooLarge() {
        assertThat(ErrorClassifier.classifyWriteError(10334, "BSONObjectTooLarge").kind()).isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(ErrorClassifier.classifyWriteError(17419, "Resulting document after update is larger than 16777216").kind())
                .isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(ErrorClassifier.classifyWriteError(17420, "Document to upsert is larger than 16777216").kind())
                .isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(ErrorClassifier.classify(command(16, "RequestEntityTooLarge",
                "Error=16, Details='Response status code does not indicate success: RequestEntityTooLarge (413); "
                        + "Reason: (Message: Request size is too large')")).kind()).isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(ErrorClassifier.classifyWriteError(2, "object to insert too large. size in bytes: 2097500, max size: 2097152")
                .kind()).isEqualTo(ErrorKind.TOO_LARGE);
        // code 2 alone is a plain bad value
        assertThat(ErrorClassifier.classifyWriteError(2, "unknown operator: $foo").kind()).isEqualTo(ErrorKind.PERMANENT);
    }

    @Test
    void everythingElseIsPermanent() {
        assertThat(ErrorClassifier.classify(command(13, "Unauthorized", "not authorized on db")).kind()).isEqualTo(ErrorKind.PERMANENT);
        assertThat(ErrorClassifier.classify(new IllegalStateException("bug")).kind()).isEqualTo(ErrorKind.PERMANENT);
        assertThat(ErrorClassifier.classify(new IllegalStateException("bug")).code()).isEqualTo(ErrorClassification.NO_CODE);
        assertThat(ErrorClassifier.classify((Throwable) null).kind()).isEqualTo(ErrorKind.PERMANENT);
    }

    @Test
    void wrappedFailuresAreUnwrapped() {
        MongoCommandException throttled = command(16500, "TooManyRequests", COSMOS_429);
        assertThat(ErrorClassifier.classify(new CompletionException(throttled)).kind()).isEqualTo(ErrorKind.THROTTLED);
        assertThat(ErrorClassifier.classify(new DataWorksException(ExitCode.FAILED, "writing batch 3", throttled)).kind())
                .isEqualTo(ErrorKind.THROTTLED);
        assertThat(ErrorClassifier.classify(Exceptions.propagate(new IOException("Connection reset by peer",
                new java.net.SocketException("Connection reset")))).kind()).isEqualTo(ErrorKind.TRANSIENT);
        assertThat(ErrorClassifier.classify(new MongoException("client side", new java.net.SocketException("reset"))).kind())
                .isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void exhaustedRetriesArePermanentSoNobodyRetriesThemAgain() {
        MongoCommandException throttled = command(16500, "TooManyRequests", COSMOS_429);
        RetriesExhaustedException exhausted = new RetriesExhaustedException(4, "maxAttempts 3",
                ErrorClassifier.classify(throttled), throttled);
        assertThat(exhausted.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(exhausted).hasMessageStartingWith("gave up after 4 attempts (maxAttempts 3 reached): THROTTLED");
        ErrorClassification c = ErrorClassifier.classify(exhausted);
        assertThat(c.kind()).isEqualTo(ErrorKind.PERMANENT);
        assertThat(c.code()).isEqualTo(16500);
    }

    @Test
    void bulkWriteErrorsAreClassifiedPerDocumentAndAsAWhole() {
        BulkWriteError dup = new BulkWriteError(11000, "E11000 duplicate key error", new BsonDocument(), 0);
        BulkWriteError throttled = new BulkWriteError(16500, "Error=16500, RetryAfterMs=40, Details='TooManyRequests'",
                new BsonDocument(), 1);
        BulkWriteError throttledLonger = new BulkWriteError(16500, "Error=16500, RetryAfterMs=90, Details='TooManyRequests'",
                new BsonDocument(), 2);
        BulkWriteError bad = new BulkWriteError(121, "Document failed validation", new BsonDocument(), 3);
        BulkWriteError large = new BulkWriteError(10334, "BSONObjectTooLarge", new BsonDocument(), 4);

        assertThat(ErrorClassifier.classify(dup).kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
        assertThat(ErrorClassifier.classify(throttled).retryAfter()).contains(Duration.ofMillis(40));

        assertThat(ErrorClassifier.classify(bulk(dup, dup)).kind()).isEqualTo(ErrorKind.DUPLICATE_KEY);
        assertThat(ErrorClassifier.classify(bulk(dup, large)).kind()).isEqualTo(ErrorKind.TOO_LARGE);
        assertThat(ErrorClassifier.classify(bulk(dup, large, bad)).kind()).isEqualTo(ErrorKind.PERMANENT);
        ErrorClassification mixed = ErrorClassifier.classify(bulk(dup, throttled, throttledLonger, bad));
        assertThat(mixed.kind()).isEqualTo(ErrorKind.THROTTLED);
        assertThat(mixed.retryAfter()).contains(Duration.ofMillis(90));
        assertThat(mixed.message()).contains("and 3 more document errors");

        MongoBulkWriteException concern = new MongoBulkWriteException(BulkWriteResult.unacknowledged(), List.of(),
                new WriteConcernError(91, "ShutdownInProgress", "shutting down", new BsonDocument()), SERVER, java.util.Set.of());
        assertThat(ErrorClassifier.classify(concern).kind()).isEqualTo(ErrorKind.TRANSIENT);
    }

    @Test
    void passwordsInMessagesAreMasked() {
        ErrorClassification c = ErrorClassifier.classify(new IllegalArgumentException("cannot use mongodb://bob:s3cret@host:27017/db"));
        assertThat(c.message()).doesNotContain("s3cret").contains("mongodb://bob:****@host");
    }

    @Test
    void retryAfterParsing() {
        assertThat(ErrorClassifier.parseRetryAfter("x RetryAfterMs=250, y")).contains(Duration.ofMillis(250));
        assertThat(ErrorClassifier.parseRetryAfter("no hint")).isEmpty();
        assertThat(ErrorClassifier.parseRetryAfter(null)).isEmpty();
        assertThat(ErrorClassifier.parseRetryAfter("RetryAfterMs=99999999999999999999999")).isEmpty();
    }

    private static MongoBulkWriteException bulk(BulkWriteError... errors) {
        return new MongoBulkWriteException(BulkWriteResult.unacknowledged(), List.of(errors), null, SERVER, java.util.Set.of());
    }
}
