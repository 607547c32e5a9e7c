package io.dataworks.migrations.internal;

import java.util.ArrayList;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonNull;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;

import io.dataworks.core.error.ErrorClassification;
import io.dataworks.core.error.ErrorClassifier;
import io.dataworks.core.error.ErrorKind;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.WriteMode;
import io.dataworks.migrations.checkpoint.DeadLetters;
import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.endpoint.PartlyWritten;
import io.dataworks.migrations.endpoint.Requests;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Writes one batch as one unordered bulk write, paced by the target's {@code Pacing} (a slot in flight and the
 * learned rate; the answer teaches the pacer). Per-document errors are sorted out: duplicate keys in insert mode count
 * as already copied; retryable ones (throttled, transient) are retried alone, never the documents already written,
 * through the target's requests (throttled: after the server's {@code RetryAfterMs} plus a little jitter; transient:
 * back-off; and a timeout that abandons a write the server never answers), each retry paced again; the others go to
 * the dead-letter file and the error budget. The returned Mono completes when every document of the batch is
 * accounted for, which is when the batch may be acknowledged.
 */
final class BatchWriter {

    private static final InsertManyOptions INSERT = new InsertManyOptions().ordered(false);
    private static final BulkWriteOptions BULK = new BulkWriteOptions().ordered(false);
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final MigrationSettings settings;
    /** The target's requests: retry (throttled: RetryAfterMs; transient: back-off) and the request timeout. */
    private final Requests requests;
    private final DeadLetters deadLetter;
    private final ErrorBudget budget;
    private final MetricsCollector metrics;
    private final DocumentStage stage;

    BatchWriter(MigrationSettings settings, Requests requests, DeadLetters deadLetter,
                ErrorBudget budget, DocumentStage stage) {
        this.settings = settings;
        this.requests = requests;
        this.deadLetter = deadLetter;
        this.budget = budget;
        this.metrics = settings.metrics();
        this.stage = stage;
    }

    /** Mutable per-batch state across retries: the documents still to be written. */
    private static final class Pending {
        List<RawBsonDocument> documents;
        String firstFailure;
        int refused;

        Pending(List<RawBsonDocument> documents) {
            this.documents = documents;
        }
    }

    /** Writes the batch; emits how many of its documents the target now holds (all but the refused ones). */
    Mono<Long> write(Batch batch) {
        return Mono.defer(() -> {
            // the document stage's size check: a transformed batch was checked when it was cut, raw documents here, one
            // by one only when the batch as a whole is larger than the target's largest document (else none of them is)
            Pending pending;
            List<DocumentStage.Refused> refused = new ArrayList<>(batch.refused());
            if (batch.bytes() <= stage.targetMaxDocumentBytes()) {
                pending = new Pending(batch.documents());
            } else {
                pending = new Pending(new ArrayList<>(batch.documents().size()));
                for (RawBsonDocument doc : batch.documents()) {
                    if (stage.tooLarge(doc)) {
                        refused.add(stage.tooLarge(doc.get("_id"), doc));
                    } else {
                        pending.documents.add(doc);
                    }
                }
            }
            // dead letters are file I/O: never on the driver's threads
            Mono<Void> refuseOversized = refused.isEmpty() ? Mono.empty() : Mono.fromRunnable(() -> refused.forEach(r ->
                    fail(batch, pending, r.document(), r.code(), r.reason())))
                    .subscribeOn(Schedulers.boundedElastic()).then();
            // a paced target may want fewer documents per request than the batch holds (a Cosmos DB budget): split
            List<Pending> parts = split(pending.documents, requests.documentsPerRequest());
            // what the target now holds for this batch: its documents, less those refused here or by the server
            Mono<Long> held = Mono.fromCallable(() -> {
                checkBudget(pending);
                long refusedByServer = 0;
                for (Pending part : parts) {
                    checkBudget(part);
                    refusedByServer += part.refused;
                }
                return (long) batch.documents().size() + batch.refused().size() - pending.refused - refusedByServer;
            });
            if (parts.isEmpty()) {
                return refuseOversized.then(held);
            }
            // Each attempt takes a slot and its documents' share of the rate again, and sends only what is still
            // pending. The slot is given back while a retry waits out RetryAfterMs: the throttle told the pacer, which
            // holds every writer back until then, so the next writes are not refused too.
            Mono<Void> sends = parts.size() == 1 ? sendPaced(batch, parts.get(0))
                    : Flux.fromIterable(parts).flatMap(part -> sendPaced(batch, part), parts.size()).then();
            return refuseOversized.then(sends).then(held);
        });
    }

