package io.dataworks.migrations.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;

import io.dataworks.core.ExitCode;
import io.dataworks.core.cli.Cli;
import io.dataworks.core.cli.Preload;
import io.dataworks.core.cli.CommonOptions;
import io.dataworks.core.cli.VersionProvider;
import io.dataworks.core.config.ConfigException;
import io.dataworks.core.config.DataWorksConfig;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.config.Flavour;
import io.dataworks.core.config.MongoUri;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.core.plugin.PluginLoader;
import io.dataworks.migrations.MigrationEngine;
import io.dataworks.migrations.MigrationRun;
import io.dataworks.migrations.endpoint.ReadLatency;
import io.dataworks.migrations.RunOptions;
import io.dataworks.migrations.RunResult;
import io.dataworks.migrations.StageOutcome;
import io.dataworks.migrations.verify.VerificationResult;
import io.dataworks.migrations.MigrationResult;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.plan.MigrationPlan;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.PlanPrinter;
import io.dataworks.migrations.plan.RequestUnitEstimate;
import io.dataworks.monitoring.AlertRule;
import io.dataworks.monitoring.MonitoringOptions;
import io.dataworks.monitoring.MonitoringSession;
import io.dataworks.monitoring.RunReport;
import io.micrometer.core.instrument.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/** {@code flexible-migrate}: copies collections from a source to a target, resumably. */
@Command(name = "flexible-migrate", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class, sortOptions = false,
        description = {"Copies MongoDB collections (Cosmos DB, Atlas, any MongoDB) from a source to a target: parallel cursors,",
                "byte-bounded unordered bulk writes, checkpoints to resume after a crash, pluggable strategies.",
                "Try it: flexible-migrate --demo"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:the run failed, or follow ended without a complete target", "2:usage or configuration error",
                "3:verification found a mismatch", "4:done, but the target refused documents (see the dead-letter file)",
                "130:stopped by Ctrl-C (rerun to resume)", "143:stopped by SIGTERM (rerun to resume)"})
public final class FlexibleMigrate implements Callable<Integer> {

    static final String TOOL = "flexible-migrate";

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Mixin
    MigrateOptions options = new MigrateOptions();

    @Option(names = "--demo", description = "Everything embedded: fill an in-process source from the service-order template, migrate, verify, report.")
    boolean demo;
    @Option(names = "--total", paramLabel = "N", defaultValue = "10000", description = "Documents in the --demo source. Default: ${DEFAULT-VALUE}.")
    long total;
    @Option(names = "--cosmos-budget", paramLabel = "RU_PER_SECOND", description = "With --demo: the embedded target behaves "
            + "as Cosmos DB provisioned with this many request units per second (16500 TooManyRequests, partial bulk "
            + "inserts, RetryAfterMs), so the pacing can be watched; ~5.5 RU per 1 KB document inserted.")
    Double cosmosBudget;

    /** A client of the source with one connection, for the dry run's request-unit estimate (set once configured). */
    private java.util.function.Supplier<MongoEndpoint> singleConnectionSource;

    /** Whether the source is Cosmos DB (set once connected): its change streams need their own pipeline. */
    private boolean sourceIsCosmos;

    /** Times the source's cursor batches once the run's meters exist, in a run that does not copy (the copy times its own). */
    final ReadLatency readLatency = new ReadLatency();

    /** FRAMEWORK_STALL_TIMEOUT_SECONDS of the loaded configuration. */
    private Duration stallTimeout = RunOptions.DEFAULT_STALL_TIMEOUT;

    /** FRAMEWORK_ALERT_* rules of the loaded configuration (none for the demo). */
    private List<AlertRule> alertRules = List.of();

    /** Run first by {@link #call()}: from {@link #main}, the wait for logging to have started (see there). */
    Runnable beforeRun = () -> {
    };

    /** Turns the run this command built into the one it runs: as built for the CLI; the Spark driver adds its copy stage. */
    private final java.util.function.UnaryOperator<MigrationRun> runCustomizer;

    public FlexibleMigrate() {
        this(java.util.function.UnaryOperator.identity());
    }

    /**
     * The command with {@code runCustomizer} applied to every run it builds, for a driver that runs the same migration
     * differently (the Spark driver's distributed copy stage): same options, checks, stages, report and exit codes.
     */
    public FlexibleMigrate(java.util.function.UnaryOperator<MigrationRun> runCustomizer) {
        this.runCustomizer = java.util.Objects.requireNonNull(runCustomizer, "runCustomizer");
    }

