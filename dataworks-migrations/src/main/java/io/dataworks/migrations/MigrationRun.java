package io.dataworks.migrations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.StageOutcome.Kind;
import io.dataworks.migrations.checkpoint.CheckpointHeader;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.DeadLetters;
import io.dataworks.migrations.endpoint.PacingReport;
import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.follow.ChangeFollower;
import io.dataworks.migrations.follow.DeleteReconciler;
import io.dataworks.migrations.follow.FollowHandle;
import io.dataworks.migrations.follow.FollowOptions;
import io.dataworks.migrations.follow.FollowResult;
import io.dataworks.migrations.internal.StallWatch;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.verify.VerificationResult;
import io.dataworks.migrations.verify.Verifier;
import io.dataworks.migrations.verify.VerifyOptions;
import io.dataworks.monitoring.PerformanceSnapshot;
import io.dataworks.monitoring.RunProgress;
import io.micrometer.core.instrument.Clock;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A whole migration as one run of named stages, in this order:
 *
 * <pre>
 * follow-start ─► copy (per namespace: plan, unique indexes, copy, indexes) ─► reconcile ─► verify ─► follow ─► reconcile-again
 *                 └ or, with verify-only: plan (from the checkpoints)
 * </pre>
 *
 * Stages that were not asked for are left out. Every stage reads and writes through the engine's two
 * {@link io.dataworks.migrations.endpoint.Endpoint}s and keeps its records in one {@link CheckpointStore}, opened (and
 * locked) for the run. Each stage ends with a {@link StageOutcome}; a stage that fails, is interrupted or finds a
 * mismatch ends the run there (a mismatch before following: the target is not a copy to keep in sync). The
 * {@link RunResult} turns the outcomes into the status and the exit code. The CLI (and the Spark driver) only map
 * options onto settings, run this, and print.
 *
 * <pre>{@code
 * RunResult result = MigrationRun.create(settings, RunOptions.copyOnly().withVerify(true)).run(Mono.never()).block();
 * }</pre>
 */
public final class MigrationRun {

    private static final Logger LOG = LoggerFactory.getLogger(MigrationRun.class);
    private static final java.time.Duration PACING_GAUGES_EVERY = java.time.Duration.ofMillis(500);

    private final MigrationSettings settings;
    private final RunOptions options;
    /** The copy stage's work; {@code null}: the engine's own copy, in this process. */
    private final CopyStage copyStage;
    /** Where verification compares partition digests; {@code null}: in this process. */
    private final io.dataworks.migrations.verify.Verifier.PartitionDigests digests;

