package io.dataworks.generators.sink;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.error.ErrorClassification;
import io.dataworks.core.error.ErrorClassifier;
import io.dataworks.core.error.ErrorKind;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.core.retry.RetryListener;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.generators.GenerationContext;
import io.dataworks.generators.internal.DocumentRandom;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Mono;

/**
 * A MongoDB collection, written with unordered {@code insertMany}, one call per batch.
 *
 * <p>Nothing is lost and nothing is written twice, through throttling and dropped connections:
 * <ul>
 *   <li>every document carries an {@code _id} before it is sent (documents without one get an ObjectId
 *       derived from the run's seed and the document's index, so a rerun with the same seed finds them);</li>
 *   <li>a failed call is retried with the {@link RetryPolicy} when its error is throttling or transient;</li>
 *   <li>when the server answers with per-document errors ({@link MongoBulkWriteException}), only the
 *       documents whose error is retryable are sent again; a duplicate-key error means the document is
 *       already there: written by an earlier attempt of the same batch whose answer was lost, or, on a
 *       first attempt, by an earlier run (counted as skipped);</li>
 *   <li>any other per-document error fails the run with the first error's code and message.</li>
 * </ul>
 */
public final class MongoCollectionSink implements DocumentSink<RawBsonDocument> {

    private static final Logger LOG = LoggerFactory.getLogger(MongoCollectionSink.class);
    private static final InsertManyOptions UNORDERED = new InsertManyOptions().ordered(false);
    private static final ThreadLocal<BsonEncoder> ENCODERS = ThreadLocal.withInitial(BsonEncoder::new);

    private final MongoCollection<RawBsonDocument> collection;
    private final String description;
    private final boolean drop;
    private final RetryPolicy retry;
    private final long maxDocumentBytes;
    private final Mono<Void> prepare;
    private volatile int idTimestamp;

    private MongoCollectionSink(MongoCollection<RawBsonDocument> collection, String description, boolean drop,
                                RetryPolicy retry, long maxDocumentBytes, Mono<Void> prepare) {
        this.collection = Objects.requireNonNull(collection, "collection");
        this.description = Objects.requireNonNull(description, "description");
        this.drop = drop;
        this.retry = Objects.requireNonNull(retry, "retry");
        if (maxDocumentBytes < 1) {
            throw new IllegalArgumentException("maxDocumentBytes must be >= 1, was " + maxDocumentBytes);
        }
        this.maxDocumentBytes = maxDocumentBytes;
        this.prepare = prepare;
    }