    public static void main(String[] args) {
        // logging, the driver, Reactor and the report's JSON writer get ready on a second core while this thread parses
        // and configures (about a tenth of a small run's time from java -jar to exit; bench/RESULTS.md). Logging comes
        // first, and no class this thread loads before call() names a logger in a static field, so logback's start-up
        // (about 60 ms) overlaps picocli's instead of preceding it.
        CountDownLatch loggingReady = new CountDownLatch(1);
        Preload.start(List.of(
                () -> {
                    try {
                        LoggerFactory.getILoggerFactory();
                    } finally {
                        loggingReady.countDown();
                    }
                },
                () -> MongoClientSettings.builder().applyConnectionString(new ConnectionString("mongodb://localhost")).build()
                        .getCodecRegistry().get(RawBsonDocument.class),
                () -> Flux.range(0, 2).flatMap(Mono::just).concatMap(Mono::just).collectList().block(),
                RunReport::prepareWriter));
        FlexibleMigrate command = new FlexibleMigrate();
        command.beforeRun = () -> awaitLogging(loggingReady);
        System.exit(Cli.run(command, args));
    }

    /**
     * Waits until logging has started on the preload thread: a class that logs while SLF4J is still starting up on
     * another thread gets a stand-in logger, whose events (of every level) SLF4J replays afterwards with a warning of
     * its own on stderr. The driver logs as a client is created, so call() waits before it connects; by then the
     * wait is usually over.
     */
    private static void awaitLogging(CountDownLatch loggingReady) {
        try {
            // after 10 s the run goes on without it: a stand-in logger is better than no run
            loggingReady.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** This class's logger, looked up when first needed rather than in a static field (see {@link #main}). */
    private static Logger log() {
        return LoggerFactory.getLogger(FlexibleMigrate.class);
    }

    /** The migration options as parsed (after picocli filled them in). */
    public MigrateOptions options() {
        return options;
    }

    /** The options both CLIs share, as parsed. */
    public CommonOptions common() {
        return common;
    }

    /** Whether {@code --demo} was given. */
    public boolean demo() {
        return demo;
    }

    @Override
    public Integer call() {
        beforeRun.run();
        options.checkFlagCombinations();
        if (demo && (options.verifyOnly || options.follow)) {
            throw new ConfigException("--demo", "--demo copies and verifies an embedded source; it takes no --verify-only or --follow");
        }
        if (cosmosBudget != null && !demo) {
            throw new ConfigException("--cosmos-budget", "--cosmos-budget shapes the embedded target of --demo; against a real "
                    + "Cosmos DB target give its provisioned throughput with --target-ru");
        }
        if (cosmosBudget != null && !(cosmosBudget > 0 && cosmosBudget < 1e9)) {
            throw new ConfigException("--cosmos-budget", "--cosmos-budget is request units per second, a number > 0 (e.g. "
                    + "--cosmos-budget 20000), was " + cosmosBudget);
        }
        if (demo) {
            return new Demo(this).run();
        }
        DataWorksConfig config = options.loadConfig(common);
        EndpointConfig sourceConfig = config.requireSource();
        EndpointConfig targetConfig = config.requireTarget();
        options.checkOutputPaths(common, MigrateOptions.checkpointDir(config));
        try (PluginLoader plugins = common.pluginLoader();
             // the copy times its own cursor batches; a command listener would make the driver copy every whole reply
             // (a megabyte per batch) just to tell how long it took, so only a run that does not copy has one
             MongoEndpoint source = MongoEndpoint.connect(sourceConfig, b -> {
                 if (options.verifyOnly()) {
                     b.addCommandListener(readLatency);
                 }
             });
             MongoEndpoint target = MongoEndpoint.connect(targetConfig)) {
            MigrationStrategy selected = options.selectStrategy(plugins, config);
            alertRules = config.read(AlertRule::fromConfig);
            stallTimeout = MigrateOptions.stallTimeout(config);
            Mono.when(source.ping(), target.ping()).block();
            // More connections are opened while the run is set up (not waited for), so the first batches do not queue
            // behind connection handshakes; a server that fails them fails the run's own first requests as clearly.
            Disposable warmUp = Mono.when(source.warmUp(), target.warmUp()).onErrorResume(e -> Mono.empty()).subscribe();
            try {
                MigrationSettings settings = options.settings(config, source, target, selected);
                sourceIsCosmos = source.flavour() == Flavour.COSMOS_DB;
                // the request-unit estimate reads its sample and the statistics over one connection (Cosmos DB answers
                // getLastRequestStatistics per connection)
                singleConnectionSource = () -> MongoEndpoint.connect(sourceConfig, b -> b.applyToConnectionPoolSettings(
                        pool -> pool.maxSize(1).minSize(0)));
                return run(settings, out(), false);
            } finally {
                warmUp.dispose();
            }
        }
    }

    /**
     * The share of {@code --target-ru} the copy used, estimated: documents written × the published RU per KB of their
     * average size, over the copy stage's duration. Empty when the copy wrote nothing.
     */
    static java.util.Optional<Map<String, Object>> budgetUse(RunResult result, io.dataworks.monitoring.PerformanceSnapshot s,
                                                             double targetRu) {
        java.util.Optional<io.dataworks.migrations.StageOutcome> copy = result.outcome("copy");
        if (copy.isEmpty() || s.documentsWritten() == 0 || copy.get().took().isZero()) {
            return java.util.Optional.empty();
        }
        double seconds = copy.get().took().toNanos() / 1e9;
        double units = s.documentsWritten() * io.dataworks.core.embedded.CosmosRequestUnits.write(s.bytesWritten() / s.documentsWritten());
        Map<String, Object> use = new LinkedHashMap<>();
        use.put("ruPerSecond", targetRu);
        use.put("estimatedRuPerSecondUsed", Math.round(units / seconds));
        use.put("estimatedUse", Math.round(units / seconds / targetRu * 1000) / 1000.0);
        use.put("estimatedFrom", "documents written x " + io.dataworks.core.embedded.CosmosRequestUnits.WRITE_RU_PER_KB
                + " RU per KB of their average size, over the copy stage");
        return java.util.Optional.of(use);
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    MonitoringSession monitoring() {
        return MonitoringSession.start(new MonitoringOptions(TOOL, common.metricsOut().orElse(null),
                common.metricsPort().orElse(null), !options.noProgress(), null, alertRules)
                .withRedactor(MongoUri::maskSecrets)
                .withStallTimeout(stallTimeout.isZero() ? RunOptions.DEFAULT_STALL_TIMEOUT : stallTimeout));
    }

    /**
     * Runs (or, with --dry-run, plans) a migration with Ctrl-C handling, and prints and writes the report. The status
     * and exit code are the {@link RunResult}'s; a failure after a verification mismatch (writing the report) keeps 3.
     *
     * @param alwaysVerify verify after the copy as {@code --verify} does even when it was not given ({@code --demo})
     */
    int run(MigrationSettings base, PrintWriter out, boolean alwaysVerify) {
        if (options.dryRun()) {
            List<NamespacePlan> plans = MigrationEngine.create(base).plan().block();
            out.print(PlanPrinter.format(MigrationPlan.of(plans)));
            out.println("Checkpoints: " + base.checkpoints().location());
            if (singleConnectionSource != null && !options.verifyOnly()) {
                try (MongoEndpoint sample = singleConnectionSource.get()) {
                    RequestUnitEstimate.measure(sample.client(), plans).ifPresentOrElse(
                            estimate -> out.print(estimate.format(options.targetRu())),
                            () -> {
                                if (options.targetRu() > 0) {
                                    out.println("Request units: the source does not answer getLastRequestStatistics (not "
                                            + "Cosmos DB), so reading it costs no RU to estimate.");
                                }
                            });
                }
            }
            out.println(options.verifyOnly() ? "Dry run: these namespaces would be verified (plans from the checkpoints where there are); "
                    + "nothing was read beyond planning, nothing written." : "Dry run: nothing was written.");
            out.flush();
            return ExitCode.OK.code();
        }
        RunOptions stages = options.runOptions(sourceIsCosmos, stallTimeout, alwaysVerify);
        MonitoringSession session = monitoring();
        readLatency.recordInto(session.collector());
        MigrationSettings settings = base.toBuilder().metrics(session.collector()).progress(session.progress()).build();
        MigrationRun migration = runCustomizer.apply(MigrationRun.create(settings, stages));
        Sinks.Empty<Void> stop = Sinks.empty();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log().warn("stopping: writing a final checkpoint (rerun the same command to resume)");
            stop.tryEmitEmpty();
            try {
                finished.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "flexible-migrate-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        RunReport.Builder report = RunReport.builder(TOOL);
        try {
            RunResult result;
            try {
                result = migration.run(stop.asMono()).block();
            } catch (RuntimeException e) {
                // refused before any stage ran (a locked checkpoint directory, a strategy that cannot map ids)
                session.failed(MongoUri.maskSecrets(String.valueOf(e.getMessage())));
                report.status(RunReport.FAILED).detail("error", MongoUri.maskSecrets(String.valueOf(e.getMessage())));
                finish(session, report, settings, out, ExitCode.FAILED);
                throw e;
            }
            Map<String, Object> pacing = new LinkedHashMap<>();
            result.pacing().forEach(p -> pacing.put(p.side(), p.toReportDetails()));
            if (options.targetRu() > 0) {
                budgetUse(result, session.collector().getCurrentPerformance(), options.targetRu())
                        .ifPresent(use -> pacing.put("targetBudget", use));
            }
            report.detail("pacing", pacing);
            describe(report, result);
            ExitCode exit = result.exitCode();
            if (result.failure() != null) {
                session.failed(MongoUri.maskSecrets(String.valueOf(result.failure().getMessage())));
                report.detail("error", MongoUri.maskSecrets(String.valueOf(result.failure().getMessage())));
            }
            int code = finish(session, report, settings, out, exit);
            if (result.failure() != null && result.exitCode() != ExitCode.VERIFICATION_MISMATCH) {
                // the Cli prints the error and maps its exit code (2 for a refused checkpoint, 1 otherwise)
                throw result.failure() instanceof RuntimeException re ? re
                        : new io.dataworks.core.DataWorksException(exit, String.valueOf(result.failure().getMessage()), result.failure());
            }
            return code;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it waits for the latch counted down above
            }
        }
    }

    /** The run's outcome into the report: status, stages, copy counts, verification, follow and reconcile details. */
    static void describe(RunReport.Builder report, RunResult result) {
        report.status(result.status());
        List<Map<String, Object>> stages = new ArrayList<>();
        for (StageOutcome o : result.outcomes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("stage", o.stage());
            m.put("outcome", o.kind().name().toLowerCase(Locale.ROOT));
            m.put("seconds", o.took().toMillis() / 1000.0);
            m.put("detail", MongoUri.maskSecrets(o.detail()));
            stages.add(m);
        }
        report.detail("stages", stages);
        if (result.copy() != null) {
            describe(report, result.copy());
        }
        if (result.deletes() != null) {
            report.detail("reconciledDeletes", result.deletes());
        }
        if (result.verification() != null && !result.verification().isEmpty()) {
            report.detail("verification", result.verification().stream().map(VerificationResult::toReportDetails).toList());
            report.verification(result.combinedVerification().toReport());
        }
        if (result.follow() != null) {
            report.detail("follow", result.follow().toReportDetails());
        }
    }

    static void describe(RunReport.Builder report, MigrationResult result) {
        result.namespaces().forEach(ns -> report.namespace(new RunReport.NamespaceReport(ns.source().toString(),
                ns.target().toString(), ns.documentsCopied(), ns.partitions(), ns.partitioner())));
        Map<String, Object> indexFailures = new LinkedHashMap<>();
        result.namespaces().stream().filter(ns -> !ns.indexFailures().isEmpty())
                .forEach(ns -> indexFailures.put(ns.source().toString(), ns.indexFailures()));
        if (!indexFailures.isEmpty()) {
            report.detail("indexFailures", indexFailures);
        }
        Map<String, Object> steps = new LinkedHashMap<>();
        result.namespaces().forEach(ns -> {
            Map<String, Double> seconds = new LinkedHashMap<>();
            ns.stepMillis().forEach((step, millis) -> seconds.put(step, millis / 1000.0));
            steps.put(ns.source().toString(), seconds);
        });
        report.detail("stepSeconds", steps);
        if (result.deadLetter() != null) {
            report.detail("deadLetter", result.deadLetter().toString());
        } else if (result.deadLettered() > 0) {
            report.detail("deadLetter", MongoUri.maskSecrets(result.deadLetters()));
        }
    }

    /**
     * Closes monitoring: a short summary for a person on stderr, the JSON report where {@code --report} says ({@code -}
     * for stdout). Returns the exit code: {@code exit}, or 1 when the report could not be written and nothing worse (a
     * verification mismatch: 3) was already known.
     */
    int finish(MonitoringSession session, RunReport.Builder report, MigrationSettings settings, PrintWriter out, ExitCode exit) {
        // throttledRequests counts requests; how many documents those requests carried back is a figure of its own
        report.detail("throttledDocuments", settings.metrics().throttledDocuments());
        report.detail("strategy", settings.strategy().name())
                .detail("writeMode", settings.writeMode().name().toLowerCase(Locale.ROOT))
                .detail(settings.checkpoints().inMongo() ? "checkpoints" : "checkpointDir", settings.checkpoints().location());
        try {
            session.finish(report, common.report().orElse(null), out, spec.commandLine().getErr());
        } catch (RuntimeException e) {
            log().error("cannot write the report to {}: {}", common.report().orElse(null), MongoUri.maskSecrets(e.toString()));
            return exit == ExitCode.OK || exit == ExitCode.COMPLETED_WITH_ERRORS ? ExitCode.FAILED.code() : exit.code();
        }
        return exit.code();
    }
}
