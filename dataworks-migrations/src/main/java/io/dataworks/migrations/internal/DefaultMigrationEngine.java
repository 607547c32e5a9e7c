package io.dataworks.migrations.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import io.dataworks.core.retry.RetryListener;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.ConcurrencyLimiter;
import io.dataworks.migrations.MigrationEngine;
import io.dataworks.migrations.MigrationResult;
import io.dataworks.migrations.MigrationResult.NamespaceResult;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.NamespaceMapping;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.checkpoint.PartitionProgress;
import io.dataworks.migrations.index.IndexCopier;
import io.dataworks.migrations.index.IndexReport;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Planner;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** The engine; see {@link MigrationEngine}. */
public final class DefaultMigrationEngine implements MigrationEngine {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationEngine.class);

    private final MigrationSettings settings;
    private final ConcurrencyLimiter writeConcurrency;
    private final CheckpointStore store;
    /** The settings' policy, counting each retry in the metrics: for every request, planning reads included. */
    private final RetryPolicy retry;

    public DefaultMigrationEngine(MigrationSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.writeConcurrency = new ConcurrencyLimiter(settings.insertWorkers());
        this.store = new CheckpointStore(settings.checkpointDir());
        this.retry = settings.retryPolicy().withListener(countingRetries(settings.retryPolicy().listener()));
    }

    private RetryListener countingRetries(RetryListener delegate) {
        return (kind, attempt, delay) -> {
            settings.metrics().retry(kind.name().toLowerCase(java.util.Locale.ROOT));
            delegate.onRetry(kind, attempt, delay);
        };
    }

    @Override
    public MigrationSettings settings() {
        return settings;
    }

    @Override
    public ConcurrencyLimiter writeConcurrency() {
        return writeConcurrency;
    }

    @Override
    public Mono<List<NamespacePlan>> plan() {
        return namespaces()
                .concatMap(mapping -> {
                    NamespaceCheckpoint stored = settings.fresh() ? null : usableCheckpoint(mapping);
                    return stored != null ? Mono.just(stored.plan())
                            : settings.planner().plan(settings.source(), mapping, sourceFilter(mapping), retry);
                })
                .collectList();
    }

    @Override
    public Mono<MigrationResult> migrate() {
        // usingWhen: the final checkpoint is on disk before the result (or the error) reaches the subscriber.
        return Mono.usingWhen(Mono.fromCallable(Run::new),
                run -> namespaces()
                        .collectList()
                        .map(run::prepare)
                        .doOnNext(runs -> run.startCheckpointing())
                        .flatMapMany(Flux::fromIterable)
                        .flatMapSequential(run::namespace, Math.max(1, settings.parallelCursors()), 1)
                        .collectList()
                        .map(results -> new MigrationResult(results, run.budget.failed(),
                                run.deadLetter.written() > 0 ? run.deadLetter.file() : null)),
                run -> Mono.fromRunnable(run::close),
                (run, error) -> Mono.fromRunnable(run::close),
                run -> Mono.fromRunnable(run::close));
    }

    /** The namespaces to copy: the explicit list, or every collection of the source database but {@code system.*}. */
    private Flux<NamespaceMapping> namespaces() {
        if (!settings.namespaces().isEmpty()) {
            // Named collections must exist: a misspelt --source-collection would otherwise be "copied" as empty.
            Map<String, List<String>> namedByDatabase = settings.namespaces().stream().collect(Collectors.groupingBy(
                    m -> m.source().database(), LinkedHashMap::new, Collectors.mapping(m -> m.source().collection(), Collectors.toList())));
            return Flux.fromIterable(namedByDatabase.entrySet())
                    .concatMap(named -> Planner.discover(settings.source().getDatabase(named.getKey()), named.getValue(), retry))
                    .thenMany(Flux.fromIterable(settings.namespaces()));
        }
        String sourceDb = settings.sourceDatabase();
        if (sourceDb == null || sourceDb.isBlank()) {
            return Flux.error(new DataWorksException(ExitCode.USAGE,
                    "no source database: pass --source-db or set FRAMEWORK_SOURCE_DB_NAME"));
        }
        String targetDb = settings.targetDatabase() == null ? sourceDb : settings.targetDatabase();
        return Planner.discover(settings.source().getDatabase(sourceDb), List.of(), retry)
                .flatMapMany(Flux::fromIterable)
                .map(name -> new NamespaceMapping(new Namespace(sourceDb, name), new Namespace(targetDb, name)))
                .switchIfEmpty(Flux.error(() -> new DataWorksException(ExitCode.USAGE,
                        "source database '" + sourceDb + "' has no collections to copy (check --source-db)")));
    }

    private BsonDocument sourceFilter(NamespaceMapping mapping) {
        BsonDocument filter = settings.strategy().sourceFilter(mapping.source());
        return filter == null ? new BsonDocument() : filter;
    }

    /** The stored checkpoint when it fits this run; a checkpoint of another source, target, strategy or plan is refused. */
    private NamespaceCheckpoint usableCheckpoint(NamespaceMapping mapping) {
        NamespaceCheckpoint stored = store.load(mapping.source()).orElse(null);
        if (stored == null) {
            return null;
        }
        String mismatch = stored.mismatch(settings.sourceIdentity(), settings.targetIdentity(), mapping.target(),
                settings.strategy().name(), sourceFilter(mapping));
        if (mismatch != null) {
            throw new DataWorksException(ExitCode.USAGE, "checkpoint " + store.fileFor(mapping.source()) + " was written for "
                    + mismatch + "; refusing to resume " + mapping + " from it. Rerun with --fresh to start over, "
                    + "or pick another --checkpoint-dir");
        }
        return stored;
    }

    /** State of one subscription to {@link #migrate()}. */
    private final class Run {

        final DeadLetterWriter deadLetter = new DeadLetterWriter(settings.deadLetterPath());
        final ErrorBudget budget = new ErrorBudget(settings.errorStrategy(), settings.maxErrors(), settings.deadLetterPath());
        final ConcurrencyLimiter cursors = new ConcurrencyLimiter(settings.parallelCursors());
        final PartitionReader reader = new PartitionReader(settings, retry);
        final BatchWriter writer = new BatchWriter(settings, writeConcurrency, retry, deadLetter, budget);
        final Map<Namespace, NamespaceCheckpoint> active = new ConcurrentHashMap<>();
        final AtomicLong estimatedTotal = new AtomicLong();
        final IndexCopier indexes = IndexCopier.forTarget(settings.targetFlavour());
        Disposable checkpointer;

        /** Checks every checkpoint before anything is copied, so a refused one stops the run at once. */
        List<NamespaceRun> prepare(List<NamespaceMapping> mappings) {
            if (settings.fresh()) {
                // a fresh start gets a dead-letter file of its own; the earlier entries are set aside, not lost
                DeadLetterWriter.archive(deadLetter.file(),
                        mappings.stream().map(m -> m.source().toString()).collect(Collectors.toSet()),
                        Instant.now());
            }
            List<NamespaceRun> runs = new ArrayList<>();
            for (NamespaceMapping mapping : mappings) {
                if (settings.fresh()) {
                    store.delete(mapping.source());
                }
                NamespaceCheckpoint checkpoint = settings.fresh() ? null : usableCheckpoint(mapping);
                runs.add(new NamespaceRun(mapping,
                        settings.source().getDatabase(mapping.source().database())
                                .getCollection(mapping.source().collection(), RawBsonDocument.class),
                        settings.target().getDatabase(mapping.target().database())
                                .getCollection(mapping.target().collection(), RawBsonDocument.class),
                        settings.metrics().forNamespace(mapping.source().toString()), checkpoint));
            }
            return runs;
        }

        Mono<NamespaceResult> namespace(NamespaceRun ns) {
            List<Step> steps = List.of(
                    new Step("plan", this::planStep),
                    new Step("unique-indexes", n -> indexStep(n, true)),
                    new Step("copy", this::copyStep),
                    new Step("indexes", n -> indexStep(n, false)));
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
                    .then(Mono.fromCallable(() -> report(ns)));
        }

        private Mono<Void> planStep(NamespaceRun ns) {
            Mono<NamespaceCheckpoint> checkpoint = ns.checkpoint != null
                    ? Mono.just(ns.checkpoint)
                    : settings.planner().plan(settings.source(), ns.mapping, sourceFilter(ns.mapping), retry)
                            .map(plan -> NamespaceCheckpoint.start(settings.sourceIdentity(), settings.targetIdentity(),
                                    settings.strategy().name(), plan))
                            .publishOn(Schedulers.boundedElastic())
                            .doOnNext(store::save);
            return checkpoint.doOnNext(cp -> {
                ns.checkpoint = cp;
                active.put(ns.mapping.source(), cp);
                settings.metrics().total(estimatedTotal.addAndGet(cp.plan().estimatedDocuments()));
                LOG.info("{}: {} partition(s) by {}, ~{} documents{}", ns.mapping, cp.plan().partitions().size(),
                        cp.plan().partitioner(), cp.plan().estimatedDocuments(),
                        cp.documents() > 0 ? ", resuming after " + cp.documents() + " already copied" : "");
            }).then();
        }

        private Mono<Void> copyStep(NamespaceRun ns) {
            List<PartitionProgress> todo = ns.checkpoint.partitions().stream().filter(p -> !p.done()).toList();
            ns.partitionsSkipped = ns.checkpoint.partitions().size() - todo.size();
            ns.partitionsResumed = (int) todo.stream().filter(p -> p.lastId() != null).count();
            if (todo.isEmpty()) {
                LOG.info("{}: already copied (checkpoint), nothing to do", ns.mapping);
                return Mono.empty();
            }
            return Mono.fromRunnable(() -> settings.strategy().beforeNamespace(ns.mapping.source(), ns.mapping.target()))
                    .thenMany(Flux.fromIterable(todo)
                            .flatMap(progress -> Flux.usingWhen(cursors.acquire(),
                                    permit -> reader.read(ns, progress),
                                    permit -> Mono.fromRunnable(cursors::release)), settings.parallelCursors(), 2)
                            .flatMap(batch -> writer.write(batch).then(Mono.fromRunnable(() -> batch.progress()
                                    .acknowledge(batch.sequence(), batch.lastSourceId(), batch.sourceDocuments()))),
                                    settings.insertWorkers(), 1))
                    .then(Mono.fromRunnable(() -> {
                        store.save(ns.checkpoint);
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
            Mono<IndexReport> created = unique
                    ? indexes.createUnique(settings.source(), source, settings.target(), target)
                    : indexes.createRemaining(settings.source(), source, settings.target(), target);
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
            LOG.info("{}: {} documents copied, {} partition(s)", ns.mapping, cp.documents(), cp.plan().partitions().size());
            return new NamespaceResult(ns.mapping.source(), ns.mapping.target(), cp.documents(), cp.plan().partitions().size(),
                    cp.plan().partitioner(), ns.partitionsResumed, ns.partitionsSkipped, List.copyOf(ns.indexFailures),
                    new java.util.LinkedHashMap<>(ns.stepMillis));
        }

        void startCheckpointing() {
            Duration interval = settings.checkpointInterval();
            checkpointer = Flux.interval(interval, interval, Schedulers.boundedElastic())
                    .subscribe(tick -> saveAll(), error -> LOG.warn("checkpointing stopped: {}", error.toString()));
        }

        void saveAll() {
            for (NamespaceCheckpoint cp : active.values()) {
                store.save(cp);
            }
        }

        /** Last checkpoint, whatever ended the run (completion, failure, cancellation). */
        void close() {
            if (checkpointer != null) {
                checkpointer.dispose();
            }
            try {
                saveAll();
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