    /**
     * The collection {@code collectionName} of the endpoint's database; the endpoint stays the caller's
     * to close. {@code drop} drops the collection before the first batch.
     */
    public static MongoCollectionSink create(MongoEndpoint endpoint, String collectionName, boolean drop, RetryPolicy retry) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(collectionName, "collectionName");
        String description = endpoint.config().uri().masked() + " " + endpoint.database().getName() + "." + collectionName;
        return new MongoCollectionSink(endpoint.collection(collectionName), description, drop, retry,
                endpoint.maxDocumentBytes(), endpoint.ping().then(endpoint.warmUp()));
    }

    /** A collection the caller set up (tests, embedding); {@code description} must not hold a password. */
    public static MongoCollectionSink create(MongoCollection<RawBsonDocument> collection, String description, boolean drop,
                                             RetryPolicy retry) {
        return new MongoCollectionSink(collection, description, drop, retry, 16L * 1024 * 1024, Mono.empty());
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean ordered() {
        return false;
    }

    @Override
    public Mono<Void> open(GenerationContext context) {
        return Mono.defer(() -> {
            idTimestamp = (int) (DocumentRandom.mix64(context.seed()) >>> 33);
            Mono<Void> dropped = drop
                    ? Mono.from(collection.drop()).doOnSuccess(v -> LOG.info("dropped {}", description))
                    : Mono.empty();
            return prepare.then(dropped);
        });
    }

    @Override
    public RawBsonDocument encode(long index, Document document) {
        if (!document.containsKey("_id")) {
            document.put("_id", deterministicId(index));
        }
        RawBsonDocument raw = ENCODERS.get().encode(document);
        long size = raw.getByteLength();
        if (size > maxDocumentBytes) {
            throw new DataWorksException(ExitCode.FAILED, "document " + index + " is " + size
                    + " bytes, more than the " + maxDocumentBytes + " bytes " + description + " accepts");
        }
        return raw;
    }

    /** Timestamp from the seed, then the index: unique within a run, the same in a rerun, ascending. */
    private ObjectId deterministicId(long index) {
        ByteBuffer bytes = ByteBuffer.allocate(12).putInt(idTimestamp).putLong(index);
        return new ObjectId(bytes.array());
    }

    @Override
    public long encodedSize(RawBsonDocument encoded) {
        return encoded.getByteLength();
    }

    @Override
    public Mono<BatchResult> write(List<RawBsonDocument> batch, MetricsCollector metrics) {
        RetryPolicy policy = retry.withListener(listener(metrics));
        return Mono.defer(() -> {
            BatchWrite write = new BatchWrite(batch);
            return Mono.defer(write::attempt)
                    .retryWhen(policy.toRetry())
                    .then(Mono.fromCallable(write::result));
        });
    }

    private static RetryListener listener(MetricsCollector metrics) {
        return (kind, attempt, delay) -> {
            metrics.retry(kind.name().toLowerCase(Locale.ROOT));
            if (kind == ErrorKind.THROTTLED) {
                metrics.throttled();
            }
        };
    }

    @Override
    public Mono<Void> close(boolean failed) {
        return Mono.empty();
    }

    /**
     * The attempts at writing one batch. Attempts run one after the other (retryWhen resubscribes after
     * the previous attempt ended), so the fields need no synchronisation beyond the happens-before the
     * reactive chain gives.
     */
    private final class BatchWrite {
        private List<RawBsonDocument> pending;
        private int attempts;
        /** An earlier attempt ended without an answer: some pending documents may be in the collection already. */
        private boolean mayHaveWritten;
        private long written;
        private long skipped;
        private long bytes;

        BatchWrite(List<RawBsonDocument> batch) {
            this.pending = batch;
        }

        Mono<Void> attempt() {
            List<RawBsonDocument> documents = pending;
            attempts++;
            return Mono.from(collection.insertMany(documents, UNORDERED))
                    .doOnNext(ignored -> {
                        for (RawBsonDocument document : documents) {
                            written(document);
                        }
                        pending = List.of();
                    })
                    .then()
                    .onErrorResume(MongoBulkWriteException.class, e -> sortOut(documents, e))
                    .doOnError(e -> {
                        if (!(e instanceof RetryableWriteErrors) && ErrorClassifier.classify(e).kind() != ErrorKind.THROTTLED) {
                            mayHaveWritten = true;
                        }
                    });
        }

        /** Per-document errors: count what is in, keep the retryable ones for the next attempt, fail on the rest. */
        private Mono<Void> sortOut(List<RawBsonDocument> documents, MongoBulkWriteException e) {
            boolean[] failed = new boolean[documents.size()];
            List<RawBsonDocument> retryable = new ArrayList<>();
            ErrorClassification firstRetryable = null;
            BulkWriteError firstPermanent = null;
            int permanent = 0;
            for (BulkWriteError error : e.getWriteErrors()) {
                int i = error.getIndex();
                failed[i] = true;
                ErrorClassification kind = ErrorClassifier.classify(error);
                switch (kind.kind()) {
                    case DUPLICATE_KEY -> {
                        if (mayHaveWritten) {
                            written(documents.get(i));
                        } else {
                            skipped++;
                        }
                    }
                    case THROTTLED, TRANSIENT -> { // not written: send again
                        retryable.add(documents.get(i));
                        if (firstRetryable == null) {
                            firstRetryable = kind;
                        }
                    }
                    default -> {
                        permanent++;
                        if (firstPermanent == null) {
                            firstPermanent = error;
                        }
                    }
                }
            }
            boolean concernFailed = e.getWriteConcernError() != null;
            for (int i = 0; i < failed.length; i++) {
                if (!failed[i]) {
                    if (concernFailed) {
                        retryable.add(documents.get(i)); // in, but not as durable as asked: send again, duplicates count as written
                    } else {
                        written(documents.get(i));
                    }
                }
            }
            if (concernFailed) {
                mayHaveWritten = true;
                if (firstRetryable == null) {
                    firstRetryable = new ErrorClassification(ErrorKind.TRANSIENT, java.util.Optional.empty(),
                            e.getWriteConcernError().getCode(), e.getWriteConcernError().getMessage());
                }
            }
            if (permanent > 0) {
                return Mono.error(new DataWorksException(ExitCode.FAILED, permanent + " of " + documents.size()
                        + " documents were rejected by " + description + ", first: error " + firstPermanent.getCode()
                        + " " + firstPermanent.getMessage()));
            }
            pending = retryable;
            if (retryable.isEmpty()) {
                return Mono.empty();
            }
            return Mono.error(new RetryableWriteErrors(firstRetryable, retryable.size(), documents.size()));
        }

        private void written(RawBsonDocument document) {
            written++;
            bytes += document.getByteLength();
        }

        BatchResult result() {
            if (skipped > 0) {
                LOG.debug("{} documents were already in {} before this run", skipped, description);
            }
            return new BatchResult(written, skipped, bytes);
        }
    }

    /**
     * Some documents of a batch failed with a retryable error. It carries the first such error's code and
     * message (with {@code RetryAfterMs} for throttling) so the retry policy classifies and paces it like
     * the server's own error.
     */
    static final class RetryableWriteErrors extends MongoException {
        private static final long serialVersionUID = 1L;

        RetryableWriteErrors(ErrorClassification first, int retryable, int total) {
            super(first.code(), first.message() + " (" + retryable + " of " + total + " documents to retry)");
            addLabel(ErrorClassifier.RETRYABLE_WRITE_ERROR); // retryable even when the server gave no code
        }
    }
}
