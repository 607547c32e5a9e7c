package io.dataworks.migrations.internal;

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

import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.checkpoint.PartitionProgress;
import io.dataworks.migrations.document.DocumentStage;
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
    private final RetryPolicy retry;
    private final DocumentStage stage;

    PartitionReader(MigrationSettings settings, RetryPolicy retry, DocumentStage stage) {
        this.settings = settings;
        this.retry = retry;
        this.stage = stage;
    }

    /** The documents of {@code partition} after {@code after} (exclusive; {@code null} = from its start), in {@code _id} order. */
    public static FindPublisher<RawBsonDocument> find(MongoCollection<RawBsonDocument> collection, NamespacePlan plan, Partition partition,
                                                      BsonValue after, BsonDocument projection, int batchSize) {
        FindPublisher<RawBsonDocument> find = collection.find(plan.readFilter(partition, after)).sort(BY_ID).batchSize(batchSize);
        return projection == null ? find : find.projection(projection);
    }

    Flux<Batch> read(NamespaceRun run, PartitionProgress progress) {
        Partition partition = progress.partition();
        Namespace sourceNs = run.mapping.source();
        MigrationStrategy strategy = settings.strategy();
        // The last document read, not its _id: parsing every document's _id for a retry that rarely comes would put
        // work on the copy's hot path; the _id is parsed only when a retry reopens the cursor after that document.
        AtomicReference<RawBsonDocument> lastRead = new AtomicReference<>();
        NamespacePlan plan = run.checkpoint.plan();
        BsonDocument projection = strategy.sourceProjection(sourceNs);
        Flux<RawBsonDocument> documents = Flux.defer(() -> {
                    RawBsonDocument last = lastRead.get();
                    BsonValue after = last == null ? progress.lastId() : last.get("_id");
                    return Flux.from(find(run.source, plan, partition, after, projection, settings.sourceBatchSize()));
                })
                .doOnNext(lastRead::lazySet)
                .retryWhen(retry.toRetry());
        int prefetch = Math.max(settings.batchSize(), settings.sourceBatchSize());
        AtomicLong sequence = new AtomicLong();
        Flux<Batch> batches;
        if (!strategy.transformsDocuments()) {
            batches = Batcher.batch(documents, settings.batchSize(), settings.maxBatchBytes(), settings.batchTimeout(),
                            PartitionReader::size, prefetch)
                    .map(docs -> {
                        long bytes = 0;
                        for (RawBsonDocument doc : docs) {
                            bytes += size(doc);
                        }
                        run.metrics.documentsRead(docs.size(), bytes);
                        return new Batch(run, progress, sequence.getAndIncrement(), docs.get(docs.size() - 1).get("_id"),
                                docs.size(), docs, bytes, List.of());
                    });
        } else {
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
        return batches.doOnComplete(() -> progress.readComplete(sequence.get()));
    }

    static long size(RawBsonDocument doc) {
        return doc.getByteBuffer().remaining();
    }
}
