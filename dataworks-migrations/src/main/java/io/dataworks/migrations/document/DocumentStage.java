package io.dataworks.migrations.document;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.IdMapping;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;

/**
 * What the strategy does to one source document on its way to the target, the same for the bulk copy and for
 * {@code --follow}: the strategy's filter, then its {@link MigrationStrategy#transform transform}, then the size check
 * against the target's largest document.
 *
 * <h2>Where the filter is applied</h2>
 * The strategy's {@link MigrationStrategy#sourceFilter filter} (and projection) are applied by the server, in the
 * query that reads the source: the copy reads each partition with it ({@code NamespacePlan.readFilter}); follow
 * re-reads the changed documents by {@code _id} with it ({@link #readFilter(Namespace, Collection)}) whenever the
 * strategy has a filter or a projection. Not by a {@code $match} on the change stream: a {@code $match} on
 * {@code fullDocument.*} drops the update that takes a document <em>out</em> of the filter (so the target would keep a
 * document the copy would not write), sees no {@code fullDocument} on deletes, and cannot be derived from every filter
 * ({@code $expr} field references, {@code $jsonSchema}, {@code $text}); and Cosmos DB accepts only a fixed change-stream
 * pipeline. Not in memory either: that needs a complete MongoDB query matcher, and any difference from the server's
 * would make follow and the copy disagree. A re-read evaluates the very filter the copy used, on the server that holds
 * the data, and tells which changed documents left it. {@link #apply} therefore receives documents that already
 * passed the filter.
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe. {@link #apply} runs the strategy's plug-in code when {@link #runsPluginCode()}: callers
 * must then call it on {@code Schedulers.boundedElastic()} (or the endpoint wrapper's scheduler for blocking work),
 * never on a driver callback thread: a slow or blocking transform would stall the driver's connection I/O. When the
 * strategy does not transform, {@code apply} only measures raw bytes and may run anywhere.
 */
public final class DocumentStage {

    /** The code of a refusal for size, the server's {@code BSONObjectTooLarge}. */
    public static final int TOO_LARGE = 10334;

