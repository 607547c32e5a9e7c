package io.dataworks.migrations.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;

import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.checkpoint.PartitionProgress;
import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.endpoint.Pacing;
import io.dataworks.migrations.endpoint.Requests;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Reads one partition in {@code _id} order, from just after its checkpointed {@code _id}, and cuts it
 * into batches. A retryable read failure (dropped connection, throttling) reopens the cursor after the
 * last {@code _id} already read, so nothing is read twice or skipped. Documents stay raw BSON unless the
 * strategy transforms them.
 */
public final class PartitionReader {

    private static final BsonDocument BY_ID = new BsonDocument("_id", new BsonInt32(1));
    private static final BsonDocumentCodec DOCUMENT_CODEC = new BsonDocumentCodec();

    private final MigrationSettings settings;
    /** The source's requests: a retried cursor reopens after the last document it delivered. */
    private final Requests requests;
    private final DocumentStage stage;
    /** The source's pacing: each batch read takes its documents' share of the learned read rate. */
    private final Pacing pacing;

    PartitionReader(MigrationSettings settings, Requests requests, Pacing pacing, DocumentStage stage) {
        this.settings = settings;
        this.requests = requests;
        this.pacing = pacing;
        this.stage = stage;
    }

    /** The documents of {@code partition} after {@code after} (exclusive; {@code null} = from its start), in {@code _id} order. */
    public static FindPublisher<RawBsonDocument> find(MongoCollection<RawBsonDocument> collection, NamespacePlan plan, Partition partition,
                                                      BsonValue after, BsonDocument projection, int batchSize) {
        FindPublisher<RawBsonDocument> find = collection.find(plan.readFilter(partition, after)).sort(BY_ID).batchSize(batchSize);
        return projection == null ? find : find.projection(projection);
    }

    private static Duration since(AtomicLong nanos) {
        return Duration.ofNanos(Math.max(0, System.nanoTime() - nanos.get()));
    }

    Flux<Batch> read(NamespaceRun run, PartitionProgress progress) {
        Namespace sourceNs = run.mapping.source();
        MigrationStrategy strategy = settings.strategy();
        BsonDocument projection = strategy.sourceProjection(sourceNs);
        // A batch's read is taken to have been asked for when the pacer let the previous one through (the cursor reads
        // only as far as the demand): its age tells the pacer whether it was asked for before or after a cut
        AtomicLong released = new AtomicLong(System.nanoTime());
        int prefetch = Math.max(settings.batchSize(), settings.sourceBatchSize());
        AtomicLong sequence = new AtomicLong();
        Flux<Batch> batches;
        if (!strategy.transformsDocuments()) {
            // raw documents go on as the server's batches came: one signal per cursor batch, not per document
            batches = Batcher.batchChunks(serverBatches(run, progress, projection, released), settings.batchSize(), settings.maxBatchBytes(),
                            settings.batchTimeout(), DocumentStage::size, 1)
                    .map(docs -> {
                        long bytes = 0;
                        for (RawBsonDocument doc : docs) {
                            bytes += DocumentStage.size(doc);
                        }
                        run.metrics.documentsRead(docs.size(), bytes);
                        return new Batch(run, progress, sequence.getAndIncrement(), docs.get(docs.size() - 1).get("_id"),
                                docs.size(), docs, bytes, List.of());
                    });
        } else {
            // read as the server's batches too (one cursor, timed alike), then one document at a time through the strategy
            Flux<RawBsonDocument> documents = serverBatches(run, progress, projection, released).flatMapIterable(batch -> batch);
            // the document stage runs the strategy, plug-in code: on the blocking scheduler, never on the driver's threads
            batches = Batcher.batch(documents.publishOn(Schedulers.boundedElastic(), prefetch)
                                    .map(doc -> stage.apply(doc, sourceNs)), settings.batchSize(),
                            settings.maxBatchBytes(), settings.batchTimeout(), DocumentStage.Result::bytes, prefetch)
                    .map(items -> {
                        List<RawBsonDocument> out = new ArrayList<>(items.size());
                        List<DocumentStage.Refused> refused = new ArrayList<>(0);
                        long bytes = 0;
                        long sourceBytes = 0;
                        for (DocumentStage.Result item : items) {
                            out.addAll(item.documents());
                            refused.addAll(item.refused());
                            bytes += item.bytes();
                            sourceBytes += item.sourceBytes();
                        }
                        run.metrics.documentsRead(items.size(), sourceBytes);
                        return new Batch(run, progress, sequence.getAndIncrement(), items.get(items.size() - 1).sourceId(),
                                items.size(), out, bytes, refused);
                    });
        }
        // paced by batch: the next batch is asked for once the rate lets this one through, so a throttling source
        // is read at the rate it affords (the driver's cursor reads ahead only as far as the demand)
        return batches
                .concatMap(batch -> {
                    pacing.read(batch.sourceDocuments(), since(released));
                    return pacing.acquire(batch.sourceDocuments()).doOnTerminate(() -> released.set(System.nanoTime()))
                            .thenReturn(batch);
                }, 0)
                .doOnComplete(() -> progress.readComplete(sequence.get()));
    }

    /**
     * The partition's documents in {@code _id} order as the server's cursor batches, from just after the checkpointed
     * {@code _id}. As {@link Requests#sortedById} does per document: a retryable failure reopens the cursor after the
     * last document of the last batch handed on (its {@code _id} parsed only then), so nothing is read twice or skipped;
     * a throttled read (a {@code getMore} refused with 16500) teaches the source's pacer before the retry.
     */
    private Flux<List<RawBsonDocument>> serverBatches(NamespaceRun run, PartitionProgress progress, BsonDocument projection,
                                                      AtomicLong released) {
        NamespacePlan plan = run.checkpoint.plan();
        int batchSize = settings.sourceBatchSize();
        // each document of a reply copied once, into an array of its size
        MongoCollection<RawBsonDocument> source = RawDocumentCodec.reading(run.source);
        return Flux.defer(() -> {
            AtomicReference<RawBsonDocument> last = new AtomicReference<>();
            // a cursor reopened after a refused read waits for the pacer too: the retry policy waits what the server
            // asked, the pacer spaces it among the other cursors' reads (else every retry lands when the server's
            // bucket just refilled, and the next read of another cursor is refused again)
            java.util.concurrent.atomic.AtomicBoolean opened = new java.util.concurrent.atomic.AtomicBoolean();
            return requests.flux(Flux.defer(() -> {
                        RawBsonDocument seen = last.get();
                        BsonValue after = seen == null ? progress.lastId() : seen.get("_id");
                        Flux<List<RawBsonDocument>> cursor = CursorBatches.read(find(source, plan, progress.partition(), after,
                                        projection, batchSize), batchSize, run.metrics::batchRead)
                                .doOnError(error -> pacing.readRefused(batchSize, error, since(released)));
                        return opened.getAndSet(true) ? pacing.acquire(batchSize).thenMany(cursor) : cursor;
                    })
                    .doOnNext(batch -> last.lazySet(batch.get(batch.size() - 1))));
        });
    }

}
