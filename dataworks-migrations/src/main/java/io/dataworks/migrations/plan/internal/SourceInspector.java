package io.dataworks.migrations.plan.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.MongoServerException;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.migrations.plan.SourceReads;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Read-only questions the planner asks the source: which collections, which {@code _id} types, how big. Every
 * query goes through {@link SourceReads} (retried); a failure is swallowed only when it cannot be retried and
 * means "the server cannot answer that" (a {@link MongoServerException}), never a throttle.
 */
public final class SourceInspector {

    private static final Logger LOG = LoggerFactory.getLogger(SourceInspector.class);
    private static final int SIZE_SAMPLE = 100;
    private static final int PROBE_CONCURRENCY = 4;

    private SourceInspector() {
    }

    /** A collection as {@code listCollections} describes it. */
    public record CollectionInfo(String name, String type) {

        /** Plain collections only: no views, no time series, nothing in {@code system.*}. */
        public boolean copyable() {
            return !name.startsWith("system.") && (type == null || type.equals("collection"));
        }

        static CollectionInfo of(BsonDocument listCollectionsEntry) {
            return new CollectionInfo(listCollectionsEntry.getString("name").getValue(),
                    listCollectionsEntry.containsKey("type") ? listCollectionsEntry.getString("type").getValue() : null);
        }
    }

    /** Every entry of {@code listCollections}, sorted by name. */
    public static Mono<List<CollectionInfo>> collections(MongoDatabase database, SourceReads reads) {
        return reads.all(database.listCollections(BsonDocument.class))
                .map(entries -> entries.stream()
                        .map(CollectionInfo::of)
                        .sorted(Comparator.comparing(CollectionInfo::name))
                        .toList());
    }

    /**
     * The {@code $type} brackets present among the {@code _id}s, in BSON order. The smallest and
     * largest {@code _id} (two indexed {@code sort().limit(1)} queries) give the first and last
     * bracket; brackets sort contiguously, so only the ones between them can hold other ids, and each
     * of those is probed with {@code find({_id: {$type: alias}}).limit(1)} (a bounded index scan on
     * MongoDB). Most collections have one {@code _id} type and need no probe at all. An alias the
     * server does not know (the embedded server lacks the rare ones) cannot be stored there either and
     * counts as absent.
     */
    public static Mono<List<String>> brackets(MongoCollection<BsonDocument> collection, SourceReads reads) {
        return Mono.zip(edge(collection, reads, 1), edge(collection, reads, -1))
                .flatMap(minMax -> {
                    String lo = TypeBrackets.of(minMax.getT1());
                    String hi = TypeBrackets.of(minMax.getT2());
                    List<String> between = TypeBrackets.ALL.stream()
                            .filter(a -> !a.equals(lo) && !a.equals(hi))
                            .filter(a -> TypeBrackets.rank(a) >= TypeBrackets.rank(lo) && TypeBrackets.rank(a) <= TypeBrackets.rank(hi))
                            .toList();
                    return probe(collection, reads, between)
                            .concatWithValues(lo, hi)
                            .distinct()
                            .collectSortedList(Comparator.comparingInt(TypeBrackets::order));
                })
                .defaultIfEmpty(List.of());
    }

    private static Mono<BsonValue> edge(MongoCollection<BsonDocument> collection, SourceReads reads, int direction) {
        BsonDocument byId = new BsonDocument("_id", new BsonInt32(direction));
        return reads.first(collection.find().projection(new BsonDocument("_id", new BsonInt32(1))).sort(byId).limit(1).first())
                .map(d -> d.get("_id"));
    }

