package io.dataworks.migrations.follow;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.client.result.DeleteResult;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.verify.SortedIdJoin;
import io.dataworks.migrations.verify.SortedIdJoin.Entry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code --reconcile-deletes}: deletes the target documents whose {@code _id} the source no longer has.
 * Needed after following a Cosmos DB source, whose change streams carry no deletes.
 *
 * <p>Per partition of the copy's plan, both sides' {@code _id}s (an {@code _id}-only projection, sorted)
 * are merge-joined as they stream; a target {@code _id} with no source twin is confirmed absent by an
 * {@code $in} lookup on the source (so a document inserted meanwhile is never deleted), then deleted in
 * batches. Memory is bounded by the cursor batches. Run it once writes to the source have stopped.
 */
public final class DeleteReconciler {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteReconciler.class);
    private static final BsonDocument ID_ONLY = new BsonDocument("_id", new BsonInt32(1));

    /** How many target documents were deleted, and how many {@code _id}s were compared. */
    public record Result(Namespace target, long deleted, long targetIdsScanned) {
    }

    private final int batchSize;
    private final int parallelism;

    private DeleteReconciler(int batchSize, int parallelism) {
        if (batchSize < 1 || parallelism < 1) {
            throw new IllegalArgumentException("batchSize and parallelism must be >= 1, were " + batchSize + ", " + parallelism);
        }
        this.batchSize = batchSize;
        this.parallelism = parallelism;
    }

    /** @param parallelism partitions compared at once (the copy's parallel cursors) */
    public static DeleteReconciler create(int batchSize, int parallelism) {
        return new DeleteReconciler(batchSize, parallelism);
    }

    public Mono<Result> reconcile(NamespacePlan plan, MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> target) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        return Flux.fromIterable(plan.partitions())
                .flatMap(p -> reconcile(p, source, target), parallelism)
                .reduce(new long[2], (acc, r) -> {
                    acc[0] += r[0];
                    acc[1] += r[1];
                    return acc;
                })
                .map(t -> new Result(plan.target(), t[0], t[1]))
                .doOnNext(r -> LOG.info("{}: reconciled deletes: {} target documents not in the source deleted ({} _ids compared)",
                        plan.target(), r.deleted(), r.targetIdsScanned()));
    }

    /** {deleted, target ids scanned} for one partition. */
    private Mono<long[]> reconcile(Partition partition, MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> target) {
        BsonDocument filter = partition.filter();
        Flux<Entry> s = Flux.from(source.find(filter).projection(ID_ONLY).sort(ID_ONLY).batchSize(batchSize))
                .map(d -> Entry.of(true, d, false));
        long[] scanned = new long[1];
        Flux<Entry> t = Flux.from(target.find(filter).projection(ID_ONLY).sort(ID_ONLY).batchSize(batchSize))
                .map(d -> Entry.of(false, d, false))
                .doOnNext(e -> scanned[0]++);
        return SortedIdJoin.join(s, t, Math.min(batchSize, 256))
                .concatMapIterable(DeleteReconciler::targetOnly)
                .buffer(batchSize)
                .concatMap(ids -> confirmAbsent(source, ids))
                .filter(ids -> !ids.isEmpty())
                .concatMap(ids -> Mono.from(target.deleteMany(idIn(ids))))
                .map(DeleteResult::getDeletedCount)
                .reduce(0L, Long::sum)
                .map(deleted -> new long[] {deleted, scanned[0]});
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

    private Mono<List<BsonValue>> confirmAbsent(MongoCollection<RawBsonDocument> source, List<BsonValue> ids) {
        return Flux.from(source.find(idIn(ids)).projection(ID_ONLY).batchSize(batchSize))
                .map(d -> d.get("_id"))
                .collect(HashSet<BsonValue>::new, Set::add)
                .map(present -> ids.stream().filter(id -> !present.contains(id)).toList());
    }

    private static BsonDocument idIn(List<BsonValue> ids) {
        return new BsonDocument("_id", new BsonDocument("$in", new BsonArray(ids)));
    }
}
