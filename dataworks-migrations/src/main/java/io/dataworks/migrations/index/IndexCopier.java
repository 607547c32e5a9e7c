package io.dataworks.migrations.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.MongoServerException;
import com.mongodb.reactivestreams.client.MongoClient;

import io.dataworks.core.config.Flavour;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.index.IndexResult.Status;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Copies a collection's secondary indexes: the unique ones before the data (so the copy cannot
 * introduce what they forbid, and the build costs nothing on an empty collection), the others after
 * it (building them once is cheaper than maintaining them during a bulk load). The {@code _id} index
 * is never copied: every collection has it.
 *
 * <p>Each index is created with its own {@code createIndexes} command, so one refusal (an option or
 * key type the target does not support, a name conflict) is reported in the {@link IndexReport} and
 * the others are still built. Options the target flavour is known not to take are dropped first and
 * listed. Thread-safe.
 */
public final class IndexCopier {

    private static final Logger LOG = LoggerFactory.getLogger(IndexCopier.class);
    private static final String ID_INDEX = "_id_";
    private static final int NAMESPACE_NOT_FOUND = 26;

    /** Never copied: the version and namespace are the target's business, background is ignored since 4.2. */
    private static final Set<String> ALWAYS_DROPPED = Set.of("v", "ns", "background");
    /**
     * Physical-only options Cosmos DB for MongoDB does not take. Options that change what an index
     * means (collation, sparse, partialFilterExpression) are never dropped: the target refuses them
     * and the report says so, rather than building an index with other semantics.
     */
    private static final Set<String> COSMOS_DROPPED = Set.of(
            "textIndexVersion", "2dsphereIndexVersion", "hidden", "storageEngine");

    private final Set<String> dropped;

    private IndexCopier(Set<String> dropped) {
        this.dropped = Set.copyOf(dropped);
    }

    /** For a target of the given flavour (Cosmos DB targets get their quirk list). */
    public static IndexCopier forTarget(Flavour targetFlavour) {
        Objects.requireNonNull(targetFlavour, "targetFlavour");
        Set<String> drop = new java.util.HashSet<>(ALWAYS_DROPPED);
        if (targetFlavour == Flavour.COSMOS_DB) {
            drop.addAll(COSMOS_DROPPED);
        }
        return new IndexCopier(drop);
    }

    /** The options this copier removes from every index definition. */
    public Set<String> droppedOptions() {
        return dropped;
    }

    /** The source's index definitions as {@code listIndexes} gives them, without {@code _id_}. */
    public Mono<List<BsonDocument>> sourceIndexes(MongoClient source, Namespace sourceNs) {
        return Flux.from(source.getDatabase(sourceNs.database()).getCollection(sourceNs.collection()).listIndexes(BsonDocument.class))
                .filter(spec -> !ID_INDEX.equals(spec.getString("name", new BsonString("")).getValue()))
                .collectList()
                // a collection that does not exist (yet) has no indexes to copy
                .onErrorResume(e -> e instanceof MongoServerException mse && mse.getCode() == NAMESPACE_NOT_FOUND, e -> Mono.just(List.of()));
    }

    /** Creates the source's unique indexes on the target (call before copying data). */
    public Mono<IndexReport> createUnique(MongoClient source, Namespace sourceNs, MongoClient target, Namespace targetNs) {
        Objects.requireNonNull(source, "source");
        return createUnique(sourceIndexes(source, sourceNs), sourceNs, target, targetNs);
    }

    /** Creates the source's other (non-unique) indexes on the target (call after copying data). */
    public Mono<IndexReport> createRemaining(MongoClient source, Namespace sourceNs, MongoClient target, Namespace targetNs) {
        Objects.requireNonNull(source, "source");
        return createRemaining(sourceIndexes(source, sourceNs), sourceNs, target, targetNs);
    }

    /**
     * {@link #createUnique(MongoClient, Namespace, MongoClient, Namespace)} from definitions already listed (or a listing
     * shared by both steps, so that a collection costs one {@code listIndexes}): {@link #sourceIndexes}'s answer.
     */
    public Mono<IndexReport> createUnique(Mono<List<BsonDocument>> sourceSpecs, Namespace sourceNs, MongoClient target, Namespace targetNs) {
        return copy(sourceSpecs, sourceNs, target, targetNs, IndexCopier::isUnique);
    }

