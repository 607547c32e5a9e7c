package io.dataworks.migrations.verify;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.IdMapping;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.verify.SortedIdJoin.Entry;
import io.dataworks.migrations.checkpoint.CheckpointHeader;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.checkpoint.VerifyRecord;
import io.dataworks.migrations.checkpoint.VerifyRecord.Outcome;
import io.dataworks.migrations.endpoint.Requests;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Verifies that a target namespace holds what the source holds.
 *
 * <ol>
 *   <li>Counts of both namespaces ({@code countDocuments}).</li>
 *   <li>Per partition of the copy's plan, with the same bounds on both sides: an order-independent digest
 *       of every document's raw BSON ({@link ContentDigest}), computed while streaming.</li>
 *   <li>For a partition whose digests differ: a merge-join of both sides' {@code _id}-sorted cursors names
 *       the documents missing on the target, extra on the target and different; documents found on one
 *       side only are confirmed by an {@code $in} lookup on the other side before they are reported.</li>
 * </ol>
 *
 * When the copy's strategy transforms documents, step 2 and 3 are replaced by the strategy's own check
 * ({@link MigrationStrategy#verify}) of each source document against the target document with the same
 * {@code _id}, looked up in batches; the result says {@code method: "strategy"}.
 *
 * <p>When counts differ or a partition differs, the documents outside every partition's range (an {@code _id} type
 * the plan did not know, documents added outside it) are compared too, so that every missing and extra {@code _id}
 * is named, never only counted.
 *
 * <p>Partitions run {@code parallelism} at a time; each finished partition is recorded in the run's
 * {@link VerifyRecord}, so an <em>interrupted</em> verification resumes; a finished one is never reused.
 * Every read goes through the endpoints' {@link Requests} (retries on throttling and transient errors; sorted
 * cursors resume after their last {@code _id}). Memory is bounded by cursor batches, never by collection size.
 */
public final class Verifier {