    private static Flux<String> probe(MongoCollection<BsonDocument> collection, SourceReads reads, List<String> candidates) {
        Flux<String> common = Flux.fromIterable(candidates)
                .filter(alias -> !TypeBrackets.RARE.contains(alias))
                .flatMapSequential(alias -> present(collection, reads, new BsonString(alias))
                        .filter(Boolean::booleanValue)
                        .map(yes -> alias), PROBE_CONCURRENCY);
        List<String> rareCandidates = candidates.stream().filter(TypeBrackets.RARE::contains).toList();
        if (rareCandidates.isEmpty()) {
            return common;
        }
        // rare types (deprecated ones, code) are almost never there: one query for all of them, one each only if found
        BsonArray rareAliases = new BsonArray(rareCandidates.stream().map(BsonString::new).toList());
        Flux<String> rare = present(collection, reads, rareAliases)
                .flatMapMany(any -> any
                        ? Flux.fromIterable(rareCandidates)
                                .concatMap(alias -> present(collection, reads, new BsonString(alias)).filter(Boolean::booleanValue).map(yes -> alias))
                        : Flux.empty());
        return Flux.concat(common, rare);
    }

    private static Mono<Boolean> present(MongoCollection<BsonDocument> collection, SourceReads reads, BsonValue alias) {
        BsonDocument filter = new BsonDocument("_id", new BsonDocument("$type", alias));
        return reads.any(collection.find(filter).projection(new BsonDocument("_id", new BsonInt32(1))).limit(1).batchSize(1))
                .onErrorResume(MongoServerException.class, e -> {
                    LOG.debug("{}: $type '{}' not supported by the server: {}", collection.getNamespace(), alias, e.getMessage());
                    return Mono.just(false);
                });
    }

    /** How the source reads one {@code _id} range sorted by {@code _id}, as its {@code explain} tells. */
    public enum RangeReads {
        /** Through an index (IXSCAN, clustered, bounded or express scans), or a plan this code does not recognise. */
        INDEX,
        /** By scanning the whole collection: N range cursors would cost N scans. */
        COLLECTION_SCAN,
        /** The server refused to explain (the embedded server has no {@code explain}): nothing shows ranges are cheap. */
        UNEXPLAINED
    }

    /**
     * Asks the source to explain ({@code queryPlanner}, nothing is run) the query a partition's cursor sends:
     * an {@code _id} range sorted by {@code _id}. A winning plan with an index scan stage, or one in a format
     * not recognised, is {@link RangeReads#INDEX} (a server that explains its reads gets the benefit of the
     * doubt); a plan whose only scan is {@code COLLSCAN} is {@link RangeReads#COLLECTION_SCAN}; a server that
     * refuses the command is {@link RangeReads#UNEXPLAINED}. Throttles and transient errors are retried.
     */
    public static Mono<RangeReads> rangeReads(MongoDatabase database, String collectionName, SourceReads reads) {
        BsonDocument find = new BsonDocument("find", new BsonString(collectionName))
                .append("filter", new BsonDocument("_id", new BsonDocument("$gt", new BsonMinKey()).append("$lt", new BsonMaxKey())))
                .append("sort", new BsonDocument("_id", new BsonInt32(1)));
        BsonDocument explain = new BsonDocument("explain", find).append("verbosity", new BsonString("queryPlanner"));
        return reads.first(database.runCommand(explain, BsonDocument.class))
                .map(SourceInspector::rangeReadsOf)
                .defaultIfEmpty(RangeReads.INDEX)
                .onErrorResume(MongoServerException.class, e -> {
                    LOG.debug("{}.{}: explain refused: {}", database.getName(), collectionName, e.getMessage());
                    return Mono.just(RangeReads.UNEXPLAINED);
                });
    }

    /** What an {@code explain} answer says of the range read; package-private for tests. */
    static RangeReads rangeReadsOf(BsonDocument explained) {
        BsonValue planner = explained.get("queryPlanner");
        BsonValue winning = planner != null && planner.isDocument() ? planner.asDocument().get("winningPlan") : null;
        if (winning == null) {
            return RangeReads.INDEX;
        }
        List<String> stages = new ArrayList<>();
        collectStages(winning, stages);
        boolean indexed = stages.stream().anyMatch(stage -> stage.contains("IXSCAN") || stage.equals("IDHACK")
                || stage.startsWith("EXPRESS") || stage.equals("BOUNDED_COLLSCAN"));
        boolean scans = stages.stream().anyMatch(stage -> stage.equals("COLLSCAN"));
        return scans && !indexed ? RangeReads.COLLECTION_SCAN : RangeReads.INDEX;
    }

