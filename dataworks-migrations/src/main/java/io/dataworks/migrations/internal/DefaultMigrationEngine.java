package io.dataworks.migrations.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.MigrationEngine;
import io.dataworks.migrations.MigrationResult;
import io.dataworks.migrations.MigrationResult.NamespaceResult;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.NamespaceMapping;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.ConcurrencyLimiter;
import io.dataworks.migrations.checkpoint.DeadLetters;
import io.dataworks.migrations.endpoint.Endpoint;
import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.checkpoint.PartitionProgress;
import io.dataworks.migrations.index.IndexCopier;
import io.dataworks.migrations.index.IndexReport;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Planner;
import io.dataworks.monitoring.RunProgress;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The engine; see {@link MigrationEngine}. */
public final class DefaultMigrationEngine implements MigrationEngine {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationEngine.class);

    private final MigrationSettings settings;
    /** The run's store, or {@code null}: then each {@link #migrate()} / {@link #plan()} opens (and locks) its own. */
    private final CheckpointStore givenStore;
    /** The two sides; every request of every step goes through their retry policies (counted, warned about). */
    private final Endpoint source;
    private final Endpoint target;

    public DefaultMigrationEngine(MigrationSettings settings) {
        this(settings, null);
    }

    /** An engine that keeps its records in {@code store} (owned and closed by the caller), e.g. a whole CLI run's. */
    public DefaultMigrationEngine(MigrationSettings settings, CheckpointStore store) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.givenStore = store;
        // one pacing per server, shared by every stage of the run: reads are paced by cursor batches, writes by request
        this.source = Endpoints.source(settings);
        this.target = Endpoints.target(settings);
    }

    /** {@code work} with the given store, or with the settings' store opened for it and closed after it. */
    private <T> Mono<T> withStore(Function<CheckpointStore, Mono<T>> work) {
        if (givenStore != null) {
            return Mono.defer(() -> work.apply(givenStore));
        }
        return Mono.usingWhen(Mono.fromCallable(() -> settings.checkpoints().open())
                        .subscribeOn(Schedulers.boundedElastic()),
                work, store -> Mono.fromRunnable(store::close).subscribeOn(Schedulers.boundedElastic()));
    }

    @Override
    public MigrationSettings settings() {
        return settings;
    }

    @Override
    public Endpoint source() {
        return source;
    }

    @Override
    public Endpoint target() {
        return target;
    }


    @Override
    public Mono<List<NamespacePlan>> plan() {
        // planning only reads the records: no lock or lease, so a dry run works while a run holds the store
        if (givenStore != null) {
            return Mono.defer(() -> plan(givenStore));
        }
        return Mono.usingWhen(Mono.fromCallable(() -> settings.checkpoints().openReadOnly()).subscribeOn(Schedulers.boundedElastic()),
                this::plan, store -> Mono.fromRunnable(store::close).subscribeOn(Schedulers.boundedElastic()));
    }

    private Mono<List<NamespacePlan>> plan(CheckpointStore store) {
        return namespaces()
                .concatMap(mapping -> {
                    NamespaceCheckpoint stored = settings.fresh() ? null : usableCheckpoint(store, mapping, null);
                    return stored != null ? Mono.just(stored.plan())
                            : settings.planner().plan(settings.source(), mapping, sourceFilter(mapping), source.retryPolicy());
                })
                .collectList();
    }

    @Override
    public Mono<MigrationResult> migrate() {
        return withStore(this::migrate);
    }

    private Mono<MigrationResult> migrate(CheckpointStore store) {
        // usingWhen: the final checkpoint is on disk before the result (or the error) reaches the subscriber.
        return Mono.usingWhen(Mono.fromCallable(() -> new Run(store)),
                run -> namespaces()
                        .collectList()
                        .flatMap(mappings -> run.prepare(mappings, settings.fresh()))
                        .doOnNext(runs -> run.startCheckpointing())
                        .flatMapMany(runs -> Flux.fromIterable(runs).index())
                        // Several namespaces go through their steps at once, each as soon as a slot is free (not in
                        // turn: a big collection does not hold back the small ones after it), so the round trips of
                        // many small collections overlap. What reads and writes stays bounded by the run's shared
                        // limits: the cursors (--parallel-cursors) and the target's writes in flight (its pacing).
                        .flatMap(indexed -> run.planned(indexed.getT2()).flatMap(run::copied)
                                .map(result -> reactor.util.function.Tuples.of(indexed.getT1(), result)),
                                namespacesAtOnce(settings), 1)
                        // the results in the namespaces' order, whatever order they finished in
                        .collectSortedList(java.util.Comparator.comparing(reactor.util.function.Tuple2::getT1))
                        .map(indexed -> indexed.stream().map(reactor.util.function.Tuple2::getT2).toList())
                        .map(results -> {
                            long deadLettered = results.stream().mapToLong(r -> run.deadLetter.entries(r.source().toString())).sum();
                            return new MigrationResult(results, run.budget.failed(),
                                    deadLettered > 0 ? run.deadLetter.file().orElse(null) : null, deadLettered,
                                    deadLettered > 0 ? run.deadLetter.describe() : null, run.deadLetter.howToClear());
                        }),
                run -> Mono.fromRunnable(run::close),
                (run, error) -> Mono.fromRunnable(run::close),
                run -> Mono.fromRunnable(run::close));
    }

    @Override
    public Mono<List<NamespaceCheckpoint>> prepareCopy(CheckpointStore store) {
        Objects.requireNonNull(store, "store");
        return Mono.usingWhen(Mono.fromCallable(() -> new Run(store)),
                run -> namespaces()
                        .collectList()
                        .flatMap(mappings -> run.prepare(mappings, settings.fresh()))
                        .flatMapMany(Flux::fromIterable)
                        .flatMapSequential(ns -> run.steps(ns, run.prepareSteps()).then(Mono.fromCallable(() -> ns.checkpoint)),
                                Math.max(1, settings.parallelCursors()), 1)
                        .collectList(),
                run -> Mono.fromRunnable(run::close),
                (run, error) -> Mono.fromRunnable(run::close),
                run -> Mono.fromRunnable(run::close));
    }

    @Override
    public Mono<MigrationResult> finishCopy(CheckpointStore store) {
        Objects.requireNonNull(store, "store");
        return Mono.usingWhen(Mono.fromCallable(() -> new Run(store)),
                run -> namespaces()
                        .collectList()
                        .flatMap(mappings -> run.prepare(mappings, false))
                        .flatMapMany(Flux::fromIterable)
                        .flatMapSequential(ns -> run.namespace(ns, run.finishSteps()), Math.max(1, settings.parallelCursors()), 1)
                        .collectList()
                        .map(results -> new MigrationResult(results, 0, null, 0)),
                run -> Mono.fromRunnable(run::close),
                (run, error) -> Mono.fromRunnable(run::close),
                run -> Mono.fromRunnable(run::close));
    }

    @Override
    public Mono<List<NamespaceMapping>> namespaceMappings() {
        return namespaces().collectList();
    }

    /** The namespaces to copy: the explicit list, or every collection of the source database but {@code system.*}. */
    private Flux<NamespaceMapping> namespaces() {
        if (!settings.namespaces().isEmpty()) {
            // Named collections must exist: a misspelt --source-collection would otherwise be "copied" as empty.
            Map<String, List<String>> namedByDatabase = settings.namespaces().stream().collect(Collectors.groupingBy(
                    m -> m.source().database(), LinkedHashMap::new, Collectors.mapping(m -> m.source().collection(), Collectors.toList())));
            return Flux.fromIterable(namedByDatabase.entrySet())
                    .concatMap(named -> Planner.discover(settings.source().getDatabase(named.getKey()), named.getValue(), source.retryPolicy()))
                    .thenMany(Flux.fromIterable(settings.namespaces()));
        }
        String sourceDb = settings.sourceDatabase();
        if (sourceDb == null || sourceDb.isBlank()) {
            return Flux.error(new DataWorksException(ExitCode.USAGE,
                    "no source database: pass --source-db or set FRAMEWORK_SOURCE_DB_NAME"));
        }
        String targetDb = settings.targetDatabase() == null ? sourceDb : settings.targetDatabase();
        return Planner.discover(settings.source().getDatabase(sourceDb), List.of(), source.retryPolicy())
                .flatMapMany(Flux::fromIterable)
                .map(name -> new NamespaceMapping(new Namespace(sourceDb, name), new Namespace(targetDb, name)))
                .switchIfEmpty(Flux.error(() -> new DataWorksException(ExitCode.USAGE,
                        "source database '" + sourceDb + "' has no collections to copy (check --source-db)")));
    }

    private BsonDocument sourceFilter(NamespaceMapping mapping) {
        BsonDocument filter = settings.strategy().sourceFilter(mapping.source());
        return filter == null ? new BsonDocument() : filter;
    }

    /**
     * The stored checkpoint when it fits this run; a checkpoint of another source, target, target collection (UUID),
     * strategy or plan is refused.
     */
    private NamespaceCheckpoint usableCheckpoint(CheckpointStore store, NamespaceMapping mapping, String targetUuid) {
        NamespaceCheckpoint checkpoint = NamespaceCheckpoint.load(store, mapping.source()).orElse(null);
        if (checkpoint == null) {
            return null;
        }
        String where = store.describe(CheckpointStore.Kind.COPY, mapping.source());
        String mismatch = checkpoint.mismatch(settings.sourceIdentity(), settings.targetIdentity(), mapping.target(),
                settings.strategy().name(), sourceFilter(mapping), targetUuid);
        if (mismatch != null) {
            throw new DataWorksException(ExitCode.USAGE, "checkpoint " + where + " was written for "
                    + mismatch + "; refusing to resume " + mapping + " from it. Rerun with --fresh to start over, "
                    + "or pick another --checkpoint-dir");
        }
        return checkpoint;
    }

    /**
     * Namespaces in their steps at once (planning, index steps, copy), at least {@code --parallel-cursors}: a small
     * collection is mostly round trips (plan, index listing, one cursor batch, one bulk write, its checkpoint), which
     * overlap; the cursors and writes in flight have limits of their own.
     */
    static final int NAMESPACES_AT_ONCE = 16;

    static int namespacesAtOnce(MigrationSettings settings) {
        return Math.max(NAMESPACES_AT_ONCE, settings.parallelCursors());
    }

    /** Collections created on the target at once while preparing; creation is one round trip each. */
    private static final int CREATE_CONCURRENCY = 16;

    /**
     * Makes sure every target collection exists (an empty source collection is created on the target too) and returns
     * their UUIDs where the server tells them ({@code listCollections}' {@code info.uuid}), else an empty string: one
     * {@code listCollections} per target database, the missing collections created concurrently, and one more
     * {@code listCollections} for the UUIDs of those created.
     */
    private Mono<Map<Namespace, String>> ensureTargetCollections(List<NamespaceMapping> mappings) {
        Map<String, List<Namespace>> byDatabase = mappings.stream().map(NamespaceMapping::target).distinct()
                .collect(Collectors.groupingBy(Namespace::database, LinkedHashMap::new, Collectors.toList()));
        return Flux.fromIterable(byDatabase.entrySet())
                .concatMap(db -> targetUuids(db.getKey()).flatMap(existing -> {
                    List<Namespace> missing = db.getValue().stream().filter(ns -> !existing.containsKey(ns.collection())).toList();
                    if (missing.isEmpty()) {
                        return Mono.just(uuidsOf(db.getValue(), existing));
                    }
                    return Flux.fromIterable(missing)
                            .flatMap(ns -> target.requests().mono(Mono.from(settings.target().getDatabase(ns.database())
                                            .createCollection(ns.collection())))
                                    .onErrorResume(e -> e instanceof com.mongodb.MongoCommandException c && c.getErrorCode() == 48,
                                            e -> Mono.empty()), CREATE_CONCURRENCY) // created meanwhile: NamespaceExists
                            .then(targetUuids(db.getKey()))
                            .map(all -> uuidsOf(db.getValue(), all));
                }))
                .collect(LinkedHashMap::new, Map::putAll);
    }

    /** Collection name → UUID (hex, or empty when the server reports none) of every collection of a target database. */
    private Mono<Map<String, String>> targetUuids(String database) {
        return target.requests().mono(Flux.from(settings.target().getDatabase(database).listCollections(BsonDocument.class))
                .collectMap(info -> info.getString("name").getValue(), info -> {
                    BsonDocument i = info.getDocument("info", new BsonDocument());
                    return i.isBinary("uuid") ? java.util.HexFormat.of().formatHex(i.getBinary("uuid").getData()) : "";
                }));
    }

    private static Map<Namespace, String> uuidsOf(List<Namespace> namespaces, Map<String, String> uuids) {
        Map<Namespace, String> out = new LinkedHashMap<>();
        namespaces.forEach(ns -> out.put(ns, uuids.getOrDefault(ns.collection(), "")));
        return out;
    }

    /**
     * A resume must find on the target at least what the checkpoint says the target acknowledged; otherwise the target
     * was emptied, replaced or changed, and resuming would report documents as copied that are not there.
     */
    private Mono<Void> checkTargetStillHolds(NamespaceMapping mapping, NamespaceCheckpoint checkpoint, String where) {
        long acknowledged = checkpoint.targetDocuments();
        if (acknowledged == 0) {
            return Mono.empty();
        }
        return target.requests().mono(Mono.from(settings.target().getDatabase(mapping.target().database())
                        .getCollection(mapping.target().collection()).estimatedDocumentCount()))
                .flatMap(count -> count >= acknowledged ? Mono.<Void>empty()
                        : Mono.error(new DataWorksException(ExitCode.USAGE, "target " + mapping.target() + " holds " + count
                                + " documents, but checkpoint " + where + " records " + acknowledged + " acknowledged by it: "
                                + "the target was emptied, replaced or changed since. Nothing was copied. Rerun with --fresh "
                                + "to copy " + mapping.source() + " again, or point the target at the deployment it was copied to")));
    }

    /** State of one subscription to {@link #migrate()}. */
    private final class Run {

        final CheckpointStore store;
        final DeadLetters deadLetter;
        final ErrorBudget budget;
        final ConcurrencyLimiter cursors = new ConcurrencyLimiter(settings.parallelCursors());
        /** The strategy's transform and the size check, the same for the copy as for follow. */
        final DocumentStage stage = DocumentStage.create(settings.strategy(), settings.targetMaxDocumentBytes());
        final PartitionReader reader = new PartitionReader(settings, source.requests(), source.pacing(), stage);
        final BatchWriter writer;
        final Map<Namespace, NamespaceCheckpoint> active = new ConcurrentHashMap<>();
        /** The state last written per namespace (header and progress), so that an unchanged one is not written again. */
        final Map<Namespace, BsonDocument> saved = new ConcurrentHashMap<>();
        final AtomicLong estimatedTotal = new AtomicLong();
        final IndexCopier indexes = IndexCopier.forTarget(settings.targetFlavour());
        Disposable checkpointer;
        /** Whether the last periodic save failed (reported once per streak). */
        volatile boolean saveFailing;

        Run(CheckpointStore store) {
            this.store = store;
            this.deadLetter = store.deadLetters(settings.errors().deadLetter());
            this.budget = new ErrorBudget(settings.errorStrategy(), settings.maxErrors(), deadLetter.describe());
            this.writer = new BatchWriter(settings, target.requests(), deadLetter, budget, stage);
        }

        /**
         * Checks every checkpoint, and that the target still holds what each says it acknowledged, before anything is
         * copied, so a refused one stops the run at once. Creates the target collections (their UUIDs identify them in
         * the checkpoints).
         */
        Mono<List<NamespaceRun>> prepare(List<NamespaceMapping> mappings, boolean fresh) {
            return Mono.fromRunnable(() -> {
                        if (fresh) {
                            // a fresh start gets a dead-letter file of its own; the earlier entries are set aside, not lost
                            deadLetter.archive(mappings.stream().map(m -> m.source().toString()).collect(Collectors.toSet()),
                                    Instant.now());
                            // the follow record is not the copy's: follow-start, which runs first, resets it itself
                            mappings.forEach(m -> {
                                store.delete(CheckpointStore.Kind.COPY, m.source());
                                store.delete(CheckpointStore.Kind.VERIFY, m.source());
                            });
                        }
                        deadLetter.load();
                    })
                    .subscribeOn(Schedulers.boundedElastic())
                    .then(ensureTargetCollections(mappings))
                    .publishOn(Schedulers.boundedElastic())
                    .flatMapMany(uuids -> Flux.fromIterable(mappings).map(mapping -> Map.entry(mapping, uuids.getOrDefault(mapping.target(), ""))))
                    .flatMapSequential(entry -> Mono.just(entry.getValue())
                            .flatMap(uuid -> {
                                NamespaceMapping mapping = entry.getKey();
                                String targetUuid = uuid.isEmpty() ? null : uuid;
                                NamespaceCheckpoint checkpoint = fresh ? null : usableCheckpoint(store, mapping, targetUuid);
                                if (checkpoint != null && checkpoint.header().targetUuid() == null && targetUuid != null) {
                                    checkpoint = checkpoint.withTargetUuid(targetUuid);
                                }
                                NamespaceRun run = new NamespaceRun(mapping,
                                        settings.source().getDatabase(mapping.source().database())
                                                .getCollection(mapping.source().collection(), RawBsonDocument.class),
                                        settings.target().getDatabase(mapping.target().database())
                                                .getCollection(mapping.target().collection(), RawBsonDocument.class),
                                        settings.metrics().forNamespace(mapping.source().toString()), checkpoint);
                                run.targetUuid = targetUuid;
                                return checkpoint == null ? Mono.just(run)
                                        : checkTargetStillHolds(mapping, checkpoint,
                                                store.describe(CheckpointStore.Kind.COPY, mapping.source())).thenReturn(run);
                            }), Math.max(1, settings.parallelCursors()))
                    .collectList();
        }

        /** The steps before the data: plan, unique indexes. */
        Mono<NamespaceRun> planned(NamespaceRun ns) {
            return steps(ns, List.of(
                    new Step("plan", this::planStep),
                    new Step("unique-indexes", n -> indexStep(n, true)))).thenReturn(ns);
        }

        /** The data and what follows it: copy, the other indexes; then the namespace's result. */
        Mono<NamespaceResult> copied(NamespaceRun ns) {
            return steps(ns, List.of(
                    new Step("copy", this::copyStep),
                    new Step("indexes", n -> indexStep(n, false))))
                    .then(Mono.fromCallable(() -> report(ns)));
        }

        /** A distributed copy's first half: the plan stored, unique indexes created; the partitions are copied elsewhere. */
        List<Step> prepareSteps() {
            return List.of(
                    new Step("plan", this::planStep),
                    // the partitions are copied elsewhere, from the stored plan: a plan of one partition, which the
                    // plan step leaves for its first progress, is stored now too (save skips a plan already stored)
                    new Step("store-plan", n -> Mono.fromRunnable(() -> save(n.checkpoint))
                            .subscribeOn(Schedulers.boundedElastic()).then()),
                    new Step("unique-indexes", n -> indexStep(n, true)));
        }

        /** A distributed copy's second half: every partition must be done (its records folded in), then the other indexes. */
        List<Step> finishSteps() {
            return List.of(
                    new Step("plan", this::planStep),
                    // named apart from the CLI's "copy": it checks the records, the copying happened elsewhere
                    new Step("check-copied", this::checkCopied),
                    new Step("indexes", n -> indexStep(n, false)));
        }

        private Mono<Void> checkCopied(NamespaceRun ns) {
            long left = ns.checkpoint.partitions().stream().filter(p -> !p.done()).count();
            if (left > 0) {
                return Mono.error(new DataWorksException(ExitCode.FAILED, ns.mapping + ": " + left + " of "
                        + ns.checkpoint.partitions().size() + " partition(s) are not copied yet (rerun to resume them)"));
            }
            return Mono.fromRunnable(() -> save(ns.checkpoint)).subscribeOn(Schedulers.boundedElastic()).then();
        }

        Mono<NamespaceResult> namespace(NamespaceRun ns, List<Step> steps) {
            return steps(ns, steps).then(Mono.fromCallable(() -> report(ns)));
        }

        Mono<Void> steps(NamespaceRun ns, List<Step> steps) {
            return Flux.fromIterable(steps)
                    .concatMap(step -> Mono.defer(() -> {
                                long start = System.nanoTime();
                                LOG.debug("{}: {}", ns.mapping, step.name());
                                return step.action().apply(ns)
                                        .doOnSuccess(done -> ns.stepMillis.put(step.name(), (System.nanoTime() - start) / 1_000_000));
                            })
                            .onErrorMap(e -> !(e instanceof DataWorksException),
                                    e -> new DataWorksException(ExitCode.FAILED, ns.mapping + ": step " + step.name()
                                            + " failed: " + e.getMessage(), e)))
                    .then();
        }

        private Mono<Void> planStep(NamespaceRun ns) {
            Mono<NamespaceCheckpoint> checkpoint = ns.checkpoint != null
                    ? Mono.just(ns.checkpoint)
                    : settings.planner().plan(settings.source(), ns.mapping, sourceFilter(ns.mapping), source.retryPolicy())
                            .map(plan -> NamespaceCheckpoint.start(settings.sourceIdentity(), settings.targetIdentity(),
                                    settings.strategy().name(), plan, ns.targetUuid))
                            // A plan of several partitions is stored at once (on the blocking scheduler), so a crash
                            // resumes with the same ranges. One partition (a small collection) is stored with its first
                            // progress (checkpoint interval) or when it is done: a crash before that re-plans it to the
                            // same single range, and the idempotent writes skip what is already on the target.
                            .flatMap(cp -> cp.partitions().size() <= 1 ? Mono.just(cp)
                                    : Mono.fromCallable(() -> {
                                        save(cp);
                                        return cp;
                                    }).subscribeOn(Schedulers.boundedElastic()));
            return checkpoint.doOnNext(cp -> {
                ns.checkpoint = cp;
                int partitionsDone = (int) cp.partitions().stream().filter(PartitionProgress::done).count();
                ns.progress = settings.progress().namespace(ns.mapping.source().toString(), ns.mapping.target().toString())
                        .documentsTotal(Math.max(cp.plan().estimatedDocuments(), cp.documents()))
                        .documentsCopied(cp.documents())
                        .partitions(partitionsDone, cp.partitions().size())
                        .state(RunProgress.State.PLANNING); // planned ahead: copying starts with the copy step
                settings.metrics().total(estimatedTotal.addAndGet(cp.plan().estimatedDocuments()));
                // a plain one-cursor namespace is told once, when it is copied (a run of many small ones logs half as much)
                if (cp.plan().partitions().size() > 1 || cp.documents() > 0 || LOG.isDebugEnabled()) {
                    LOG.info("{}: {} partition(s) by {}, ~{} documents{}", ns.mapping, cp.plan().partitions().size(),
                            cp.plan().partitioner(), cp.plan().estimatedDocuments(),
                            cp.documents() > 0 ? ", resuming after " + cp.documents() + " already copied" : "");
                }
            }).then();
        }

        private Mono<Void> copyStep(NamespaceRun ns) {
            // from here on the periodic checkpointer and the last checkpoint keep this namespace's progress
            active.put(ns.mapping.source(), ns.checkpoint);
            ns.progress.state(RunProgress.State.COPYING);
            List<PartitionProgress> todo = ns.checkpoint.partitions().stream().filter(p -> !p.done()).toList();
            ns.partitionsSkipped = ns.checkpoint.partitions().size() - todo.size();
            ns.partitionsResumed = (int) todo.stream().filter(p -> p.lastId() != null).count();
            if (todo.isEmpty()) {
                LOG.info("{}: already copied (checkpoint), nothing to do", ns.mapping);
                return Mono.empty();
            }
            // the strategy's hooks and the checkpoint write run on the blocking scheduler, never on a driver thread
            return Mono.fromRunnable(() -> settings.strategy().beforeNamespace(ns.mapping.source(), ns.mapping.target()))
                    .subscribeOn(Schedulers.boundedElastic())
                    .thenMany(Flux.fromIterable(todo)
                            .flatMap(progress -> Flux.usingWhen(cursors.acquire(),
                                    permit -> reader.read(ns, progress),
                                    permit -> Mono.fromRunnable(cursors::release)), settings.parallelCursors(), 2)
                            .flatMap(batch -> writer.write(batch).doOnNext(held -> {
                                        PartitionProgress partition = batch.progress();
                                        partition.acknowledge(batch.sequence(), batch.lastSourceId(), batch.sourceDocuments(), held);
                                        ns.progress.addDocumentsCopied(batch.sourceDocuments());
                                        if (partition.done()) {
                                            ns.progress.partitions((int) ns.checkpoint.partitions().stream()
                                                    .filter(PartitionProgress::done).count(), ns.checkpoint.partitions().size());
                                        }
                                    }),
                                    settings.insertWorkers(), 1))
                    .publishOn(Schedulers.boundedElastic())
                    .then(Mono.fromRunnable(() -> {
                        save(ns.checkpoint);
                        settings.strategy().afterNamespace(ns.mapping.source(), ns.mapping.target());
                    }));
        }

        /** Unique indexes before the data (so duplicates are caught while copying), the others after it. */
        private Mono<Void> indexStep(NamespaceRun ns, boolean unique) {
            if (!settings.copyIndexes()) {
                return Mono.empty();
            }
            Namespace source = ns.mapping.source();
            Namespace target = ns.mapping.target();
            // listing and creating indexes are both idempotent: a retry repeats the pair
            // the source's indexes are listed once per namespace (a listing that failed is asked again)
            Mono<List<BsonDocument>> specs = ns.sourceIndexes(() -> indexes.sourceIndexes(settings.source(), source));
            Mono<IndexReport> created = DefaultMigrationEngine.this.target.requests().mono(unique
                    ? indexes.createUnique(specs, source, settings.target(), target)
                    : indexes.createRemaining(specs, source, settings.target(), target));
            return created.doOnNext(report -> {
                report.failures().forEach(failure -> {
                    LOG.warn("{}: index not created on the target: {}", ns.mapping, failure);
                    ns.indexFailures.add(failure.toString());
                });
                if (!report.results().isEmpty()) {
                    LOG.info("{}: {} {} index(es) present on the target, {} refused", ns.mapping, report.present().size(),
                            unique ? "unique" : "other", report.failures().size());
                }
            }).then();
        }

        private NamespaceResult report(NamespaceRun ns) {
            NamespaceCheckpoint cp = ns.checkpoint;
            ns.progress.partitions(cp.plan().partitions().size(), cp.plan().partitions().size()).copyDone()
                    .deadLetters(deadLetter.entries(ns.mapping.source().toString()));
            var m = ns.metrics.counts();
            if (m.documentsFailed() > 0) {
                LOG.warn("{}: {} source documents read, {} written, {} already on the target, {} REFUSED (kept in {}); "
                        + "{} partition(s)", ns.mapping, m.documentsRead(), m.documentsWritten(), m.documentsSkipped(),
                        m.documentsFailed(), deadLetter.describe(), cp.plan().partitions().size());
            } else {
                LOG.info("{}: {} documents copied in all runs ({} written in this one, {} already on the target), {} partition(s)",
                        ns.mapping, cp.documents(), m.documentsWritten(), m.documentsSkipped(), cp.plan().partitions().size());
            }
            return new NamespaceResult(ns.mapping.source(), ns.mapping.target(), cp.documents(), cp.plan().partitions().size(),
                    cp.plan().partitioner(), ns.partitionsResumed, ns.partitionsSkipped, List.copyOf(ns.indexFailures),
                    new java.util.LinkedHashMap<>(ns.stepMillis), cp.plan());
        }

        void startCheckpointing() {
            Duration interval = settings.checkpointInterval();
            checkpointer = Flux.interval(interval, interval, Schedulers.boundedElastic())
                    .subscribe(tick -> saveAllOrWarn(), error -> LOG.warn("checkpointing stopped: {}", error.toString()));
        }

        /**
         * A periodic save that fails (a checkpoint store that did not answer in time, a full disk) is reported once
         * and tried again at the next tick: checkpointing goes on, so a later crash still resumes near where it was.
         */
        private void saveAllOrWarn() {
            try {
                saveAll(false);
                if (saveFailing) {
                    LOG.info("checkpoints are written again to {}", store.location());
                    saveFailing = false;
                }
            } catch (RuntimeException e) {
                if (!saveFailing) {
                    LOG.warn("cannot write a checkpoint ({}); trying again every {} ms. A crash now resumes from the last "
                            + "checkpoint written", io.dataworks.core.config.MongoUri.maskSecrets(e.getMessage()
                                    + (e.getCause() != null && e.getCause() != e ? ": " + e.getCause() : "")),
                            settings.checkpointInterval().toMillis());
                    saveFailing = true;
                }
            }
        }

        /**
         * Writes the checkpoints that changed. At a tick ({@code last} false) a plan not stored yet (one partition) with
         * nothing acknowledged is skipped: no record is as good as that one. The last checkpoint of a run writes every
         * namespace that started copying, so a failed or stopped run leaves its record whatever it got to.
         */
        void saveAll(boolean last) {
            for (NamespaceCheckpoint cp : active.values()) {
                if (!last && !saved.containsKey(cp.plan().source()) && cp.documents() == 0 && !cp.done()) {
                    continue;
                }
                save(cp);
            }
        }

        /**
         * Writes {@code cp} unless the store already holds this state (same header, same progress): a finished
         * namespace is written once, not again at every checkpoint interval. Synchronized so that an older state
         * never lands after a newer one.
         */
        synchronized void save(NamespaceCheckpoint cp) {
            BsonDocument state = new BsonDocument("header", cp.header().toBson());
            org.bson.BsonArray progress = new org.bson.BsonArray();
            cp.partitions().forEach(p -> progress.add(p.state().toBson()));
            state.put("progress", progress);
            Namespace source = cp.plan().source();
            if (state.equals(saved.get(source))) {
                return;
            }
            cp.saveTo(store);
            saved.put(source, state);
        }

        /** Last checkpoint, whatever ended the run (completion, failure, cancellation). */
        void close() {
            if (checkpointer != null) {
                checkpointer.dispose();
            }
            try {
                saveAll(true);
            } catch (RuntimeException e) {
                LOG.error("cannot write the final checkpoint: {} ({})", e.toString(), String.valueOf(e.getCause()));
            } finally {
                deadLetter.close();
            }
        }
    }

    private record Step(String name, Function<NamespaceRun, Mono<Void>> action) {
    }
}
