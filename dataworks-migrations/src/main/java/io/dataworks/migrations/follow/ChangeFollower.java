package io.dataworks.migrations.follow;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ObjDoubleConsumer;
import java.util.function.UnaryOperator;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.reactivestreams.client.ChangeStreamPublisher;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.MongoUri;
import io.dataworks.migrations.Namespace;
import io.micrometer.core.instrument.Clock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps the target in sync with the source's change streams, one stream per namespace.
 *
 * <ol>
 *   <li>{@link #capture} — before the copy starts: the server's current operation time becomes each
 *       namespace's start point ({@code follow-<ns>.json}), unless a checkpoint from an earlier run exists.</li>
 *   <li>{@link #start} — after the copy: replays the changes since the start point (or since the last
 *       checkpointed resume token) onto the target. Insert, update and replace become a replace-by-{@code _id}
 *       with upsert of the full document ({@code fullDocument: updateLookup}); delete becomes a delete by
 *       {@code _id}. Changes are applied in batches as unordered bulk writes: within a batch only the last
 *       change per {@code _id} is written, so per-{@code _id} order holds and different {@code _id}s need no
 *       order. Batches are applied one after the other and the resume token of a batch's last change is
 *       checkpointed (atomic file replace) once the target acknowledged it; a restart resumes after it.
 *       Every write is idempotent, so replaying changes after a crash (or from a start point a little too
 *       early) converges to the same target.</li>
 * </ol>
 *
 * Following runs until {@link FollowHandle#stop()} (Ctrl-C), until the {@link Cutover} condition held, or
 * until {@code maxEvents}. Lag and pending events are published as gauges {@code followLagSeconds} and
 * {@code followPendingEvents}.
 *
 * <p>Cosmos DB ({@link FollowOptions#cosmos()}): its change streams require a {@code $match} on
 * {@code insert|update|replace} and a {@code $project} of {@code _id, fullDocument, ns, documentKey}; they
 * carry no deletes (use {@link DeleteReconciler}), no operation type and no {@code clusterTime}, so every
 * event is an upsert of its full document and lag is measured from when an event was received.
 */
public final class ChangeFollower {

    private static final Logger LOG = LoggerFactory.getLogger(ChangeFollower.class);
    private static final Set<String> STREAM_ENDING = Set.of("drop", "rename", "dropDatabase", "invalidate");
    static final List<Bson> COSMOS_PIPELINE = List.of(
            new BsonDocument("$match", new BsonDocument("operationType",
                    new BsonDocument("$in", new BsonArray(List.of(new BsonString("insert"), new BsonString("update"), new BsonString("replace")))))),
            new BsonDocument("$project", new BsonDocument("_id", new BsonInt32(1)).append("fullDocument", new BsonInt32(1))
                    .append("ns", new BsonInt32(1)).append("documentKey", new BsonInt32(1))));

    private static final Duration PROBE_TIME = Duration.ofMillis(300);

    private final FollowOptions options;
    private final Clock clock;
    private final ObjDoubleConsumer<String> gauges;
    private final UnaryOperator<Mono<BulkWriteResult>> writeRetry;

    private ChangeFollower(FollowOptions options, Clock clock, ObjDoubleConsumer<String> gauges,
                           UnaryOperator<Mono<BulkWriteResult>> writeRetry) {
        this.options = Objects.requireNonNull(options, "options");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gauges = Objects.requireNonNull(gauges, "gauges");
        this.writeRetry = Objects.requireNonNull(writeRetry, "writeRetry");
    }

    public static ChangeFollower create(FollowOptions options) {
        return create(options, Clock.SYSTEM, (name, value) -> { }, UnaryOperator.identity());
    }

    /**
     * @param gauges     receives {@code followLagSeconds} and {@code followPendingEvents}; pass {@code metricsCollector::gauge}
     * @param writeRetry wraps each bulk write, e.g. {@code retryPolicy::apply}
     */
    public static ChangeFollower create(FollowOptions options, Clock clock, ObjDoubleConsumer<String> gauges,
                                        UnaryOperator<Mono<BulkWriteResult>> writeRetry) {
        return new ChangeFollower(options, clock, gauges, writeRetry);
    }

    /**
     * Records where following will start, before the copy reads anything: the server's operation time
     * (or, when it reports none, its clock minus {@code startMargin}). A namespace that already has a
     * checkpoint keeps it, so a restarted migration does not skip the changes made meanwhile.
     *
     * @param namespaces source → target
     */
    public Mono<List<FollowCheckpoint>> capture(MongoClient source, Map<Namespace, Namespace> namespaces) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(namespaces, "namespaces");
        return serverStartTime(source.getDatabase("admin"))
                .flatMap(start -> Flux.fromIterable(namespaces.keySet())
                        .flatMap(ns -> probe(source, ns, start), Math.max(1, namespaces.size()))
                        .then(Mono.just(start)))
                .publishOn(Schedulers.boundedElastic())
                .map(start -> {
                    List<FollowCheckpoint> points = new ArrayList<>();
                    namespaces.forEach((src, tgt) -> {
                        Path file = FollowCheckpoint.fileFor(options.checkpointDir(), src);
                        FollowCheckpoint cp = FollowCheckpoint.load(file).orElse(null);
                        if (cp != null && cp.target().equals(tgt)) {
                            LOG.info("{}: following resumes from its checkpoint {}", src, file);
                        } else {
                            cp = new FollowCheckpoint(src, tgt, null, start, Map.of());
                            cp.save(file);
                            LOG.info("{}: changes will be followed from {}", src, describe(start));
                        }
                        points.add(cp);
                    });
                    return points;
                });
    }

    /**
     * Opens the change stream once, briefly, so that a source without change streams (a standalone
     * server, a Cosmos DB account without them) fails now rather than after a copy of hours.
     */
    private Mono<Void> probe(MongoClient source, Namespace ns, BsonTimestamp start) {
        MongoCollection<RawBsonDocument> coll = source.getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
        ChangeStreamPublisher<RawBsonDocument> stream = options.cosmos()
                ? coll.watch(COSMOS_PIPELINE, RawBsonDocument.class) : coll.watch(RawBsonDocument.class);
        return Flux.from(stream.startAtOperationTime(start).batchSize(1))
                .take(PROBE_TIME)
                .then()
                .onErrorMap(e -> new DataWorksException(ExitCode.FAILED, ns + ": cannot open a change stream on the source ("
                        + MongoUri.maskSecrets(String.valueOf(e.getMessage())) + "); --follow needs a replica set, a sharded"
                        + " cluster, Atlas, or Cosmos DB for MongoDB 4.0+ with change streams", e));
    }

    private Mono<BsonTimestamp> serverStartTime(MongoDatabase admin) {
        return Mono.from(admin.runCommand(new BsonDocument("hello", new BsonInt32(1)), BsonDocument.class))
                .onErrorResume(e -> Mono.from(admin.runCommand(new BsonDocument("isMaster", new BsonInt32(1)), BsonDocument.class)))
                .map(reply -> {
                    if (reply.isTimestamp("operationTime")) {
                        return reply.getTimestamp("operationTime");
                    }
                    long millis = reply.isDateTime("localTime") ? reply.getDateTime("localTime").getValue() : clock.wallTime();
                    return new BsonTimestamp((int) ((millis - options.startMargin().toMillis()) / 1000), 0);
                });
    }

    private static String describe(BsonTimestamp ts) {
        return Instant.ofEpochSecond(ts.getTime()) + " (" + ts.getTime() + ":" + ts.getInc() + ")";
    }

    /**
     * Starts following every namespace from its checkpoint (written by {@link #capture}). Runs until
     * stopped; subscribe to {@link FollowHandle#result()} for the outcome.
     *
     * @param namespaces source → target, as given to {@link #capture}
     */
    public FollowHandle start(MongoClient source, MongoClient target, Map<Namespace, Namespace> namespaces) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(namespaces, "namespaces");
        List<Stream> streams = new ArrayList<>();
        namespaces.forEach((src, tgt) -> {
            Path file = FollowCheckpoint.fileFor(options.checkpointDir(), src);
            FollowCheckpoint cp = FollowCheckpoint.load(file).orElseThrow(() -> new IllegalStateException(
                    src + ": no follow start point in " + file + "; capture() must run before the copy"));
            streams.add(new Stream(cp, file,
                    source.getDatabase(src.database()).getCollection(src.collection(), RawBsonDocument.class),
                    target.getDatabase(tgt.database()).getCollection(tgt.collection(), RawBsonDocument.class)));
        });
        Running running = new Running(streams);
        running.begin();
        return running;
    }

    /** One namespace's stream and its progress. */
    private final class Stream {
        final Namespace source;
        final Path file;
        final MongoCollection<RawBsonDocument> from;
        final MongoCollection<RawBsonDocument> to;
        final Map<String, AtomicLong> appliedRun = new ConcurrentHashMap<>();
        final ConcurrentLinkedDeque<Long> pendingMillis = new ConcurrentLinkedDeque<>();
        final AtomicLong applied = new AtomicLong();
        final AtomicLong coalesced = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong batches = new AtomicLong();
        volatile FollowCheckpoint checkpoint;

        Stream(FollowCheckpoint checkpoint, Path file, MongoCollection<RawBsonDocument> from, MongoCollection<RawBsonDocument> to) {
            this.checkpoint = checkpoint;
            this.source = checkpoint.source();
            this.file = file;
            this.from = from;
            this.to = to;
        }

        Mono<Void> follow(Mono<Void> stopSignal) {
            ChangeStreamPublisher<RawBsonDocument> publisher = (options.cosmos()
                    ? from.watch(COSMOS_PIPELINE, RawBsonDocument.class)
                    : from.watch(RawBsonDocument.class))
                    .fullDocument(FullDocument.UPDATE_LOOKUP)
                    .batchSize(options.batchSize());
            FollowCheckpoint cp = checkpoint;
            publisher = cp.resumeToken() != null
                    ? publisher.resumeAfter(cp.resumeToken())
                    : publisher.startAtOperationTime(cp.startAtOperationTime());
            LOG.info("{}: following changes {}", source, cp.resumeToken() != null
                    ? "after resume token " + cp.resumeToken().toJson() : "from " + describe(cp.startAtOperationTime()));

            Flux<ChangeStreamDocument<RawBsonDocument>> events = Flux.from(publisher)
                    .takeUntilOther(stopSignal)
                    .takeUntil(e -> e.getOperationTypeString() != null && STREAM_ENDING.contains(e.getOperationTypeString()));
            if (options.maxEvents() > 0) {
                events = events.take(options.maxEvents(), true);
            }
            return events
                    .doOnNext(e -> pendingMillis.addLast(eventMillis(e)))
                    .bufferTimeout(options.batchSize(), options.batchTimeout())
                    .concatMap(this::apply, 1)
                    .then();
        }

        private long eventMillis(ChangeStreamDocument<RawBsonDocument> e) {
            return e.getClusterTime() != null ? e.getClusterTime().getTime() * 1000L : clock.wallTime();
        }

        /** Writes the batch's net effect, then checkpoints its last resume token. */
        private Mono<Void> apply(List<ChangeStreamDocument<RawBsonDocument>> batch) {
            Map<BsonValue, ChangeStreamDocument<RawBsonDocument>> latest = new LinkedHashMap<>();
            Map<String, Long> kinds = new TreeMap<>();
            for (ChangeStreamDocument<RawBsonDocument> e : batch) {
                String kind = kindOf(e);
                BsonValue id = idOf(e);
                kinds.merge(kind, 1L, Long::sum);
                if (STREAM_ENDING.contains(kind)) {
                    LOG.warn("{}: the change stream ended with a {} event; following of this namespace stops", source, kind);
                } else if (id == null) {
                    // No _id in documentKey nor in the looked-up document: nothing to apply it to. A later
                    // delete of the same document follows in the stream.
                    skipped.incrementAndGet();
                } else {
                    if (latest.remove(id) != null) {
                        coalesced.incrementAndGet();
                    }
                    latest.put(id, e);
                }
            }
            List<WriteModel<RawBsonDocument>> writes = new ArrayList<>(latest.size());
            latest.forEach((id, e) -> {
                if ("delete".equals(kindOf(e))) {
                    writes.add(new DeleteOneModel<>(Filters.eq("_id", id)));
                } else {
                    RawBsonDocument full = e.getFullDocument();
                    // No full document: it was deleted after this change; the delete follows in the stream.
                    if (full != null && full.containsKey("_id")) {
                        writes.add(new ReplaceOneModel<>(Filters.eq("_id", id), full, new ReplaceOptions().upsert(true)));
                    }
                }
            });
            Mono<BulkWriteResult> write = writes.isEmpty() ? Mono.empty()
                    : writeRetry.apply(Mono.from(to.bulkWrite(writes, new BulkWriteOptions().ordered(false))));
            BsonDocument token = batch.get(batch.size() - 1).getResumeToken();
            return write.then(Mono.fromRunnable(() -> {
                kinds.forEach((k, n) -> appliedRun.computeIfAbsent(k, x -> new AtomicLong()).addAndGet(n));
                Map<String, Long> total = new TreeMap<>(checkpoint.applied());
                kinds.forEach((k, n) -> total.merge(k, n, Long::sum));
                FollowCheckpoint next = checkpoint.withProgress(token, total);
                next.save(file);
                checkpoint = next;
                for (int i = 0; i < batch.size(); i++) {
                    pendingMillis.pollFirst();
                }
                applied.addAndGet(batch.size());
                batches.incrementAndGet();
            }).subscribeOn(Schedulers.boundedElastic())).then();
        }

        Map<String, Long> appliedThisRun() {
            Map<String, Long> m = new TreeMap<>();
            appliedRun.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }
    }

    private String kindOf(ChangeStreamDocument<RawBsonDocument> e) {
        String op = e.getOperationTypeString();
        return op == null ? "upsert" : op; // Cosmos DB events carry no operation type: all are upserts
    }

    /** The changed document's {@code _id}: from {@code documentKey}, else from the full document. */
    private static BsonValue idOf(ChangeStreamDocument<RawBsonDocument> e) {
        BsonDocument key = e.getDocumentKey();
        if (key != null && key.containsKey("_id")) {
            return key.get("_id");
        }
        RawBsonDocument full = e.getFullDocument();
        return full != null && full.containsKey("_id") ? full.get("_id") : null;
    }

    /** All namespaces' streams, the stop signal and the lag monitor. */
    private final class Running implements FollowHandle {
        private final List<Stream> streams;
        private final Sinks.Empty<Void> stop = Sinks.empty();
        private final AtomicReference<FollowResult.StopReason> reason = new AtomicReference<>();
        private final Sinks.One<FollowResult> result = Sinks.one();
        private volatile long belowSince = -1;

        Running(List<Stream> streams) {
            this.streams = streams;
        }

        void begin() {
            Mono<Void> stopSignal = stop.asMono();
            Flux.interval(options.sampleInterval(), Schedulers.parallel())
                    .takeUntilOther(result.asMono().materialize())
                    .subscribe(tick -> sample());
            Flux.fromIterable(streams)
                    .flatMap(s -> s.follow(stopSignal), Math.max(1, streams.size()))
                    .then(Mono.fromCallable(this::finish))
                    .subscribe(
                            r -> result.tryEmitValue(r),
                            e -> {
                                LOG.error("following stopped on an error; the last applied batch is checkpointed", e);
                                result.tryEmitError(e);
                            });
        }

        private void sample() {
            double lag = lagSeconds();
            gauges.accept("followLagSeconds", lag);
            gauges.accept("followPendingEvents", pendingEvents());
            Cutover cutover = options.cutover();
            if (cutover == null) {
                return;
            }
            long now = clock.monotonicTime();
            if (lag * 1000 <= cutover.maxLag().toMillis()) {
                if (belowSince < 0) {
                    belowSince = now;
                } else if (now - belowSince >= cutover.holdFor().toNanos()) {
                    LOG.info("cut-over conditions hold: lag {} s <= {} for {}; stopping", lag, cutover.maxLag(), cutover.holdFor());
                    stop(FollowResult.StopReason.CUTOVER);
                }
            } else {
                belowSince = -1;
            }
        }

        private FollowResult finish() {
            FollowResult.StopReason why = reason.get();
            if (why == null) {
                why = options.maxEvents() > 0 ? FollowResult.StopReason.MAX_EVENTS : FollowResult.StopReason.SOURCE_ENDED;
            }
            Map<String, Long> run = new TreeMap<>();
            Map<String, Long> total = new TreeMap<>();
            long coalesced = 0;
            long skipped = 0;
            long batches = 0;
            for (Stream s : streams) {
                s.appliedThisRun().forEach((k, v) -> run.merge(k, v, Long::sum));
                s.checkpoint.applied().forEach((k, v) -> total.merge(k, v, Long::sum));
                coalesced += s.coalesced.get();
                skipped += s.skipped.get();
                batches += s.batches.get();
            }
            double lag = lagSeconds();
            gauges.accept("followLagSeconds", lag);
            gauges.accept("followPendingEvents", pendingEvents());
            FollowResult r = new FollowResult(why, run, total, coalesced, skipped, batches, lag, pendingEvents(), options.checkpointDir(),
                    options.cosmos());
            LOG.info(r.summary());
            return r;
        }

        void stop(FollowResult.StopReason why) {
            reason.compareAndSet(null, why);
            stop.tryEmitEmpty();
        }

        @Override
        public void stop() {
            stop(FollowResult.StopReason.STOPPED);
        }

        @Override
        public Mono<FollowResult> result() {
            return result.asMono();
        }

        @Override
        public double lagSeconds() {
            long now = clock.wallTime();
            long oldest = Long.MAX_VALUE;
            for (Stream s : streams) {
                Long first = s.pendingMillis.peekFirst();
                if (first != null) {
                    oldest = Math.min(oldest, first);
                }
            }
            return oldest == Long.MAX_VALUE ? 0 : Math.max(0, (now - oldest) / 1000.0);
        }

        @Override
        public long pendingEvents() {
            return streams.stream().mapToLong(s -> s.pendingMillis.size()).sum();
        }

        @Override
        public long appliedEvents() {
            return streams.stream().mapToLong(s -> s.applied.get()).sum();
        }
    }
}