    private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);
    private static final BsonDocument BY_ID = new BsonDocument("_id", new BsonInt32(1));
    private static final BsonDocumentCodec DOCUMENT_CODEC = new BsonDocumentCodec();

    /**
     * Computes and compares the per-partition digests of both sides somewhere else (a distributed verification: Spark
     * executors, each partition a task, each computing {@link #compareDigests}). The verifier records the outcomes; a
     * partition reported as differing is compared document by document here, so its differences are named.
     */
    @FunctionalInterface
    public interface PartitionDigests {
        /** One outcome per partition given, in any order; cold. */
        Mono<List<Outcome>> compare(NamespacePlan plan, List<Partition> partitions);
    }

    /** Where partition digests are compared; {@code null}: here. */
    private final PartitionDigests digests;

    private Verifier(PartitionDigests digests) {
        this.digests = digests;
    }

    public static Verifier create() {
        return new Verifier(null);
    }

    /** A verifier whose raw-BSON digests ({@code hash} method) are computed and compared by {@code digests}. */
    public static Verifier create(PartitionDigests digests) {
        return new Verifier(Objects.requireNonNull(digests, "digests"));
    }

    /**
     * One partition's order-independent digests of the source (its range, under the strategy's source filter) and the
     * target (its range), as the {@code hash} method computes them: a match, or a mismatch with both counts (and no
     * document named: {@link #verify} narrows it down). What a distributed verification's task runs.
     */
    public static Mono<Outcome> compareDigests(Partition partition, MongoCollection<RawBsonDocument> source,
                                               MongoCollection<RawBsonDocument> target, BsonDocument strategyFilter,
                                               int batchSize, Requests sourceReads, Requests targetReads) {
        BsonDocument sourceSide = Run.and(partition.filter(), strategyFilter == null ? new BsonDocument() : strategyFilter);
        return Mono.zip(digestOf(source, sourceSide, batchSize, sourceReads), digestOf(target, partition.filter(), batchSize, targetReads))
                .map(d -> new Outcome(partition.index(), d.getT1().sameAs(d.getT2()), d.getT1().count(), d.getT2().count(), 0, 0, 0));
    }

    private static Mono<ContentDigest> digestOf(MongoCollection<RawBsonDocument> coll, BsonDocument filter, int batchSize, Requests reads) {
        // Order does not matter to the digest, so no sort: the server streams in its cheapest order.
        // reduceWith: a retry starts from a new digest, not from the one the failed attempt filled half-way
        return reads.mono(Flux.from(coll.find(filter).batchSize(batchSize)).reduceWith(ContentDigest::new, ContentDigest::add));
    }

    public Mono<VerificationResult> verify(NamespacePlan plan, MongoCollection<RawBsonDocument> source,
                                           MongoCollection<RawBsonDocument> target, VerifyOptions options) {
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(options, "options");
        if (options.store() != null) {
            return Mono.defer(() -> new Run(plan, source, target, options, options.store(), digests).execute());
        }
        return Mono.usingWhen(Mono.fromCallable(() -> CheckpointStore.files(options.checkpointDir())),
                store -> new Run(plan, source, target, options, store, digests).execute(),
                store -> Mono.fromRunnable(store::close));
    }

    /** The state of one namespace's verification. */
    private static final class Run {
        private final NamespacePlan plan;
        private final MongoCollection<RawBsonDocument> source;
        private final MongoCollection<RawBsonDocument> target;
        private final VerifyOptions options;
        private final String method;
        private final BsonDocument strategyFilter;
        private final VerifyRecord record;
        private final DiffWriter diffs;
        private final Requests sourceReads;
        private final Requests targetReads;
        private final PartitionDigests digests;

        Run(NamespacePlan plan, MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> target,
            VerifyOptions options, CheckpointStore store, PartitionDigests digests) {
            this.plan = plan;
            this.digests = digests;
            this.source = source;
            this.target = target;
            this.options = options;
            this.method = options.strategyMode() ? "strategy" : "hash";
            this.strategyFilter = options.strategy() == null ? new BsonDocument() : options.strategy().sourceFilter(plan.source());
            String ns = plan.source().toString();
            this.sourceReads = options.sourceRequests();
            this.targetReads = options.targetRequests();
            String strategyName = options.strategy() == null ? "copy" : options.strategy().name();
            CheckpointHeader header = CheckpointHeader.of(options.sourceIdentity(), options.targetIdentity(), plan.source(),
                    plan.target(), strategyName, NamespaceCheckpoint.fingerprintOf(plan), null);
            this.record = VerifyRecord.open(store, header, method, plan.partitions().size(), options.resume());
            Path diffFile = options.diffFile() != null ? options.diffFile()
                    : options.checkpointDir().resolve("verify-diff-" + CheckpointStore.fileNameOf(plan.source()) + ".jsonl");
            this.diffs = new DiffWriter(diffFile, ns, options.logFirst(), record.resumedPartitions() > 0);
        }

        Mono<VerificationResult> execute() {
            Map<Integer, Outcome> resumed = record.done();
            Mono<long[]> counts = Mono.zip(
                    sourceReads.mono(Mono.from(source.countDocuments(strategyFilter))),
                    targetReads.mono(Mono.from(target.countDocuments())),
                    (s, t) -> new long[] {s, t});
            List<Partition> todo = plan.partitions().stream().filter(p -> !resumed.containsKey(p.index())).toList();
            Flux<Outcome> outcomes;
            if (digests == null || options.strategyMode() || todo.isEmpty()) {
                outcomes = Flux.fromIterable(todo).flatMap(this::verifyPartition, options.parallelism());
            } else {
                // compared elsewhere; a differing partition is compared again here, document by document, to name them
                outcomes = digests.compare(plan, todo)
                        .flatMapMany(Flux::fromIterable)
                        .flatMap(o -> o.match() ? Mono.just(o) : verifyPartition(plan.partitions().get(o.index())), options.parallelism());
            }
            Mono<List<Outcome>> partitions = outcomes
                    .publishOn(Schedulers.boundedElastic())
                    .doOnNext(record::record)
                    .collectList();
            return Mono.zip(counts, partitions)
                    .flatMap(t -> outsidePartitions(t.getT1()).map(outside -> result(t.getT1(), resumed, outside)))
                    .publishOn(Schedulers.boundedElastic())
                    .doOnNext(r -> record.finish())
                    .doFinally(signal -> diffs.close());
        }

        /**
         * When the counts or a partition differ: the documents outside every partition's range, compared by
         * {@code _id} as a partition's are; {missing, extra, different}. Skipped (all zero) when all agreed, as the
         * query may have to scan.
         */
        private Mono<long[]> outsidePartitions(long[] counts) {
            boolean anyMismatch = record.done().values().stream().anyMatch(o -> !o.match());
            if (counts[0] == counts[1] && !anyMismatch) {
                return Mono.just(new long[3]);
            }
            BsonArray ranges = new BsonArray();
            for (Partition p : plan.partitions()) {
                if (p.filter().isEmpty()) {
                    return Mono.just(new long[3]); // one partition covers everything
                }
                ranges.add(p.filter());
            }
            BsonDocument outside = new BsonDocument("$nor", ranges);
            return narrow(and(outside, strategyFilter), outside, "outside the plan's _id ranges");
        }

        private VerificationResult result(long[] counts, Map<Integer, Outcome> resumed, long[] outside) {
            diffs.flush();
            int mismatched = 0;
            long missing = outside[0], extra = outside[1], different = outside[2];
            for (Outcome o : record.done().values()) {
                if (!o.match()) {
                    mismatched++;
                }
                missing += o.missing();
                extra += o.extra();
                different += o.different();
            }
            boolean match = counts[0] == counts[1] && mismatched == 0 && missing + extra + different == 0;
            if (!match && counts[0] != counts[1] && missing + extra + different == 0) {
                LOG.warn("{}: source counts {} documents and target {}, yet no _id differs: documents were added or removed while "
                        + "verifying; verify again once writes have stopped", plan.source(), counts[0], counts[1]);
            }
            long diffCount = missing + extra + different;
            VerificationResult result = new VerificationResult(plan.source(), plan.target(),
                    match ? VerificationResult.Status.MATCH : VerificationResult.Status.MISMATCH, method,
                    counts[0], counts[1], plan.partitions().size(), mismatched, resumed.size(),
                    missing, extra, different, diffCount > 0 ? diffs.file() : null);
            if (match) {
                LOG.info("{}: verified ({}), {} documents on both sides, {} partitions", plan.source(), method, counts[0],
                        plan.partitions().size());
            } else {
                LOG.warn("{}: MISMATCH ({}): source {} target {} documents, {} of {} partitions differ: {} missing, {} extra, {} different{}",
                        plan.source(), method, counts[0], counts[1], mismatched, plan.partitions().size(), missing, extra,
                        different, diffCount > 0 ? "; diff in " + diffs.file() : "");
            }
            return result;
        }

        private Mono<Outcome> verifyPartition(Partition partition) {
            return options.strategyMode() ? verifyWithStrategy(partition) : verifyByHash(partition);
        }

        // ---- hash mode

        private Mono<Outcome> verifyByHash(Partition partition) {
            BsonDocument filter = partition.filter();
            return Mono.zip(digest(source, sourceFilter(partition)), digest(target, filter))
                    .flatMap(d -> {
                        if (d.getT1().sameAs(d.getT2())) {
                            return Mono.just(new Outcome(partition.index(), true, d.getT1().count(), d.getT2().count(), 0, 0, 0));
                        }
                        LOG.info("{}: partition {} differs ({} vs {} documents); narrowing down", plan.source(),
                                partition.index(), d.getT1().count(), d.getT2().count());
                        return narrow(sourceFilter(partition), partition.filter(), "partition " + partition.index())
                                .map(k -> new Outcome(partition.index(), false, d.getT1().count(), d.getT2().count(), k[0], k[1], k[2]));
                    });
        }

        private Mono<ContentDigest> digest(MongoCollection<RawBsonDocument> coll, BsonDocument filter) {
            // Read in _id order so that a retry resumes after the last document read instead of starting the partition
            // over: under a request-unit budget (Cosmos DB) a partition larger than the budget affords between two
            // throttles would otherwise be read from its start for ever. Each document is added to the digest once.
            Requests reads = coll == source ? sourceReads : targetReads;
            return sorted(coll, reads, filter).reduceWith(ContentDigest::new, ContentDigest::add);
        }

        /** Streams both sides in {@code _id} order and writes the differences; returns {missing, extra, different}. */
        private Mono<long[]> narrow(BsonDocument sourceSide, BsonDocument targetSide, String what) {
            LOG.debug("{}: comparing {} document by document", plan.source(), what);
            Flux<Entry> s = sorted(source, sourceReads, sourceSide).map(d -> Entry.of(true, d, true));
            Flux<Entry> t = sorted(target, targetReads, targetSide).map(d -> Entry.of(false, d, true));
            long[] kinds = new long[3];
            return SortedIdJoin.join(s, t, Math.min(options.batchSize(), 256))
                    .concatMapIterable(Run::classify)
                    .buffer(options.batchSize())
                    .concatMap(this::confirm)
                    .publishOn(Schedulers.boundedElastic()) // the diff file is written off the driver's threads
                    .doOnNext(diff -> {
                        kinds[diff.kind().ordinal()]++;
                        diffs.write(diff.kind(), diff.id(), diff.reason());
                    })
                    .then(Mono.fromCallable(() -> kinds));
        }

        /** A difference, or a candidate one when only one side was seen (to be confirmed by a lookup). */
        private record Diff(DiffKind kind, BsonValue id, long hash, String reason) {
        }

        private static List<Diff> classify(List<Entry> group) {
            if (group.size() == 2 && group.get(0).source() != group.get(1).source()
                    && group.get(0).id().equals(group.get(1).id())) {
                return group.get(0).hash() == group.get(1).hash() ? List.of()
                        : List.of(new Diff(DiffKind.DIFFERENT, group.get(0).id(), 0, null));
            }
            // One side only, or ids that sort equal without being equal (1 and 1.0): pair exact equals, the rest are candidates.
            List<Diff> out = new ArrayList<>();
            List<Entry> rest = new ArrayList<>(group);
            while (!rest.isEmpty()) {
                Entry e = rest.remove(0);
                Entry twin = rest.stream().filter(o -> o.source() != e.source() && o.id().equals(e.id())).findFirst().orElse(null);
                if (twin != null) {
                    rest.remove(twin);
                    if (twin.hash() != e.hash()) {
                        out.add(new Diff(DiffKind.DIFFERENT, e.id(), 0, null));
                    }
                } else {
                    out.add(new Diff(e.source() ? DiffKind.MISSING : DiffKind.EXTRA, e.id(), e.hash(), null));
                }
            }
            return out;
        }

        /**
         * Confirms one-sided candidates by looking them up on the other side: a "missing" document found
         * on the target after all was out of order there (different or equal content); an "extra" one
         * found on the source is left to its source-side candidate.
         */
        private Flux<Diff> confirm(List<Diff> batch) {
            List<BsonValue> missingIds = new ArrayList<>();
            List<BsonValue> extraIds = new ArrayList<>();
            for (Diff d : batch) {
                if (d.kind() == DiffKind.MISSING) {
                    missingIds.add(d.id());
                } else if (d.kind() == DiffKind.EXTRA) {
                    extraIds.add(d.id());
                }
            }
            return Mono.zip(lookup(target, missingIds, null), lookup(source, extraIds, strategyFilter))
                    .flatMapIterable(found -> {
                        List<Diff> confirmed = new ArrayList<>(batch.size());
                        for (Diff d : batch) {
                            if (d.kind() == DiffKind.MISSING && found.getT1().containsKey(d.id())) {
                                if (found.getT1().get(d.id()) != d.hash()) {
                                    confirmed.add(new Diff(DiffKind.DIFFERENT, d.id(), 0, null));
                                }
                            } else if (d.kind() == DiffKind.EXTRA && found.getT2().containsKey(d.id())) {
                                continue;
                            } else {
                                confirmed.add(d);
                            }
                        }
                        return confirmed;
                    });
        }

        /** The documents matching {@code filter} in {@code _id} order, resuming after the last one on a retry. */
        private Flux<RawBsonDocument> sorted(MongoCollection<RawBsonDocument> coll, Requests reads, BsonDocument filter) {
            return reads.pacedSortedById(after -> coll.find(after == null ? filter
                    : and(filter, new BsonDocument("_id", new BsonDocument("$gt", after)))).sort(BY_ID).batchSize(options.batchSize()));
        }

        /** {@code _id} → content hash of the documents found. */
        private Mono<Map<BsonValue, Long>> lookup(MongoCollection<RawBsonDocument> coll, List<BsonValue> ids, BsonDocument extra) {
            if (ids.isEmpty()) {
                return Mono.just(Map.of());
            }
            Requests reads = coll == source ? sourceReads : targetReads;
            return reads.mono(Flux.from(coll.find(and(idIn(ids), extra)).batchSize(options.batchSize()))
                    .collectMap(d -> d.get("_id"), ContentDigest::hashOf));
        }

        // ---- strategy mode

        private Mono<Outcome> verifyWithStrategy(Partition partition) {
            MigrationStrategy strategy = options.strategy();
            BsonDocument filter = sourceFilter(partition);
            long[] counts = new long[2];
            long[] kinds = new long[3];
            IdMapping ids = strategy.idMapping();
            if (!ids.isKnown()) {
                return Mono.error(new DataWorksException(ExitCode.USAGE, plan.source() + ": cannot verify with strategy '"
                        + strategy.name() + "': it does not say how target _ids follow from source _ids ("
                        + ids.unknownBecause().orElse("") + ")"));
            }
            return sorted(source, sourceReads, filter)
                    .buffer(options.batchSize())
                    .concatMap(batch -> {
                        List<BsonValue> targetIds = new ArrayList<>(batch.size());
                        batch.forEach(d -> targetIds.add(ids.toTarget(d.get("_id"))));
                        return targetReads.mono(Flux.from(target.find(idIn(targetIds)).batchSize(options.batchSize()))
                                .collectMap(d -> d.get("_id")))
                                .publishOn(Schedulers.boundedElastic()) // the strategy's code, off the driver's threads
                                .flatMapIterable(found -> {
                                    List<Diff> out = new ArrayList<>();
                                    for (RawBsonDocument s : batch) {
                                        BsonValue id = s.get("_id");
                                        RawBsonDocument t = found.get(ids.toTarget(id));
                                        counts[0]++;
                                        if (t != null) {
                                            counts[1]++;
                                        }
                                        // The strategy is the authority, also on absence: verify(s, null) == null
                                        // means it drops or re-keys such documents. It gets mutable documents,
                                        // as transform() does: a RawBsonDocument (or its clone) refuses put().
                                        String reason = strategy.verify(s.decode(DOCUMENT_CODEC),
                                                t == null ? null : t.decode(DOCUMENT_CODEC));
                                        if (reason != null) {
                                            out.add(new Diff(t == null ? DiffKind.MISSING : DiffKind.DIFFERENT, id, 0, reason));
                                        }
                                    }
                                    return out;
                                });
                    })
                    .doOnNext(diff -> {
                        kinds[diff.kind().ordinal()]++;
                        diffs.write(diff.kind(), diff.id(), diff.reason());
                    })
                    .then(Mono.fromCallable(() -> new Outcome(partition.index(), kinds[0] + kinds[2] == 0, counts[0], counts[1],
                            kinds[0], kinds[1], kinds[2])));
        }

        /** The partition on the source side: only what the strategy's source filter let the copy read. */
        private BsonDocument sourceFilter(Partition partition) {
            return and(partition.filter(), strategyFilter);
        }

        static BsonDocument and(BsonDocument a, BsonDocument b) {
            if (b == null || b.isEmpty()) {
                return a;
            }
            return a.isEmpty() ? b : new BsonDocument("$and", new BsonArray(List.of(a, b)));
        }

        private static BsonDocument idIn(List<BsonValue> ids) {
            return new BsonDocument("_id", new BsonDocument("$in", new BsonArray(ids)));
        }
    }
}