    private static final BsonDocumentCodec CODEC = new BsonDocumentCodec();
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    /**
     * A document the stage will not write, for the dead-letter path.
     *
     * @param sourceId the {@code _id} of the source document it came from
     * @param document what would have been written (the transformed document, or the raw source document)
     * @param code     {@link #TOO_LARGE}
     * @param reason   what to tell the user
     */
    public record Refused(BsonValue sourceId, RawBsonDocument document, int code, String reason) {
        public Refused {
            Objects.requireNonNull(sourceId, "sourceId");
            Objects.requireNonNull(document, "document");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * What one source document becomes.
     *
     * @param sourceId    its {@code _id}
     * @param documents   to write, in the order the strategy gave them (raw source bytes when it does not transform)
     * @param refused     not to be written, with code and reason
     * @param bytes       total size of {@code documents}
     * @param sourceBytes size of the source document
     */
    public record Result(BsonValue sourceId, List<RawBsonDocument> documents, List<Refused> refused, long bytes, long sourceBytes) {
        public Result {
            Objects.requireNonNull(sourceId, "sourceId");
            documents = List.copyOf(documents);
            refused = List.copyOf(refused);
        }

        /** The strategy writes nothing for this document (its transform dropped it) and nothing was refused. */
        public boolean dropped() {
            return documents.isEmpty() && refused.isEmpty();
        }
    }

    private final MigrationStrategy strategy;
    private final long targetMaxDocumentBytes;

    private DocumentStage(MigrationStrategy strategy, long targetMaxDocumentBytes) {
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        if (targetMaxDocumentBytes < 1) {
            throw new IllegalArgumentException("targetMaxDocumentBytes must be >= 1, was " + targetMaxDocumentBytes);
        }
        this.targetMaxDocumentBytes = targetMaxDocumentBytes;
    }

    /** @param targetMaxDocumentBytes the target's largest document ({@code maxBsonObjectSize}, 16 MiB on MongoDB) */
    public static DocumentStage create(MigrationStrategy strategy, long targetMaxDocumentBytes) {
        return new DocumentStage(strategy, targetMaxDocumentBytes);
    }

    public MigrationStrategy strategy() {
        return strategy;
    }

    public long targetMaxDocumentBytes() {
        return targetMaxDocumentBytes;
    }

    /** Whether {@link #apply} calls plug-in code (see the class comment for the scheduler to use then). */
    public boolean runsPluginCode() {
        return strategy.transformsDocuments();
    }

    /** The strategy's id mapping ({@link MigrationStrategy#idMapping()}). */
    public IdMapping idMapping() {
        return strategy.idMapping();
    }

    /** The strategy's source filter for {@code source}; empty when it reads everything. Never {@code null}. */
    public BsonDocument sourceFilter(Namespace source) {
        BsonDocument filter = strategy.sourceFilter(Objects.requireNonNull(source, "source"));
        return filter == null ? new BsonDocument() : filter.clone();
    }

    /** The strategy's source projection for {@code source}, or {@code null} for whole documents. */
    public BsonDocument sourceProjection(Namespace source) {
        BsonDocument projection = strategy.sourceProjection(Objects.requireNonNull(source, "source"));
        return projection == null ? null : projection.clone();
    }

    /** True when the strategy reads whole documents without a filter: a change event's full document is then what the copy reads. */
    public boolean readsWholeDocuments(Namespace source) {
        return sourceFilter(source).isEmpty() && sourceProjection(source) == null;
    }

    /**
     * The query that reads the source documents {@code ids} the way the copy reads them: those of them that pass the
     * strategy's filter (read them with {@link #sourceProjection}). A changed document missing from its answer was
     * deleted or left the filter.
     */
    public BsonDocument readFilter(Namespace source, Collection<BsonValue> ids) {
        Objects.requireNonNull(ids, "ids");
        BsonDocument byId = new BsonDocument("_id", new BsonDocument("$in", new BsonArray(new ArrayList<>(ids))));
        BsonDocument filter = sourceFilter(source);
        return filter.isEmpty() ? byId : new BsonDocument("$and", new BsonArray(List.of(byId, filter)));
    }

    /**
     * Transforms one source document that passed the filter (raw bytes untouched when the strategy does not
     * transform; decoded only when it does) and checks each result against the target's largest document.
     *
     * @throws DataWorksException (exit 1) when the strategy fails on the document or returns a document without
     *                            {@code _id}; the message names the strategy, the namespace and the source {@code _id}
     */
    public Result apply(RawBsonDocument document, Namespace source) {
        Objects.requireNonNull(document, "document");
        Objects.requireNonNull(source, "source");
        BsonValue id = document.get("_id");
        if (id == null) {
            throw new DataWorksException(ExitCode.FAILED, source + ": a source document without _id cannot be migrated");
        }
        long sourceBytes = size(document);
        if (!strategy.transformsDocuments()) {
            return sizeChecked(id, List.of(document), sourceBytes);
        }
        List<BsonDocument> transformed;
        try {
            transformed = strategy.transform(document.decode(CODEC), source);
        } catch (RuntimeException e) {
            throw new DataWorksException(ExitCode.FAILED, "strategy '" + strategy.name() + "' failed on " + source + " _id "
                    + describeId(id) + ": " + e, e);
        }
        if (transformed == null) {
            throw new DataWorksException(ExitCode.FAILED, "strategy '" + strategy.name() + "' returned null for " + source
                    + " _id " + describeId(id) + "; return an empty list to drop a document");
        }
        List<RawBsonDocument> encoded = new ArrayList<>(transformed.size());
        for (BsonDocument out : transformed) {
            if (out == null || !out.containsKey("_id")) {
                throw new DataWorksException(ExitCode.FAILED, "strategy '" + strategy.name() + "' returned a document without _id for "
                        + source + " _id " + describeId(id) + "; every document it returns must carry an _id");
            }
            encoded.add(out instanceof RawBsonDocument raw ? raw : new RawBsonDocument(out, CODEC));
        }
        return sizeChecked(id, encoded, sourceBytes);
    }

    private Result sizeChecked(BsonValue id, List<RawBsonDocument> documents, long sourceBytes) {
        List<RawBsonDocument> ok = new ArrayList<>(documents.size());
        List<Refused> refused = List.of();
        long bytes = 0;
        for (RawBsonDocument doc : documents) {
            long size = size(doc);
            if (size > targetMaxDocumentBytes) {
                if (refused.isEmpty()) {
                    refused = new ArrayList<>(1);
                }
                refused.add(tooLarge(id, doc));
            } else {
                ok.add(doc);
                bytes += size;
            }
        }
        return new Result(id, ok, refused, bytes, sourceBytes);
    }

    /** Whether {@code doc} is larger than the target holds (the check {@link #apply} makes, for raw documents in bulk). */
    public boolean tooLarge(RawBsonDocument doc) {
        return size(doc) > targetMaxDocumentBytes;
    }

    /** The refusal of a document larger than the target holds, as {@link #apply} reports it. */
    public Refused tooLarge(BsonValue sourceId, RawBsonDocument doc) {
        return new Refused(sourceId, doc, TOO_LARGE, "document of " + size(doc) + " bytes is larger than the target's limit of "
                + targetMaxDocumentBytes + " bytes");
    }

    /** An {@code _id} as users write it (relaxed Extended JSON: {@code 7}, {@code "a"}, {@code {"$oid": ...}}), for messages. */
    public static String describeId(BsonValue id) {
        if (id == null) {
            return "null";
        }
        String json = new BsonDocument("_id", id).toJson(RELAXED);
        return json.substring(json.indexOf(':') + 1, json.length() - 1).trim();
    }

    /** Bytes of a raw document (read from the document, no buffer made: this runs twice per document copied). */
    public static long size(RawBsonDocument doc) {
        return doc.getByteLength();
    }

    @Override
    public String toString() {
        return "DocumentStage[" + strategy.name() + ", max " + targetMaxDocumentBytes + " bytes]";
    }
}