    private MigrationRun(MigrationSettings settings, RunOptions options, CopyStage copyStage,
                         io.dataworks.migrations.verify.Verifier.PartitionDigests digests) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.options = Objects.requireNonNull(options, "options");
        this.copyStage = copyStage;
        this.digests = digests;
    }

    /**
     * How the copy stage copies, when not in this process: a distributed copy (the Spark driver) prepares with
     * {@link MigrationEngine#prepareCopy}, copies the partitions elsewhere ({@link PartitionCopier}) and finishes with
     * {@link MigrationEngine#finishCopy}. Every other stage (follow start, reconcile, verify, follow) and the outcome,
     * report and exit code stay the run's own.
     */
    @FunctionalInterface
    public interface CopyStage {
        /** The copy, cold; cancelling it stops the copy. {@code store} is the run's, open for the run's length. */
        Mono<MigrationResult> copy(MigrationEngine engine, CheckpointStore store);
    }

    /** This run with its copy stage done by {@code copy} instead of in this process. */
    public MigrationRun withCopyStage(CopyStage copy) {
        return new MigrationRun(settings, options, Objects.requireNonNull(copy, "copy"), digests);
    }

    /**
     * This run with verification's per-partition digests computed and compared by {@code digests} (a distributed
     * verification); counts, the records, narrowing a differing partition down and the result stay the run's.
     */
    public MigrationRun withPartitionDigests(io.dataworks.migrations.verify.Verifier.PartitionDigests digests) {
        return new MigrationRun(settings, options, copyStage, Objects.requireNonNull(digests, "digests"));
    }

    public static MigrationRun create(MigrationSettings settings, RunOptions options) {
        return new MigrationRun(settings, options, null, null);
    }

    /**
     * The run, cold. {@code stop} completing (Ctrl-C) stops the stage that runs: the copy writes a final checkpoint,
     * follow applies what it received; the outcome is {@link Kind#INTERRUPTED}. Usage errors found before anything is
     * read or written (a strategy that cannot map ids for {@code --reconcile-deletes}, a locked checkpoint directory)
     * fail the returned Mono with a {@link DataWorksException}; everything later ends in the {@link RunResult}.
     */
    public Mono<RunResult> run(Mono<Void> stop) {
        Objects.requireNonNull(stop, "stop");
        return Mono.defer(() -> {
            checkStrategyCanServe();
            return Mono.usingWhen(
                    Mono.fromCallable(() -> settings.checkpoints().open()).subscribeOn(Schedulers.boundedElastic()),
                    store -> new State(store, stop.cache()).stages(),
                    store -> Mono.fromRunnable(store::close).subscribeOn(Schedulers.boundedElastic()));
        });
    }

    /** What needs the strategy's id mapping refuses to start without it, before anything is read or written. */
    private void checkStrategyCanServe() {
        MigrationStrategy strategy = settings.strategy();
        IdMapping ids = strategy.idMapping();
        if (ids.isKnown()) {
            return;
        }
        String why = ids.unknownBecause().orElse("");
        if (options.reconcileDeletes()) {
            throw new DataWorksException(ExitCode.USAGE, "--reconcile-deletes needs to know which source document each target "
                    + "document came from, and strategy '" + strategy.name() + "' cannot say (" + why + "); without it the "
                    + "wrong target documents would be deleted. Run without --reconcile-deletes");
        }
        if (options.verify() && strategy.transformsDocuments()) {
            throw new DataWorksException(ExitCode.USAGE, "verification with strategy '" + strategy.name() + "' needs to know "
                    + "which target document each source document became, and the strategy cannot say (" + why
                    + "). Run without --verify");
        }
    }

    /** One subscription's stages and what they produced. */
    private final class State {
        final CheckpointStore store;
        final Mono<Void> stop;
        final MigrationEngine engine;
        final List<StageOutcome> outcomes = new ArrayList<>();
        List<NamespacePlan> plans = List.of();
        MigrationResult copy;
        List<VerificationResult> verification;
        FollowResult follow;
        Map<String, Long> deletes;
        Throwable failure;
        /** Where follow keeps the documents the target cannot take; opened by the follow stage, closed at the end. */
        DeadLetters followDeadLetters;
        /** Source → target of every namespace, for the follow records' headers. */
        final Map<Namespace, Namespace> followTargets = new java.util.concurrent.ConcurrentHashMap<>();

        State(CheckpointStore store, Mono<Void> stop) {
            this.store = store;
            this.stop = stop;
            this.engine = new io.dataworks.migrations.internal.DefaultMigrationEngine(settings, store);
        }

        Mono<RunResult> stages() {
            List<Stage> stages = new ArrayList<>();
            if (options.follow()) {
                stages.add(new Stage("follow-start", RunProgress.State.PLANNING, this::captureFollowStart));
            }
            stages.add(options.copy() ? new Stage("copy", RunProgress.State.COPYING, this::copy) : new Stage("plan", RunProgress.State.PLANNING, this::planFromCheckpoints));
            if (options.reconcileDeletes()) {
                stages.add(new Stage("reconcile", RunProgress.State.RECONCILING, this::reconcile));
            }
            if (options.verify()) {
                stages.add(new Stage("verify", RunProgress.State.VERIFYING, this::verify));
            }
            if (options.follow()) {
                stages.add(new Stage("follow", RunProgress.State.FOLLOWING, this::follow));
                if (options.reconcileDeletes()) {
                    stages.add(new Stage("reconcile-again", RunProgress.State.RECONCILING, this::reconcile));
                }
            }
            settings.progress().state(RunProgress.State.PLANNING);
            Disposable gauges = Flux.interval(PACING_GAUGES_EVERY, Schedulers.parallel()).subscribe(tick -> showPacing());
            return Flux.fromIterable(stages)
                    .concatMap(stage -> run(stage).map(outcome -> {
                        outcomes.add(outcome);
                        return outcome;
                    }))
                    .takeUntil(outcome -> outcome.kind() != Kind.DONE && outcome.kind() != Kind.REFUSED_DOCUMENTS)
                    .doFinally(signal -> closeFollowDeadLetters())
                    .then(Mono.fromCallable(() -> {
                        showPacing();
                        return new RunResult(outcomes, plans, copy, verification, follow, deletes, failure,
                                List.of(PacingReport.of(engine.source()), PacingReport.of(engine.target())));
                    }))
                    .doFinally(signal -> gauges.dispose());
        }

        /**
         * The target's pacing on the live page and as meters: {@code dataworks.pacingRate} (documents per second the
         * target is paced at, once it pushed back), {@code dataworks.concurrency} (writes in flight allowed),
         * {@code dataworks.pacing.source.rate} likewise for the source's reads.
         */
        private void showPacing() {
            PacingReport target = PacingReport.of(engine.target());
            target.rate().ifPresent(rate -> {
                settings.progress().pacingRate(rate);
                settings.metrics().gauge("pacingRate", rate);
            });
            settings.progress().concurrencyLimit(target.inFlightLimit());
            settings.metrics().gauge("concurrency", target.inFlightLimit());
            PacingReport.of(engine.source()).rate().ifPresent(rate -> settings.metrics().gauge("pacing.source.rate", rate));
        }

        private Mono<StageOutcome> run(Stage stage) {
            long start = System.nanoTime();
            LOG.debug("stage {}", stage.name());
            settings.progress().state(stage.shown());
            return Mono.defer(() -> stage.action().get())
                    .onErrorResume(e -> {
                        String message = io.dataworks.core.config.MongoUri.maskSecrets(String.valueOf(e.getMessage()));
                        failure = e instanceof DataWorksException dwe
                                ? new DataWorksException(dwe.exitCode(), stage.name() + ": " + message, e)
                                : new DataWorksException(ExitCode.FAILED, stage.name() + " failed: " + message, e);
                        return Mono.just(new Result(Kind.FAILED, failure.getMessage()));
                    })
                    .map(r -> new StageOutcome(stage.name(), r.kind(), r.detail(), Duration.ofNanos(System.nanoTime() - start)));
        }

        /** Where following will start, recorded before the copy reads anything. */
        private Mono<Result> captureFollowStart() {
            return engine.namespaceMappings()
                    .flatMap(mappings -> {
                        followTargets.putAll(mapping(mappings));
                        if (settings.fresh()) {
                            // --fresh starts following from a new point too (the copy starts over)
                            return Mono.fromRunnable(() -> mappings.forEach(m -> store.delete(CheckpointStore.Kind.FOLLOW, m.source())))
                                    .subscribeOn(Schedulers.boundedElastic())
                                    .then(follower().capture(settings.source(), mapping(mappings)));
                        }
                        return follower().capture(settings.source(), mapping(mappings));
                    })
                    .thenReturn(new Result(Kind.DONE, "change streams will be followed from before the copy"));
        }

        private Mono<Result> copy() {
            StallWatch watch = StallWatch.start("copy", options.stallTimeout(), this::copyProgress,
                    () -> "the source to answer a read or the target to acknowledge a bulk write (" + engine.target().pacing()
                            + ")", Schedulers.parallel());
            return (copyStage == null ? engine.migrate() : copyStage.copy(engine, store))
                    .takeUntilOther(stop)
                    .doFinally(signal -> watch.dispose())
                    .map(result -> {
                        copy = result;
                        plans = result.plans();
                        settings.progress().deadLetters(result.deadLettered());
                        if (result.deadLettered() > 0) {
                            String detail = (result.documentsFailed() > 0 ? result.documentsFailed()
                                    + " document(s) refused by the target in this run; " : "") + result.deadLetters()
                                    + " holds " + result.deadLettered() + " document(s) of these collections "
                                    + "that are not on the target: " + result.deadLettersClear() + "; "
                                    + "or rerun with --fresh after fixing the cause";
                            LOG.warn("copy: {}", detail);
                            return new Result(Kind.REFUSED_DOCUMENTS, detail);
                        }
                        return new Result(Kind.DONE, "copied");
                    })
                    .switchIfEmpty(Mono.fromSupplier(() -> new Result(Kind.INTERRUPTED,
                            "stopped; the final checkpoint is written: rerun the same command to resume")));
        }

        private long copyProgress() {
            PerformanceSnapshot now = settings.metrics().getCurrentPerformance();
            return now.documentsRead() + now.documentsWritten() + now.documentsSkipped() + now.documentsFailed();
        }

        private Mono<Result> planFromCheckpoints() {
            return engine.plan().map(found -> {
                plans = found;
                return new Result(Kind.DONE, found.size() + " namespace(s) planned");
            });
        }

        private Mono<Result> reconcile() {
            DeleteReconciler reconciler = DeleteReconciler.builder().batchSize(settings.batchSize())
                    .parallelism(settings.parallelCursors()).strategy(settings.strategy())
                    .sourceRequests(engine.source().requests()).targetRequests(engine.target().requests()).build();
            Map<String, Long> deleted = new LinkedHashMap<>();
            return Flux.fromIterable(plans)
                    .concatMap(plan -> reconciler.reconcile(plan, engine.source().collection(plan.source()),
                                    engine.target().collection(plan.target()))
                            .doOnNext(r -> deleted.put(plan.target().toString(), r.deleted())))
                    .takeUntilOther(stop)
                    .then(Mono.fromSupplier(() -> {
                        deletes = deleted;
                        long total = deleted.values().stream().mapToLong(Long::longValue).sum();
                        return deleted.size() < plans.size()
                                ? new Result(Kind.INTERRUPTED, "stopped while reconciling deletes")
                                : new Result(Kind.DONE, total + " target document(s) deleted that the source no longer has");
                    }));
        }

        private Mono<Result> verify() {
            VerifyOptions verifyOptions = VerifyOptions.defaults(settings.checkpointDir())
                    .withParallelism(settings.parallelCursors())
                    .withBatchSize(settings.sourceBatchSize())
                    .withResume(!settings.fresh())
                    .withStrategy(settings.strategy())
                    .withStore(store)
                    .withIdentities(settings.sourceIdentity(), settings.targetIdentity())
                    .withRequests(engine.source().requests(), engine.target().requests());
            List<VerificationResult> results = new ArrayList<>();
            return Flux.fromIterable(plans)
                    .concatMap(plan -> (digests == null ? Verifier.create() : Verifier.create(digests)).verify(plan, engine.source().collection(plan.source()),
                            engine.target().collection(plan.target()), verifyOptions))
                    .doOnNext(results::add)
                    .takeUntilOther(stop)
                    .then(Mono.fromSupplier(() -> {
                        verification = results;
                        if (results.size() < plans.size()) {
                            return new Result(Kind.INTERRUPTED, "stopped while verifying; --verify-only resumes the interrupted verification");
                        }
                        VerificationResult all = VerificationResult.combine(results);
                        for (VerificationResult r : results) {
                            settings.progress().namespace(r.source().toString(), r.target().toString())
                                    .verification(r.status().label(), r.missing() + r.extra() + r.different());
                        }
                        settings.progress().verification(all.status().label(), all.missing() + all.extra() + all.different());
                        if (!all.matches()) {
                            return new Result(Kind.MISMATCH, "verification found " + all.missing() + " missing, " + all.extra()
                                    + " extra and " + all.different() + " different document(s)"
                                    + (all.diffFile() == null ? "" : "; their _ids are in " + all.diffFile()));
                        }
                        return new Result(Kind.DONE, "target matches the source (" + all.method() + ")");
                    }));
        }

        private Mono<Result> follow() {
            Map<Namespace, Namespace> mapping = new LinkedHashMap<>();
            plans.forEach(p -> mapping.put(p.source(), p.target()));
            followTargets.putAll(mapping);
            if (options.cutover() != null) {
                settings.progress().cutover(options.cutover().maxLag().toMillis() / 1000.0, options.cutover().holdFor());
            }
            return Mono.fromCallable(this::followDeadLetters).subscribeOn(Schedulers.boundedElastic()).flatMap(letters -> {
                FollowHandle handle = followerWith(letters).start(settings.source(), settings.target(), mapping);
                stop.subscribe(null, e -> handle.stop(), handle::stop);
                return handle.result();
            }).map(result -> {
                follow = result;
                if (result.reason() == FollowResult.StopReason.SOURCE_ENDED || !result.ended().isEmpty()) {
                    return new Result(Kind.INCOMPLETE, result.summary());
                }
                if (result.refused() > 0) {
                    return new Result(Kind.REFUSED_DOCUMENTS, result.summary());
                }
                return switch (result.reason()) {
                    case CUTOVER, MAX_EVENTS -> new Result(Kind.DONE, result.summary());
                    case STOPPED -> new Result(Kind.INTERRUPTED, result.summary());
                    case SOURCE_ENDED -> new Result(Kind.INCOMPLETE, result.summary());
                };
            });
        }

        private synchronized DeadLetters followDeadLetters() {
            if (followDeadLetters == null) {
                DeadLetters letters = store.deadLetters(settings.errors().deadLetter());
                letters.load();
                followDeadLetters = letters;
            }
            return followDeadLetters;
        }

        private synchronized void closeFollowDeadLetters() {
            if (followDeadLetters != null) {
                followDeadLetters.close();
                followDeadLetters = null;
            }
        }

        private ChangeFollower follower() {
            return followerWith(null);
        }

        private ChangeFollower followerWith(DeadLetters letters) {
            FollowOptions followOptions = FollowOptions.defaults(settings.checkpointDir())
                    .withCosmos(options.cosmosSource())
                    .withCutover(options.cutover())
                    .withStore(store, this::followHeader)
                    .withDeadLetters(letters);
            return ChangeFollower.create(followOptions
                            .withDocuments(DocumentStage.create(settings.strategy(), settings.targetMaxDocumentBytes()))
                            .withStallTimeout(options.stallTimeout()),
                    engine.source().requests(), engine.target().requests(), Clock.SYSTEM, settings.metrics()::gauge,
                    engine.target().blocking());
        }

        /**
         * The header of a follow record: the run's identities, namespaces and strategy. A follow record is not tied to a
         * plan (its start point is taken before planning), hence the fixed fingerprint.
         */
        private CheckpointHeader followHeader(Namespace source) {
            Namespace target = followTargets.getOrDefault(source, source);
            return CheckpointHeader.of(settings.sourceIdentity(), settings.targetIdentity(), source, target,
                    settings.strategy().name(), "follow", null);
        }

        private Map<Namespace, Namespace> mapping(List<NamespaceMapping> mappings) {
            Map<Namespace, Namespace> m = new LinkedHashMap<>();
            mappings.forEach(n -> m.put(n.source(), n.target()));
            return m;
        }
    }

    private record Result(Kind kind, String detail) {
    }

    /** A named step, the state the progress API shows while it runs, and what it does. */
    private record Stage(String name, RunProgress.State shown, java.util.function.Supplier<Mono<Result>> action) {
    }
}