    /** {@link #createRemaining(MongoClient, Namespace, MongoClient, Namespace)} from definitions already listed. */
    public Mono<IndexReport> createRemaining(Mono<List<BsonDocument>> sourceSpecs, Namespace sourceNs, MongoClient target, Namespace targetNs) {
        return copy(sourceSpecs, sourceNs, target, targetNs, Predicate.not(IndexCopier::isUnique));
    }

    private Mono<IndexReport> copy(Mono<List<BsonDocument>> sourceSpecs, Namespace sourceNs, MongoClient target, Namespace targetNs,
                                   Predicate<BsonDocument> which) {
        Objects.requireNonNull(sourceSpecs, "sourceSpecs");
        Objects.requireNonNull(target, "target");
        return sourceSpecs
                .flatMapMany(specs -> Flux.fromIterable(specs).filter(which))
                // one index at a time: builds are heavy and run on the target's primary
                .concatMap(spec -> create(target, targetNs, spec))
                .collectList()
                .map(results -> new IndexReport(sourceNs, targetNs, results))
                .onErrorResume(MongoServerException.class, e -> Mono.just(new IndexReport(sourceNs, targetNs, List.of(
                        new IndexResult("(listIndexes)", null, false, Status.FAILED,
                                "cannot list the indexes of " + sourceNs + ": " + e.getMessage(), List.of())))))
                .doOnNext(report -> {
                    if (!report.allPresent()) {
                        LOG.warn("some indexes were not created: {}", report.summary());
                    }
                });
    }

    private Mono<IndexResult> create(MongoClient target, Namespace targetNs, BsonDocument sourceSpec) {
        String name = sourceSpec.getString("name", new BsonString("?")).getValue();
        BsonDocument key = sourceSpec.getDocument("key", new BsonDocument());
        boolean unique = isUnique(sourceSpec);
        BsonDocument spec = new BsonDocument();
        List<String> removed = new ArrayList<>();
        for (var e : sourceSpec.entrySet()) {
            if (dropped.contains(e.getKey())) {
                if (!e.getKey().equals("v") && !e.getKey().equals("ns")) {
                    removed.add(e.getKey());
                }
            } else {
                spec.put(e.getKey(), e.getValue());
            }
        }
        BsonDocument command = new BsonDocument("createIndexes", new BsonString(targetNs.collection()))
                .append("indexes", new BsonArray(List.of(spec)));
        return Mono.from(target.getDatabase(targetNs.database()).runCommand(command, BsonDocument.class))
                .map(reply -> new IndexResult(name, key, unique, alreadyThere(reply) ? Status.EXISTS : Status.CREATED, null, removed))
                .onErrorResume(MongoServerException.class, e -> Mono.just(
                        new IndexResult(name, key, unique, Status.FAILED, reasonOf(e), removed)));
    }

    private static boolean alreadyThere(BsonDocument reply) {
        if (reply.containsKey("note")) {
            return true; // "all indexes already exist"
        }
        BsonValue before = reply.get("numIndexesBefore");
        BsonValue after = reply.get("numIndexesAfter");
        return before != null && after != null && before.isNumber() && after.isNumber()
                && before.asNumber().longValue() == after.asNumber().longValue();
    }

    private static String reasonOf(MongoServerException e) {
        String message = e.getMessage();
        if (e instanceof com.mongodb.MongoCommandException ce) {
            message = ce.getErrorMessage() + " (code " + ce.getErrorCode() + (ce.getErrorCodeName().isEmpty() ? "" : " " + ce.getErrorCodeName()) + ")";
        }
        return message;
    }

    static boolean isUnique(BsonDocument spec) {
        BsonValue unique = spec.get("unique");
        if (unique == null) {
            return false;
        }
        if (unique.isBoolean()) {
            return unique.asBoolean().getValue();
        }
        return unique.isNumber() && unique.asNumber().intValue() != 0;
    }
}