    private Mono<Void> sendPaced(Batch batch, Pending part) {
        return requests.paced(() -> part.documents.size(), Mono.defer(() -> send(batch, part)));
    }

    private static List<Pending> split(List<RawBsonDocument> documents, long perRequest) {
        if (documents.isEmpty()) {
            return List.of();
        }
        if (documents.size() <= perRequest) {
            return List.of(new Pending(documents));
        }
        int size = (int) Math.max(1, perRequest);
        List<Pending> parts = new ArrayList<>((documents.size() + size - 1) / size);
        for (int from = 0; from < documents.size(); from += size) {
            parts.add(new Pending(new ArrayList<>(documents.subList(from, Math.min(documents.size(), from + size)))));
        }
        return parts;
    }

    private void checkBudget(Pending pending) {
        if (pending.firstFailure != null) {
            budget.check(pending.firstFailure);
        }
    }

    private Mono<Void> send(Batch batch, Pending pending) {
        List<RawBsonDocument> documents = pending.documents;
        long start = System.nanoTime();
        Mono<?> request = settings.writeMode() == WriteMode.INSERT ? insert(batch, documents)
                : Mono.from(batch.namespace().target.bulkWrite(replacements(documents), BULK));
        return request
                .then(Mono.fromRunnable(() -> {
                    metrics.batchWritten(System.nanoTime() - start);
                    written(batch, documents, documents.size());
                    pending.documents = List.of();
                }))
                .onErrorResume(error -> {
                    if (error instanceof MongoBulkWriteException bulk) {
                        metrics.batchWritten(System.nanoTime() - start);
                        // refused documents go to the dead-letter file: file I/O, off the driver's threads
                        return Mono.defer(() -> partialFailure(batch, pending, bulk)).subscribeOn(Schedulers.boundedElastic());
                    }
                    if (ErrorClassifier.classify(error).kind() == ErrorKind.THROTTLED) {
                        metrics.throttled(); // one request, refused whole
                        metrics.throttledDocuments(documents.size());
                    }
                    return Mono.error(error);
                })
                .then();
    }

    /**
     * One insert command with the documents' bytes as they are ({@link RawInsert}); a batch too large for one command's
     * body goes through {@code insertMany}, which sends the documents as a sequence of their own.
     */
    private Mono<?> insert(Batch batch, List<RawBsonDocument> documents) {
        long bytes = documents == batch.documents() ? batch.bytes() : sum(documents);
        if (!RawInsert.fits(bytes, documents.size(), stage.targetMaxDocumentBytes())) {
            return Mono.from(batch.namespace().target.insertMany(documents, INSERT));
        }
        return RawInsert.insert(settings.target(), batch.namespace().target, documents);
    }

