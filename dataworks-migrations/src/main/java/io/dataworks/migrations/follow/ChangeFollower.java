package io.dataworks.migrations.follow;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

import com.mongodb.MongoException;
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
import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.MongoUri;
import io.dataworks.migrations.IdMapping;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.NamespaceMapping;
import io.dataworks.migrations.checkpoint.CheckpointHeader;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.endpoint.Requests;
import io.micrometer.core.instrument.Clock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps the target in sync with the source's change streams, one stream per namespace.
 *
 * <ol>
 *   <li>{@link #capture} — before the copy starts: the server's current operation time becomes each
 *       namespace's start point (the namespace's follow record in the checkpoint store), unless a checkpoint from an earlier run exists.</li>
 *   <li>{@link #start} — after the copy: replays the changes since the start point (or since the last
 *       checkpointed resume token) onto the target, through the same {@link DocumentStage} as the copy
 *       ({@link FollowOptions#documents()}). Changes are applied in batches as unordered bulk writes: within a batch only
 *       the last change per source {@code _id} counts, so per-{@code _id} order holds and different {@code _id}s need no
 *       order. Batches are applied one after the other and the resume token of a batch's last change is checkpointed
 *       (atomic file replace) once the target acknowledged it; a restart resumes after it. Every write is idempotent, so
 *       replaying changes after a crash (or from a start point a little too early) converges to the same target.</li>
 * </ol>
 *
 * <h2>What a change becomes</h2>
 * <ul>
 *   <li>Insert, update, replace: the source document as it is now (the change's {@code fullDocument}, looked up with
 *       {@code updateLookup}; or, when the strategy has a filter or a projection, re-read by {@code _id} with them, see
 *       {@link DocumentStage}) goes through the strategy's transform and the size check; each resulting document is
 *       written as a replace-by-{@code _id} with upsert. A document the filter excludes, or the transform drops, is not
 *       written, and when it was an update or replace its target document is deleted ({@code idMapping().toTarget});
 *       a document too large for the target is refused (counted, logged; not safe to switch).</li>
 *   <li>Delete: a delete of {@code idMapping().toTarget(_id)}.</li>
 *   <li>A strategy whose {@link IdMapping} is unknown cannot find the target documents of a source document: following
 *       then fails (exit 1) at the first delete, or update that takes a document out of the strategy's view, with a
 *       message saying why; its checkpoint stays before that change. Inserts and updates that stay in view are applied.</li>
 *   <li>{@code drop}, {@code rename}, {@code dropDatabase}, {@code invalidate}: the namespace's stream has ended and its
 *       later changes are lost to following. Every stream stops; the result is {@link FollowResult.StopReason#SOURCE_ENDED}
 *       (exit 1) and names the namespace to recopy with {@code --fresh}. The checkpoint stays before the ending event.</li>
 *   <li>A resume token or start time the source no longer has (oplog rolled over: code 286 ChangeStreamHistoryLost, 280,
 *       or "resume point may no longer be in the oplog") fails following with a {@link DataWorksException} (exit 1) that
 *       names the namespace and the way out; it never restarts from "now".</li>
 * </ul>
 *
 * <h2>Pace and threads</h2>
 * Batching is demand-driven (Reactor's fair {@code bufferTimeout}): while the target is slow, changes wait in the change
 * stream's cursor (no {@code getMore} is sent), never in an unbounded queue, and no batch overflows. Reads of the source
 * and writes to the target go through {@link Requests} (the one retry policy). The strategy's plug-in code and the
 * checkpoint's file I/O run on the {@code blocking} scheduler given to {@link #create(FollowOptions, Requests, Requests,
 * Clock, ObjDoubleConsumer, Scheduler) create} ({@link Schedulers#boundedElastic()} by default), never on a driver
 * callback thread. A namespace with
 * changes pending and nothing applied for {@link FollowOptions#stallTimeout()} is reported stuck (a WARN).
 *
 * <p>Following runs until {@link FollowHandle#stop()} (Ctrl-C), until the {@link Cutover} condition held, until
 * {@code maxEvents}, or until a stream ended. Lag and pending events are published as gauges {@code followLagSeconds} and
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
    /** Refused documents logged one by one per namespace; the rest are counted. */
    private static final int REFUSALS_LOGGED = 10;
    private static final Set<Integer> HISTORY_LOST_CODES = Set.of(286, 280);
    /** What ended a stream that the server closed without an ending event. */
    static final String CLOSED = "closed by the server";

    private final FollowOptions options;
    private final Requests sourceRequests;
    private final Requests targetRequests;
    private final Clock clock;
    private final ObjDoubleConsumer<String> gauges;
    private final UnaryOperator<Mono<BulkWriteResult>> writeRetry;
    private final Scheduler blocking;

    private ChangeFollower(FollowOptions options, Requests sourceRequests, Requests targetRequests, Clock clock,
                           ObjDoubleConsumer<String> gauges, UnaryOperator<Mono<BulkWriteResult>> writeRetry, Scheduler blocking) {
        this.options = Objects.requireNonNull(options, "options");
        this.blocking = Objects.requireNonNull(blocking, "blocking");
        this.sourceRequests = Objects.requireNonNull(sourceRequests, "sourceRequests");
        this.targetRequests = Objects.requireNonNull(targetRequests, "targetRequests");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gauges = Objects.requireNonNull(gauges, "gauges");
        this.writeRetry = Objects.requireNonNull(writeRetry, "writeRetry");
    }

    /** A follower whose requests are not retried (tests, or a caller that wraps the clients itself). */
    public static ChangeFollower create(FollowOptions options) {
        return create(options, Requests.NONE, Requests.NONE, Clock.SYSTEM, (name, value) -> { });
    }

    /**
     * @param sourceRequests wraps every read of the source (the change stream, re-reads by {@code _id})
     * @param targetRequests wraps every bulk write to the target
     * @param gauges         receives {@code followLagSeconds} and {@code followPendingEvents}; pass {@code metricsCollector::gauge}
     */
    public static ChangeFollower create(FollowOptions options, Requests sourceRequests, Requests targetRequests, Clock clock,
                                        ObjDoubleConsumer<String> gauges) {
        return create(options, sourceRequests, targetRequests, clock, gauges, Schedulers.boundedElastic());
    }

    /**
     * @param blocking where the strategy's transform and the checkpoint's file I/O run (the target endpoint's
     *                 {@code blocking()} scheduler); never a driver callback thread
     */
    public static ChangeFollower create(FollowOptions options, Requests sourceRequests, Requests targetRequests, Clock clock,
                                        ObjDoubleConsumer<String> gauges, Scheduler blocking) {
        return new ChangeFollower(options, sourceRequests, targetRequests, clock, gauges, UnaryOperator.identity(), blocking);
    }

    /**
     * The former entry point: only bulk writes are retried ({@code writeRetry}), reads are not.
     *
     * @deprecated use {@link #create(FollowOptions, Requests, Requests, Clock, ObjDoubleConsumer)} with
     * {@link Requests#retrying} for both sides
     */
    @Deprecated
    public static ChangeFollower create(FollowOptions options, Clock clock, ObjDoubleConsumer<String> gauges,
                                        UnaryOperator<Mono<BulkWriteResult>> writeRetry) {
        return new ChangeFollower(options, Requests.NONE, Requests.NONE, clock, gauges, writeRetry, Schedulers.boundedElastic());
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
                .publishOn(blocking) // checkpoint files
                .map(start -> {
                    List<FollowCheckpoint> points = new ArrayList<>();
                    namespaces.forEach((src, tgt) -> {
                        String file = options.records().describe(CheckpointStore.Kind.FOLLOW, src);
                        FollowCheckpoint cp = loadPoint(src).orElse(null);
                        if (cp != null && cp.target().equals(tgt)) {
                            LOG.info("{}: following resumes from its checkpoint {}", src, file);
                        } else {
                            cp = new FollowCheckpoint(src, tgt, null, start, Map.of());
                            savePoint(cp);
                            LOG.info("{}: changes will be followed from {}", src, describe(start));
                        }
                        points.add(cp);
                    });
                    return points;
                });
    }

    /**
     * The follow record of {@code source} from the store: its start point and resume token. A record whose header says
     * it was written for another source, target or strategy is not resumed (following starts from a new point).
     */
    private java.util.Optional<FollowCheckpoint> loadPoint(Namespace source) {
        CheckpointStore store = options.records();
        return store.read(CheckpointStore.Kind.FOLLOW, source).flatMap(doc -> {
            if (options.headers() != null && doc.isDocument("header")) {
                String mismatch = CheckpointHeader.fromBson(doc.getDocument("header")).mismatch(options.headers().apply(source));
                if (mismatch != null) {
                    LOG.warn("{}: the follow record {} was written for {}; following starts from a new point", source,
                            store.describe(CheckpointStore.Kind.FOLLOW, source), mismatch);
                    return java.util.Optional.empty();
                }
            }
            return java.util.Optional.of(FollowCheckpoint.fromBson(doc.isDocument("follow") ? doc.getDocument("follow") : doc));
        });
    }

    /** Replaces the follow record of the checkpoint's namespace (atomically), with the common header when there is one. */
    private void savePoint(FollowCheckpoint checkpoint) {
        BsonDocument doc = new BsonDocument();
        if (options.headers() != null) {
            doc.append("header", options.headers().apply(checkpoint.source()).toBson());
        }
        doc.append("follow", checkpoint.toBson());
        options.records().write(CheckpointStore.Kind.FOLLOW, checkpoint.source(), doc);
    }

    /**
     * Opens the change stream once, briefly, so that a source without change streams (a standalone
     * server, a Cosmos DB account without them) fails now rather than after a copy of hours.
     */
    private Mono<Void> probe(MongoClient source, Namespace ns, BsonTimestamp start) {
        MongoCollection<RawBsonDocument> coll = source.getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
        ChangeStreamPublisher<RawBsonDocument> stream = options.cosmos()
                ? coll.watch(COSMOS_PIPELINE, RawBsonDocument.class) : coll.watch(RawBsonDocument.class);
        return sourceRequests.flux(Flux.defer(() -> Flux.from(stream.startAtOperationTime(start).batchSize(1))))
                .take(PROBE_TIME)
                .then()
                .onErrorMap(e -> new DataWorksException(ExitCode.FAILED, ns + ": cannot open a change stream on the source ("
                        + MongoUri.maskSecrets(String.valueOf(e.getMessage())) + "); --follow needs a replica set, a sharded"
                        + " cluster, Atlas, or Cosmos DB for MongoDB 4.0+ with change streams", e));
    }

    private Mono<BsonTimestamp> serverStartTime(MongoDatabase admin) {
        return sourceRequests.mono(Mono.defer(() -> Mono.from(admin.runCommand(new BsonDocument("hello", new BsonInt32(1)), BsonDocument.class))))
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
        IdMapping ids = options.documents().idMapping();
        if (!ids.isKnown()) {
            LOG.warn("strategy '{}' declares no _id mapping ({}): following stops with an error at the first change that must"
                    + " remove target documents (a delete, or an update that leaves the strategy's filter)",
                    options.documents().strategy().name(), ids.unknownBecause().orElse(""));
        }
        List<Stream> streams = new ArrayList<>();
        namespaces.forEach((src, tgt) -> {
            String file = options.records().describe(CheckpointStore.Kind.FOLLOW, src);
            FollowCheckpoint cp = loadPoint(src).orElseThrow(() -> new IllegalStateException(
                    src + ": no follow start point in " + file + "; capture() must run before the copy"));
            streams.add(new Stream(cp, file,
                    source.getDatabase(src.database()).getCollection(src.collection(), RawBsonDocument.class),
                    target.getDatabase(tgt.database()).getCollection(tgt.collection(), RawBsonDocument.class)));
        });
        Running running = new Running(streams);
        running.begin();
        return running;
    }

    /**
     * Whether {@code failure} says the change stream cannot resume from where it was asked to because the source no
     * longer has that point in its history: code 286 (ChangeStreamHistoryLost), 280 (ChangeStreamFatalError), or the
     * message older servers and Cosmos DB give ("resume point may no longer be in the oplog").
     */
    static boolean historyLost(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof MongoException mongo && HISTORY_LOST_CODES.contains(mongo.getCode())) {
                return true;
            }
            String message = String.valueOf(t.getMessage());
            if (message.contains("resume point may no longer be in the oplog") || message.contains("ChangeStreamHistoryLost")) {
                return true;
            }
        }
        return false;
    }

    /** One namespace's stream and its progress. */
    private final class Stream {
        final Namespace source;
        final String file;
        final MongoCollection<RawBsonDocument> from;
        final MongoCollection<RawBsonDocument> to;
        final DocumentStage stage = options.documents();
        /** Whether changed documents are re-read with the strategy's filter and projection instead of taken from the event. */
        final boolean reRead;
        final Map<String, AtomicLong> appliedRun = new ConcurrentHashMap<>();
        final ConcurrentLinkedDeque<Long> pendingMillis = new ConcurrentLinkedDeque<>();
        final AtomicLong applied = new AtomicLong();
        final AtomicLong coalesced = new AtomicLong();
        final AtomicLong skipped = new AtomicLong();
        final AtomicLong excluded = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong batches = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        volatile FollowCheckpoint checkpoint;
        /** The last event received (not necessarily applied): a retried stream reopens after it. */
        volatile BsonDocument lastReceived;
        volatile String endedBy;
        /** Monotonic time of the last progress (a batch applied, or changes arriving when none were pending). */
        volatile long progressNanos = clock.monotonicTime();
        volatile long progressWallMillis = clock.wallTime();
        volatile boolean stallReported;
        Running owner;

        Stream(FollowCheckpoint checkpoint, String file, MongoCollection<RawBsonDocument> from, MongoCollection<RawBsonDocument> to) {
            this.checkpoint = checkpoint;
            this.source = checkpoint.source();
            this.file = file;
            this.from = from;
            this.to = to;
            this.reRead = !stage.readsWholeDocuments(source);
        }

        Mono<Void> follow(Mono<Void> stopSignal) {
            FollowCheckpoint cp = checkpoint;
            LOG.info("{}: following changes {}{}", source, cp.resumeToken() != null
                    ? "after resume token " + cp.resumeToken().toJson() : "from " + describe(cp.startAtOperationTime()),
                    reRead ? " (changed documents are re-read with the filter of strategy '" + stage.strategy().name() + "')" : "");
            Flux<ChangeStreamDocument<RawBsonDocument>> events = sourceRequests.flux(Flux.defer(this::open))
                    .onErrorMap(ChangeFollower::historyLost, this::historyLostError)
                    .takeUntilOther(stopSignal)
                    .takeUntil(e -> e.getOperationTypeString() != null && STREAM_ENDING.contains(e.getOperationTypeString()));
            if (options.maxEvents() > 0) {
                events = events.take(options.maxEvents(), true);
            }
            return events
                    .doOnNext(e -> {
                        if (pendingMillis.isEmpty()) {
                            progress(); // waiting starts now, not when the previous change was applied
                        }
                        pendingMillis.addLast(eventMillis(e));
                        received.incrementAndGet();
                    })
                    // fair: a batch is emitted only when apply asked for one, so a slow target holds the stream back
                    // instead of overflowing (the plain bufferTimeout fails with OverflowException)
                    .bufferTimeout(options.batchSize(), options.batchTimeout(), true)
                    .concatMap(this::apply, 1)
                    .then(Mono.fromRunnable(this::completed));
        }

        /** A stream that completed although nobody stopped it, without an ending event and before maxEvents: the server closed it. */
        private void completed() {
            if (owner.reason.get() != null || endedBy != null || (options.maxEvents() > 0 && received.get() >= options.maxEvents())) {
                return;
            }
            ended(CLOSED);
        }

        private void ended(String why) {
            endedBy = why;
            LOG.error("{}: the change stream ended ({}): later changes of {} cannot be followed and the target is incomplete for"
                    + " it. Following stops; recopy {} with --fresh, then --follow again.", source, why, source, source);
            owner.stop(FollowResult.StopReason.SOURCE_ENDED);
        }

        /** Opens the stream after the last event received, else from the checkpoint. */
        private Flux<ChangeStreamDocument<RawBsonDocument>> open() {
            ChangeStreamPublisher<RawBsonDocument> publisher = (options.cosmos()
                    ? from.watch(COSMOS_PIPELINE, RawBsonDocument.class)
                    : from.watch(RawBsonDocument.class))
                    // updateLookup even when documents are re-read: some servers (the embedded one) put the _id of an
                    // update only in the looked-up document
                    .fullDocument(FullDocument.UPDATE_LOOKUP)
                    .batchSize(options.batchSize());
            BsonDocument token = lastReceived != null ? lastReceived : checkpoint.resumeToken();
            publisher = token != null ? publisher.resumeAfter(token) : publisher.startAtOperationTime(checkpoint.startAtOperationTime());
            return Flux.from(publisher).doOnNext(e -> lastReceived = e.getResumeToken());
        }

        private Throwable historyLostError(Throwable e) {
            FollowCheckpoint cp = checkpoint;
            String from = lastReceived != null || cp.resumeToken() != null
                    ? "resume token " + (lastReceived != null ? lastReceived : cp.resumeToken()).toJson()
                    : "start time " + describe(cp.startAtOperationTime());
            return new DataWorksException(ExitCode.FAILED, source + ": the source no longer has the changes since the follow"
                    + " checkpoint (" + from + "): " + MongoUri.maskSecrets(String.valueOf(e.getMessage())) + ". The changes in"
                    + " between are lost to following, so the target is incomplete for " + source + ". Recopy that namespace"
                    + " with --fresh, then --follow again (a larger oplog, or a longer change stream retention, keeps this from"
                    + " happening again).", e);
        }

        private long eventMillis(ChangeStreamDocument<RawBsonDocument> e) {
            return e.getClusterTime() != null ? e.getClusterTime().getTime() * 1000L : clock.wallTime();
        }

        private void progress() {
            progressNanos = clock.monotonicTime();
            progressWallMillis = clock.wallTime();
            if (stallReported) {
                stallReported = false;
                LOG.info("{}: following applies changes again", source);
            }
        }

        /** The batch's changes, net per source {@code _id}, and where it ends. */
        private final class Net {
            final Map<BsonValue, ChangeStreamDocument<RawBsonDocument>> latest = new LinkedHashMap<>();
            final Map<String, Long> kinds = new TreeMap<>();
            /** The resume token of the batch's last applicable change, or null when it holds none. */
            BsonDocument token;
            String ending;
        }

        /** Writes the batch's net effect, then checkpoints its last resume token. */
        private Mono<Void> apply(List<ChangeStreamDocument<RawBsonDocument>> batch) {
            Net net = new Net();
            for (ChangeStreamDocument<RawBsonDocument> e : batch) {
                String kind = kindOf(e);
                if (STREAM_ENDING.contains(kind)) {
                    net.ending = kind; // the last event of the stream (takeUntil): its token is not checkpointed
                    break;
                }
                net.kinds.merge(kind, 1L, Long::sum);
                net.token = e.getResumeToken();
                BsonValue id = idOf(e);
                if (id == null) {
                    // No _id in documentKey nor in the looked-up document: nothing to apply it to. A later
                    // delete of the same document follows in the stream.
                    skipped.incrementAndGet();
                } else {
                    if (net.latest.remove(id) != null) {
                        coalesced.incrementAndGet();
                    }
                    net.latest.put(id, e);
                }
            }
            return current(net)
                    .publishOn(blocking) // the strategy's transform is plug-in code: never on a driver thread
                    .map(documents -> writes(net, documents))
                    .flatMap(this::write)
                    .then(Mono.fromRunnable(() -> applied(batch, net)).subscribeOn(blocking))
                    .then();
        }

        /** The changed documents as they are now: from the events, or re-read with the strategy's filter and projection. */
        private Mono<Map<BsonValue, RawBsonDocument>> current(Net net) {
            if (!reRead) {
                Map<BsonValue, RawBsonDocument> docs = new HashMap<>();
                net.latest.forEach((id, e) -> {
                    RawBsonDocument full = e.getFullDocument();
                    // No full document (or, on the embedded server, only the update's fields): it was deleted since
                    if (full != null && full.containsKey("_id")) {
                        docs.put(id, full);
                    }
                });
                return Mono.just(docs);
            }
            List<BsonValue> ids = new ArrayList<>();
            net.latest.forEach((id, e) -> {
                if (!"delete".equals(kindOf(e))) {
                    ids.add(id);
                }
            });
            if (ids.isEmpty()) {
                return Mono.just(Map.of());
            }
            return sourceRequests.mono(Mono.defer(() -> {
                FindPublisher<RawBsonDocument> find = from.find(stage.readFilter(source, ids)).batchSize(ids.size());
                BsonDocument projection = stage.sourceProjection(source);
                return Flux.from(projection == null ? find : find.projection(projection))
                        .collectMap(d -> d.get("_id"), d -> d);
            }));
        }

        private List<WriteModel<RawBsonDocument>> writes(Net net, Map<BsonValue, RawBsonDocument> current) {
            List<WriteModel<RawBsonDocument>> writes = new ArrayList<>(net.latest.size());
            net.latest.forEach((id, e) -> {
                String kind = kindOf(e);
                if ("delete".equals(kind)) {
                    writes.add(removal(id, "was deleted on the source"));
                    return;
                }
                RawBsonDocument doc = current.get(id);
                if (doc == null) {
                    if (!reRead) {
                        // No full document: it was deleted after this change; the delete follows in the stream.
                        skipped.incrementAndGet();
                        return;
                    }
                    // Deleted since, or outside the strategy's filter now.
                    excluded(id, kind, "is outside the filter of strategy '" + stage.strategy().name() + "'", writes);
                    return;
                }
                DocumentStage.Result result = stage.apply(doc, source);
                for (DocumentStage.Refused r : result.refused()) {
                    if (options.deadLetters() != null) {
                        options.deadLetters().write(new NamespaceMapping(source,
                                new Namespace(to.getNamespace().getDatabaseName(), to.getNamespace().getCollectionName())),
                                r.document(), r.code(), r.reason());
                    }
                    long n = refused.incrementAndGet();
                    if (n <= REFUSALS_LOGGED) {
                        LOG.warn("{}: _id {} not written to the target ({}: {}){}", source, DocumentStage.describeId(r.sourceId()), r.code(), r.reason(),
                                n == REFUSALS_LOGGED ? "; further refusals are only counted" : "");
                    }
                }
                if (result.dropped()) {
                    excluded(id, kind, "is dropped by the transform of strategy '" + stage.strategy().name() + "'", writes);
                }
                for (RawBsonDocument out : result.documents()) {
                    writes.add(new ReplaceOneModel<>(Filters.eq("_id", out.get("_id")), out, new ReplaceOptions().upsert(true)));
                }
            });
            return writes;
        }

        /** A changed document the strategy does not write: its target document goes, unless it never was there (an insert). */
        private void excluded(BsonValue id, String kind, String why, List<WriteModel<RawBsonDocument>> writes) {
            excluded.incrementAndGet();
            if (!"insert".equals(kind)) {
                writes.add(removal(id, why));
            }
        }

        private WriteModel<RawBsonDocument> removal(BsonValue sourceId, String why) {
            IdMapping ids = stage.idMapping();
            if (!ids.isKnown()) {
                throw new DataWorksException(ExitCode.FAILED, source + ": source _id " + DocumentStage.describeId(sourceId) + " " + why + ", so its"
                        + " documents must go from the target, but strategy '" + stage.strategy().name() + "' declares no _id"
                        + " mapping (" + ids.unknownBecause().orElse("") + ") and they cannot be found. Following stops here"
                        + " (its checkpoint is before this change); the target still holds documents the source no longer has."
                        + " Give the strategy an IdMapping, or stop the source's writes and recopy with --fresh.");
            }
            return new DeleteOneModel<>(Filters.eq("_id", ids.toTarget(sourceId)));
        }

        private Mono<Void> write(List<WriteModel<RawBsonDocument>> writes) {
            if (writes.isEmpty()) {
                return Mono.empty();
            }
            // paced by the target's pacing, shared with the copy and every other stage writing to it: each attempt
            // (the target's requests retry) takes its own slot and share of the rate, and its answer teaches the pacer;
            // the former entry point's writeRetry retries around the paced write too, never inside one paced attempt
            return writeRetry.apply(targetRequests.paced(writes::size,
                            Mono.defer(() -> Mono.from(to.bulkWrite(writes, new BulkWriteOptions().ordered(false))))))
                    .then();
        }

        /** After the target acknowledged the batch: counts, checkpoint (file I/O: on the blocking scheduler), pending. */
        private void applied(List<ChangeStreamDocument<RawBsonDocument>> batch, Net net) {
            net.kinds.forEach((k, n) -> appliedRun.computeIfAbsent(k, x -> new AtomicLong()).addAndGet(n));
            if (net.token != null) {
                Map<String, Long> total = new TreeMap<>(checkpoint.applied());
                net.kinds.forEach((k, n) -> total.merge(k, n, Long::sum));
                FollowCheckpoint next = checkpoint.withProgress(net.token, total);
                savePoint(next);
                checkpoint = next;
            }
            for (int i = 0; i < batch.size(); i++) {
                pendingMillis.pollFirst();
            }
            applied.addAndGet(batch.size() - (net.ending != null ? 1 : 0));
            batches.incrementAndGet();
            progress();
            if (net.ending != null) {
                ended(net.ending);
            }
        }

        /** Reports a stall once: changes pending and nothing applied for the stall timeout. */
        void checkStall() {
            long pending = pendingMillis.size();
            if (pending == 0 || stallReported || options.stallTimeout().isZero()) {
                return;
            }
            long stuckNanos = clock.monotonicTime() - progressNanos;
            if (stuckNanos >= options.stallTimeout().toNanos()) {
                stallReported = true;
                LOG.warn("{}: following is stuck: {} changes received and not applied, nothing applied to {} since {} ({} s);"
                                + " the target is not acknowledging writes (or the strategy is blocked). Still waiting.",
                        source, pending, to.getNamespace().getFullName(), Instant.ofEpochMilli(progressWallMillis),
                        Duration.ofNanos(stuckNanos).toSeconds());
            }
        }

        Map<String, Long> appliedThisRun() {
            Map<String, Long> m = new TreeMap<>();
            appliedRun.forEach((k, v) -> m.put(k, v.get()));
            return m;
        }
    }

    private static String kindOf(ChangeStreamDocument<RawBsonDocument> e) {
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
            streams.forEach(s -> s.owner = this);
        }

        void begin() {
            Mono<Void> stopSignal = stop.asMono();
            Flux.interval(options.sampleInterval(), Schedulers.parallel())
                    .onBackpressureDrop()
                    .takeUntilOther(result.asMono().materialize())
                    .subscribe(tick -> sample(), e -> LOG.warn("follow: lag sampling stopped on an error", e));
            Flux.fromIterable(streams)
                    .flatMap(s -> s.follow(stopSignal), Math.max(1, streams.size()))
                    .then(Mono.fromCallable(this::finish))
                    .subscribe(
                            r -> result.tryEmitValue(r),
                            e -> {
                                LOG.error("following stopped on an error; the last applied batch is checkpointed: {}", e.getMessage());
                                result.tryEmitError(e);
                            });
        }

        private void sample() {
            double lag = lagSeconds();
            gauges.accept("followLagSeconds", lag);
            gauges.accept("followPendingEvents", pendingEvents());
            streams.forEach(Stream::checkStall);
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
            Map<String, String> ended = new TreeMap<>();
            for (Stream s : streams) {
                if (s.endedBy != null) {
                    ended.put(s.source.toString(), s.endedBy);
                }
            }
            FollowResult.StopReason why = reason.get();
            if (why == null || !ended.isEmpty()) {
                // every stream completed on its own: maxEvents, or streams that ended
                why = ended.isEmpty() && options.maxEvents() > 0 ? FollowResult.StopReason.MAX_EVENTS : FollowResult.StopReason.SOURCE_ENDED;
            }
            Map<String, Long> run = new TreeMap<>();
            Map<String, Long> total = new TreeMap<>();
            long coalesced = 0;
            long skipped = 0;
            long batches = 0;
            long excluded = 0;
            long refused = 0;
            for (Stream s : streams) {
                s.appliedThisRun().forEach((k, v) -> run.merge(k, v, Long::sum));
                s.checkpoint.applied().forEach((k, v) -> total.merge(k, v, Long::sum));
                coalesced += s.coalesced.get();
                skipped += s.skipped.get();
                batches += s.batches.get();
                excluded += s.excluded.get();
                refused += s.refused.get();
            }
            double lag = lagSeconds();
            gauges.accept("followLagSeconds", lag);
            gauges.accept("followPendingEvents", pendingEvents());
            FollowResult r = new FollowResult(why, run, total, coalesced, skipped, batches, lag, pendingEvents(), options.records().location(),
                    options.cosmos(), ended, excluded, refused);
            if (r.targetComplete()) {
                LOG.info(r.summary());
            } else {
                LOG.error(r.summary());
            }
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
