package io.dataworks.migrations.follow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.client.result.DeleteResult;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.IdMapping;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.endpoint.Requests;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.plan.internal.TypeBrackets;
import io.dataworks.migrations.strategy.CopyStrategy;
import io.dataworks.migrations.verify.SortedIdJoin;
import io.dataworks.migrations.verify.SortedIdJoin.Entry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code --reconcile-deletes}: deletes the target documents whose source document is gone. Needed after following a
 * Cosmos DB source, whose change streams carry no deletes. Run it once writes to the source have stopped.
 *
 * <p>What "gone" means follows the strategy ({@link MigrationStrategy#idMapping()} and its source filter): the target
 * is made to hold what a fresh copy with this strategy would write, so a target document whose source document still
 * exists but is now outside the strategy's filter is deleted too (the copy would not write it, and follow deletes it
 * when an update takes it out of the filter).
 * <ul>
 *   <li>{@link IdMapping#same()}: per partition of the copy's plan, both sides' {@code _id}s (an {@code _id}-only
 *       projection, sorted; the source's with the strategy's filter) are merge-joined as they stream.</li>
 *   <li>A mapped {@code _id} ({@link IdMapping#of}): target order says nothing about source order, so the target's
 *       {@code _id}s are streamed once, in batches, and mapped back with {@code toSource}.</li>
 *   <li>{@link IdMapping#unknown}: refused before anything is read or deleted ({@link DataWorksException}, exit 2).</li>
 * </ul>
 * Either way a candidate is deleted only after an {@code $in} lookup on the source (with the filter) confirmed it
 * absent, so a document inserted meanwhile is never deleted. Every read, lookup and delete goes through the side's
 * {@link Requests} (retry); a retried {@code _id} stream reopens after the last {@code _id} it delivered. Memory is
 * bounded by the cursor batches.
 */
public final class DeleteReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteReconciler.class);
    private static final BsonDocument ID_ONLY = new BsonDocument("_id", new BsonInt32(1));
    /** Brackets every server accepts in {@code $type}, in sort order: where a resumed mixed-type scan goes on. */
    private static final List<String> RESUMABLE_BRACKETS = List.of("minKey", "null", "number", "string", "object", "binData",
            "objectId", "bool", "date", "timestamp", "regex", "maxKey");

    /** How many target documents were deleted, and how many {@code _id}s were compared. */
    public record Result(Namespace target, long deleted, long targetIdsScanned) {
    }

    private final int batchSize;
    private final int parallelism;
    private final MigrationStrategy strategy;
    private final Requests sourceRequests;
    private final Requests targetRequests;

    private DeleteReconciler(Builder b) {
        if (b.batchSize < 1 || b.parallelism < 1) {
            throw new IllegalArgumentException("batchSize and parallelism must be >= 1, were " + b.batchSize + ", " + b.parallelism);
        }
        this.batchSize = b.batchSize;
        this.parallelism = b.parallelism;
        this.strategy = requireIdMapping(b.strategy);
        this.sourceRequests = b.sourceRequests;
        this.targetRequests = b.targetRequests;
    }

    /**
     * The {@code copy} strategy, requests not retried.
     *
     * @param parallelism partitions compared at once (the copy's parallel cursors)
     * @deprecated use {@link #builder()} with the run's strategy and {@link Requests#retrying} for both sides
     */
    @Deprecated
    public static DeleteReconciler create(int batchSize, int parallelism) {
        return builder().batchSize(batchSize).parallelism(parallelism).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@code strategy}, when it declares how it maps {@code _id}s; else a {@link DataWorksException} (exit 2, usage) that
     * says why {@code --reconcile-deletes} cannot run. Call it when validating the run, before anything is copied.
     */
    public static MigrationStrategy requireIdMapping(MigrationStrategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        IdMapping ids = strategy.idMapping();
        if (!ids.isKnown()) {
            throw new DataWorksException(ExitCode.USAGE, "--reconcile-deletes needs to know how the strategy maps _ids: strategy '"
                    + strategy.name() + "' declares none (" + ids.unknownBecause().orElse("") + "), so the target documents of a"
                    + " deleted source document cannot be told apart from the others and nothing would be deleted safely."
                    + " Run without --reconcile-deletes, or give the strategy an IdMapping (MigrationStrategy.idMapping()).");
        }
        return strategy;
    }

    public Mono<Result> reconcile(NamespacePlan plan, MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> target) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        BsonDocument filter = sourceFilter(plan.source());
        Flux<long[]> parts = strategy.idMapping().isSame()
                ? Flux.fromIterable(plan.partitions()).flatMap(p -> reconcile(p, filter, source, target), parallelism)
                : mapped(filter, source, target).flux();
        return parts
                .reduce(new long[2], (acc, r) -> {
                    acc[0] += r[0];
                    acc[1] += r[1];
                    return acc;
                })
                .map(t -> new Result(plan.target(), t[0], t[1]))
                .doOnNext(r -> LOG.info("{}: reconciled deletes: {} target documents not in the source deleted ({} _ids compared, {})",
                        plan.target(), r.deleted(), r.targetIdsScanned(), strategy.idMapping()));
    }

    private BsonDocument sourceFilter(Namespace source) {
        BsonDocument filter = strategy.sourceFilter(source);
        return filter == null ? new BsonDocument() : filter.clone();
    }

    /** {deleted, target ids scanned} for one partition, same {@code _id} on both sides. */
    private Mono<long[]> reconcile(Partition partition, BsonDocument filter, MongoCollection<RawBsonDocument> source,
                                   MongoCollection<RawBsonDocument> target) {
        Flux<Entry> s = ids(source, sourceRequests, partition, filter).map(id -> new Entry(true, id, 0));
        AtomicLong scanned = new AtomicLong();
        Flux<Entry> t = ids(target, targetRequests, partition, new BsonDocument()).map(id -> new Entry(false, id, 0))
                .doOnNext(e -> scanned.incrementAndGet());
        return SortedIdJoin.join(s, t, Math.min(batchSize, 256))
                .concatMapIterable(DeleteReconciler::targetOnly)
                .buffer(batchSize)
                .concatMap(ids -> confirmAbsent(source, filter, ids))
                .concatMap(ids -> delete(target, ids))
                .reduce(0L, Long::sum)
                .map(deleted -> new long[] {deleted, scanned.get()});
    }

    /** {deleted, target ids scanned} for a strategy that maps {@code _id}s: every target {@code _id}, mapped back. */
    private Mono<long[]> mapped(BsonDocument filter, MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> target) {
        IdMapping mapping = strategy.idMapping();
        AtomicLong scanned = new AtomicLong();
        return ids(target, targetRequests, null, new BsonDocument())
                .doOnNext(id -> scanned.incrementAndGet())
                .buffer(batchSize)
                .concatMap(targetIds -> {
                    List<BsonValue> sourceIds = new ArrayList<>(targetIds.size());
                    targetIds.forEach(id -> sourceIds.add(mapping.toSource(id)));
                    return confirmAbsent(source, filter, sourceIds).map(absent -> {
                        Set<BsonValue> gone = new HashSet<>(absent);
                        List<BsonValue> delete = new ArrayList<>(absent.size());
                        for (int i = 0; i < targetIds.size(); i++) {
                            if (gone.contains(sourceIds.get(i))) {
                                delete.add(targetIds.get(i));
                            }
                        }
                        return delete;
                    });
                }, 1)
                .concatMap(ids -> delete(target, ids))
                .reduce(0L, Long::sum)
                .map(deleted -> new long[] {deleted, scanned.get()});
    }

    /**
     * The {@code _id}s of {@code collection} in {@code partition} ({@code null}: all) that match {@code filter}, in
     * {@code _id} order; a retry reopens the cursor after the last {@code _id} delivered.
     */
    private Flux<BsonValue> ids(MongoCollection<RawBsonDocument> collection, Requests requests, Partition partition, BsonDocument filter) {
        return requests.pacedSortedById(last -> collection.find(and(after(partition, last), filter))
                        .projection(ID_ONLY).sort(ID_ONLY).batchSize(batchSize))
                .map(d -> d.get("_id"));
    }

    /** The part of {@code partition} after {@code last} (exclusive); across every type bracket when the partition has none. */
    static BsonDocument after(Partition partition, BsonValue last) {
        if (last == null) {
            return partition == null ? new BsonDocument() : partition.filter();
        }
        if (partition != null && partition.typeBracket() != null) {
            return partition.filterAfter(last);
        }
        // $gt matches only the bracket of its operand: the brackets that sort after it are added by $type
        int rank = TypeBrackets.rank(TypeBrackets.of(last));
        BsonArray later = new BsonArray();
        RESUMABLE_BRACKETS.stream().filter(b -> TypeBrackets.rank(b) > rank).forEach(b -> later.add(new BsonString(b)));
        BsonDocument gt = new BsonDocument("_id", new BsonDocument("$gt", last));
        BsonDocument rest = later.isEmpty() ? gt : new BsonDocument("$or", new BsonArray(List.of(gt,
                new BsonDocument("_id", new BsonDocument("$type", later)))));
        return partition == null ? rest : and(rest, partition.filter());
    }

    private static BsonDocument and(BsonDocument a, BsonDocument b) {
        if (a.isEmpty()) {
            return b.clone();
        }
        if (b.isEmpty()) {
            return a;
        }
        return new BsonDocument("$and", new BsonArray(List.of(a, b.clone())));
    }

    private static List<BsonValue> targetOnly(List<Entry> group) {
        List<BsonValue> out = new ArrayList<>(1);
        for (Entry e : group) {
            if (!e.source() && group.stream().noneMatch(o -> o.source() && o.id().equals(e.id()))) {
                out.add(e.id());
            }
        }
        return out;
    }

    /** Those of the source {@code ids} the source does not have (or has outside the strategy's filter). */
    private Mono<List<BsonValue>> confirmAbsent(MongoCollection<RawBsonDocument> source, BsonDocument filter, List<BsonValue> ids) {
        return sourceRequests.mono(Flux.defer(() -> Flux.from(source.find(and(idIn(ids), filter)).projection(ID_ONLY).batchSize(batchSize)))
                        .map(d -> d.get("_id"))
                        .collect(HashSet<BsonValue>::new, Set::add))
                .map(present -> ids.stream().filter(id -> !present.contains(id)).toList());
    }

    private Mono<Long> delete(MongoCollection<RawBsonDocument> target, List<BsonValue> ids) {
        if (ids.isEmpty()) {
            return Mono.just(0L);
        }
        return targetRequests.mono(Mono.defer(() -> Mono.from(target.deleteMany(idIn(ids))))).map(DeleteResult::getDeletedCount);
    }

    private static BsonDocument idIn(List<BsonValue> ids) {
        return new BsonDocument("_id", new BsonDocument("$in", new BsonArray(ids)));
    }

    /** Settings of a {@link DeleteReconciler}; mutable, not thread-safe, like any builder. */
    public static final class Builder {
        private int batchSize = 1000;
        private int parallelism = 1;
        private MigrationStrategy strategy = new CopyStrategy();
        private Requests sourceRequests = Requests.NONE;
        private Requests targetRequests = Requests.NONE;

        private Builder() {
        }

        /** {@code _id}s per cursor batch, lookup and delete (default 1000). */
        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        /** Partitions compared at once (the copy's parallel cursors; default 1). */
        public Builder parallelism(int value) {
            this.parallelism = value;
            return this;
        }

        /** The run's strategy: its id mapping and source filter (default {@code copy}). */
        public Builder strategy(MigrationStrategy value) {
            this.strategy = Objects.requireNonNull(value, "strategy");
            return this;
        }

        /** Wraps every read and lookup of the source (default: not retried). */
        public Builder sourceRequests(Requests value) {
            this.sourceRequests = Objects.requireNonNull(value, "sourceRequests");
            return this;
        }

        /** Wraps every read and delete on the target (default: not retried). */
        public Builder targetRequests(Requests value) {
            this.targetRequests = Objects.requireNonNull(value, "targetRequests");
            return this;
        }

        /** @throws DataWorksException (exit 2) when the strategy's id mapping is unknown ({@link #requireIdMapping}) */
        public DeleteReconciler build() {
            return new DeleteReconciler(this);
        }
    }
}