    /** Sorts out the per-document errors of one bulk write; errors with a retryable exception when some documents are to be retried. */
    private Mono<Void> partialFailure(Batch batch, Pending pending, MongoBulkWriteException bulk) {
        List<RawBsonDocument> documents = pending.documents;
        List<RawBsonDocument> again = new ArrayList<>();
        BulkWriteError firstRetryable = null;
        long skipped = 0;
        long throttled = 0;
        for (BulkWriteError error : bulk.getWriteErrors()) {
            RawBsonDocument doc = documents.get(error.getIndex());
            ErrorClassification classification = ErrorClassifier.classify(error);
            switch (classification.kind()) {
                case DUPLICATE_KEY -> {
                    if (settings.writeMode() == WriteMode.INSERT && isIdDuplicate(error.getMessage())) {
                        skipped++;
                    } else {
                        fail(batch, pending, doc, error.getCode(), error.getMessage());
                    }
                }
                case THROTTLED, TRANSIENT -> {
                    if (classification.kind() == ErrorKind.THROTTLED) {
                        throttled++;
                    }
                    again.add(doc);
                    if (firstRetryable == null) {
                        firstRetryable = error;
                    }
                }
                default -> fail(batch, pending, doc, error.getCode(), error.getMessage());
            }
        }
        if (throttled > 0) {
            // a request the server took in part: one throttled request, and the documents it refused
            metrics.throttled();
            metrics.throttledDocuments(throttled);
        }
        int succeeded = documents.size() - bulk.getWriteErrors().size();
        written(batch, documents, succeeded);
        if (skipped > 0) {
            batch.namespace().metrics.documentsSkipped(skipped);
        }
        if (bulk.getWriteErrors().isEmpty() && bulk.getWriteConcernError() != null) {
            // Written but not acknowledged as asked: write the whole batch again, idempotently.
            return Mono.error(new MongoException(bulk.getWriteConcernError().getCode(), bulk.getWriteConcernError().getMessage()));
        }
        pending.documents = again;
        if (firstRetryable != null) {
            // retried as its first retryable error says; the target's pacing learns it was taken in part, not whole
            return Mono.error(new PartlyWritten(firstRetryable.getCode(), firstRetryable.getMessage(), throttled));
        }
        return Mono.empty();
    }

    /**
     * Whether a duplicate-key error is about {@code _id} (the document is already there: a rerun) rather
     * than another unique index (a different document holds the value: a real conflict). Servers that do
     * not name the index (Cosmos DB) are taken to mean {@code _id}.
     */
    static boolean isIdDuplicate(String message) {
        if (message == null) {
            return true;
        }
        int index = message.indexOf("index: ");
        return index < 0 || message.startsWith("_id_", index + "index: ".length());
    }

    private void written(Batch batch, List<RawBsonDocument> documents, long count) {
        if (count <= 0) {
            return;
        }
        // the batch's bytes are known when this is the whole batch, written whole (no document refused, none split off)
        long all = documents == batch.documents() ? batch.bytes() : sum(documents);
        long bytes = count == documents.size() ? all : count * (all / Math.max(1, documents.size()));
        batch.namespace().metrics.documentsWritten(count, bytes);
    }

    private static long sum(List<RawBsonDocument> documents) {
        long bytes = 0;
        for (RawBsonDocument doc : documents) {
            bytes += DocumentStage.size(doc);
        }
        return bytes;
    }

    private void fail(Batch batch, Pending pending, RawBsonDocument doc, int code, String reason) {
        deadLetter.write(batch.namespace().mapping, doc, code, reason);
        pending.refused++;
        batch.namespace().metrics.documentsFailed(1);
        budget.record(1);
        if (pending.firstFailure == null) {
            BsonValue id = doc.get("_id");
            pending.firstFailure = batch.namespace().mapping.source() + " _id " + (id == null ? "?" : Json.of(id)) + ": " + reason;
        }
    }

    private List<WriteModel<RawBsonDocument>> replacements(List<RawBsonDocument> documents) {
        List<WriteModel<RawBsonDocument>> models = new ArrayList<>(documents.size());
        for (RawBsonDocument doc : documents) {
            models.add(new ReplaceOneModel<>(filterFor(doc), doc, UPSERT));
        }
        return models;
    }

    private BsonDocument filterFor(RawBsonDocument doc) {
        if (settings.matchFields().isEmpty()) {
            return new BsonDocument("_id", doc.get("_id"));
        }
        BsonDocument filter = new BsonDocument();
        for (String field : settings.matchFields()) {
            filter.put(field, valueAt(doc, field));
        }
        return filter;
    }

    /** The value at a dotted path, or null (which matches a missing field too). */
    private static BsonValue valueAt(BsonDocument doc, String path) {
        BsonValue current = doc;
        for (String part : path.split("\\.")) {
            if (!(current instanceof BsonDocument d) || !d.containsKey(part)) {
                return BsonNull.VALUE;
            }
            current = d.get(part);
        }
        return current;
    }
}