    /**
     * Every {@code stage} string of a plan tree (classic {@code inputStage(s)}, slot-based {@code queryPlan} alike).
     * A {@code COLLSCAN} bounded by {@code minRecord}/{@code maxRecord} (a clustered collection's range read) is
     * recorded as {@code BOUNDED_COLLSCAN}: it reads only the range, as an index scan would.
     */
    private static void collectStages(BsonValue node, List<String> stages) {
        if (node.isDocument()) {
            BsonDocument document = node.asDocument();
            for (var entry : document.entrySet()) {
                if (entry.getKey().equals("stage") && entry.getValue().isString()) {
                    String stage = entry.getValue().asString().getValue();
                    boolean bounded = stage.equals("COLLSCAN") && (document.containsKey("minRecord") || document.containsKey("maxRecord"));
                    stages.add(bounded ? "BOUNDED_COLLSCAN" : stage);
                } else {
                    collectStages(entry.getValue(), stages);
                }
            }
        } else if (node.isArray()) {
            for (BsonValue item : node.asArray()) {
                collectStages(item, stages);
            }
        }
    }

    /** Estimated documents and bytes of a collection. */
    public record Size(long documents, long bytes) {
    }

    /**
     * Documents and bytes from one {@code collStats} ({@code count}, and {@code size} or {@code avgObjSize × count}),
     * metadata the server keeps, no scan. Where the server does not answer it, or leaves a figure out, documents from
     * {@code estimatedDocumentCount} and bytes from the average size of the first {@value #SIZE_SAMPLE} documents ×
     * count. One round trip for most collections, which matters when a database has hundreds of small ones.
     */
    public static Mono<Size> size(MongoDatabase database, String collectionName, SourceReads reads) {
        MongoCollection<RawBsonDocument> raw = database.getCollection(collectionName, RawBsonDocument.class);
        return collStats(database, reads, collectionName).flatMap(stats -> {
            Mono<Long> count = stats.isNumber("count") ? Mono.just(stats.getNumber("count").longValue())
                    : reads.first(raw.estimatedDocumentCount()).onErrorResume(MongoServerException.class, e -> Mono.just(0L));
            return count.flatMap(docs -> bytesOf(stats, docs)
                    .switchIfEmpty(Mono.defer(() -> sampledBytes(raw, reads, docs)))
                    .map(bytes -> new Size(docs, bytes)));
        });
    }

    /** The collection's {@code collStats}; an empty document when the server refuses the command. */
    private static Mono<BsonDocument> collStats(MongoDatabase database, SourceReads reads, String collectionName) {
        return reads.first(database.runCommand(new BsonDocument("collStats", new BsonString(collectionName)), BsonDocument.class))
                .onErrorResume(MongoServerException.class, e -> Mono.empty())
                .defaultIfEmpty(new BsonDocument());
    }

    private static Mono<Long> bytesOf(BsonDocument stats, long docs) {
        long size = stats.isNumber("size") ? stats.getNumber("size").longValue() : 0;
        if (size <= 0 && stats.isNumber("avgObjSize")) {
            size = (long) (stats.getNumber("avgObjSize").doubleValue() * docs);
        }
        return size > 0 || docs == 0 ? Mono.just(size) : Mono.empty();
    }

    private static Mono<Long> sampledBytes(MongoCollection<RawBsonDocument> raw, SourceReads reads, long docs) {
        if (docs == 0) {
            return Mono.just(0L);
        }
        return reads.all(raw.find().limit(SIZE_SAMPLE).batchSize(SIZE_SAMPLE))
                .map(sample -> sample.isEmpty() ? 0L
                        : (long) (sample.stream().mapToLong(d -> d.getByteLength()).average().orElse(0) * docs));
    }

    /** Names of the entries to copy when the user named none. */
    public static List<String> copyableNames(List<CollectionInfo> all) {
        List<String> out = new ArrayList<>();
        for (CollectionInfo c : all) {
            if (c.copyable()) {
                out.add(c.name());
            }
        }
        return out;
    }

    /** The entry of a named collection. */
    public static Optional<CollectionInfo> find(List<CollectionInfo> all, String name) {
        return all.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
