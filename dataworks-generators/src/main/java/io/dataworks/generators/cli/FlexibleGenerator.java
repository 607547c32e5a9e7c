package io.dataworks.generators.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.cli.Cli;
import io.dataworks.core.cli.CommonOptions;
import io.dataworks.core.cli.VersionProvider;
import io.dataworks.core.config.ConfigException;
import io.dataworks.core.config.ConfigKeys;
import io.dataworks.core.config.DataWorksConfig;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.config.MongoUri;
import io.dataworks.core.io.OutputPaths;
import io.dataworks.core.config.WorkerConfig;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.core.plugin.PluginLoader;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.generators.DocumentGenerator;
import io.dataworks.generators.GenerationEngine;
import io.dataworks.generators.GenerationResult;
import io.dataworks.generators.GenerationSettings;
import io.dataworks.generators.sink.DocumentSink;
import io.dataworks.generators.sink.JsonLinesSink;
import io.dataworks.generators.sink.MongoCollectionSink;
import io.dataworks.generators.infer.TemplateInference;
import io.dataworks.generators.rehearsal.RehearsalGenerator;
import io.dataworks.generators.template.TemplateGenerator;
import io.dataworks.generators.template.TemplateOptions;
import io.dataworks.generators.template.TemplateSet;
import io.dataworks.monitoring.AlertRule;
import io.dataworks.monitoring.MonitoringOptions;
import io.dataworks.monitoring.MonitoringSession;
import io.dataworks.monitoring.RunProgress;
import io.dataworks.monitoring.RunReport;
import picocli.CommandLine.Command;
import reactor.core.Disposable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code flexible-generator.jar}: documents from a JSON template or a generator plug-in into a MongoDB
 * collection, a JSON Lines file or stdout, reproducibly from a seed.
 */
@Command(name = "flexible-generator", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {
            "Generates documents from a JSON template (--template) or a generator plug-in (--generator) into a "
                + "MongoDB collection (--target-uri, --target-db, --target-collection, or FRAMEWORK_TARGET_DB_* in "
                + ".env_local) or into a JSON Lines file in relaxed Extended JSON that mongoimport loads unchanged "
                + "(--output PATH, - for stdout).",
            "Document i depends only on (seed, i): the same --seed gives the same documents whatever --workers, "
                + "--write-workers and --batch-size are.",
            ""},
        footer = {
            "",
            "Examples:",
            "  java -jar flexible-generator.jar --template t.json -n 1000000 -o t.jsonl",
            "  java -jar flexible-generator.jar --template t.json -n 100000 --drop \\",
            "      --target-uri mongodb://localhost --target-db shop --target-collection t",
            "  java -jar flexible-generator.jar --plugins DIR --generator NAME -n 10 -o -",
            "  java -jar flexible-generator.jar --template templates/shop_set_template.json --seed 7 -o shop/",
            "  java -jar flexible-generator.jar --infer-from mongodb://host --source-db shop --source-collection orders \\",
            "      --sample 5000 -o orders_template.json",
            "  java -jar flexible-generator.jar --torture -n 100000 -o rehearsal.jsonl",
            "",
            "Exit codes: 0 done, 1 the run failed, 2 usage or configuration error."})
public final class FlexibleGenerator implements Callable<Integer> {

    static final String TOOL = "flexible-generator";
    private static final Logger LOG = LoggerFactory.getLogger(FlexibleGenerator.class);

    @Option(names = "--template", paramLabel = "PATH", description = "JSON template to generate from.")
    Path template;

    @Option(names = "--generator", paramLabel = "NAME",
            description = "Generator plug-in to use (found on the classpath and in --plugins); see --list-generators.")
    String generator;

    @Option(names = "--list-generators", description = "List the generator plug-ins found and exit.")
    boolean listGenerators;

    @Option(names = "--torture", description = "Rehearsal data that breaks migrations (the built-in generator 'rehearsal'):"
            + " mixed _id types, $ and dotted field names, every BSON type, deep nesting, documents near 16 MiB and 2 MiB,"
            + " unique-index collisions.")
    boolean torture;

    @Option(names = {"-n", "--total"}, paramLabel = "N", defaultValue = "1000",
            description = "Number of documents (default: ${DEFAULT-VALUE}).")
    long total;

    @Option(names = "--seed", paramLabel = "N", description = "Seed; random when omitted (the report shows it).")
    Long seed;

    @Option(names = {"-o", "--output"}, paramLabel = "PATH",
            description = "JSON Lines file to write ('-' for stdout) instead of a MongoDB target.")
    String output;

    @Option(names = "--target-uri", paramLabel = "URI", description = "Target connection string (FRAMEWORK_TARGET_DB_CONNECTION_STRING).")
    String targetUri;

    @Option(names = "--target-db", paramLabel = "NAME", description = "Target database (FRAMEWORK_TARGET_DB_NAME).")
    String targetDb;

    @Option(names = "--target-collection", paramLabel = "NAME", description = "Target collection (FRAMEWORK_TARGET_DB_COLLECTION).")
    String targetCollection;

    @Option(names = "--target-type", paramLabel = "cosmos|atlas|mongodb", description = "Target flavour; detected from the host when omitted.")
    String targetType;

    @Option(names = "--drop", description = "Drop the target collection first (default: keep it; documents already there are skipped).")
    boolean drop;

    @Option(names = "--workers", paramLabel = "N", description = "Generation workers (FRAMEWORK_GENERATION_WORKERS; default: cores).")
    Integer workers;

    @Option(names = "--write-workers", paramLabel = "N", description = "Concurrent insertMany calls (FRAMEWORK_WRITE_WORKERS).")
    Integer writeWorkers;

    @Option(names = "--batch-size", paramLabel = "N", description = "Documents per batch (FRAMEWORK_BATCH_AGGREGATION_SIZE).")
    Integer batchSize;

    @Option(names = "--infer-from", paramLabel = "URI",
            description = "Instead of generating: read a sample of --source-db.--source-collection at URI and write a template "
                + "of its shape (to --output, or stdout).")
    String inferFrom;

    @Option(names = "--source-db", paramLabel = "NAME", description = "With --infer-from: the database to sample.")
    String sourceDb;

    @Option(names = "--source-collection", paramLabel = "NAME", description = "With --infer-from: the collection to sample.")
    String sourceCollection;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "1000",
            description = "With --infer-from: documents to sample (default: ${DEFAULT-VALUE}).")
    int sample;

    @Mixin
    CommonOptions common;

    public static void main(String[] args) {
        System.exit(Cli.run(new FlexibleGenerator(), args));
    }

    @Override
    public Integer call() {
        if (listGenerators) {
            return listGenerators();
        }
        if (inferFrom != null) {
            return infer();
        }
        if (total < 0) {
            throw new ConfigException("--total", "--total must be >= 0, was " + total);
        }
        DataWorksConfig config = loadConfig();
        long runSeed = seed != null ? seed : new SecureRandom().nextLong();
        if (template != null && generator == null && TemplateSet.isSet(template)) {
            return generateSet(config, runSeed);
        }
        Destination destination = destination(config);
        if (destination.stdout && common.report().filter(RunReport::isStdout).isPresent()) {
            throw new ConfigException("--report", "--report - and --output - both write to stdout: give --report a file");
        }
        checkOutputPaths(destination);
        List<AlertRule> alerts = config.read(AlertRule::fromConfig);
        WorkerConfig workerConfig = config.workers();

        try (PluginLoader plugins = common.pluginLoader()) {
            DocumentGenerator documents = selectGenerator(plugins);
            MongoEndpoint endpoint = destination.target == null ? null : MongoEndpoint.connect(destination.target);
            try {
                DocumentSink<?> sink = destination.sink(endpoint, RetryPolicy.of(config.retry()), drop);
                GenerationSettings settings = new GenerationSettings(documents, total, runSeed,
                        workerConfig.generationWorkers(), workerConfig.batchAggregationSize(),
                        Duration.ofMillis(workerConfig.batchAggregationTimeoutMs()), workerConfig.writeWorkers(), sink);
                return generate(List.of(GenerationEngine.create(settings)), null, runSeed, alerts);
            } finally {
                if (endpoint != null) {
                    endpoint.close();
                }
            }
        }
    }

    /**
     * {@code --infer-from}: reads a {@code $sample} of the source collection (a plain read of the first
     * documents where the server has no {@code $sample}) and writes the inferred template.
     */
    private int infer() {
        if (sample < 1) {
            throw new ConfigException("--sample", "--sample must be at least 1, was " + sample);
        }
        if (template != null || generator != null || targetUri != null) {
            throw new ConfigException("--infer-from", "--infer-from writes a template: leave out --template, --generator and --target-uri");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        put(overrides, ConfigKeys.SOURCE_URI, inferFrom);
        put(overrides, ConfigKeys.SOURCE_DB, sourceDb);
        put(overrides, ConfigKeys.SOURCE_COLLECTION, sourceCollection);
        DataWorksConfig config = common.loadConfig(overrides);
        EndpointConfig source = config.requireSource();
        if (source.collections().size() != 1) {
            throw new ConfigException(ConfigKeys.SOURCE_COLLECTION, "--infer-from samples one collection: pass --source-collection NAME");
        }
        Path file = output == null || output.equals("-") ? null : Path.of(output);
        if (file != null) {
            new OutputPaths().check("--output", file);
        }
        String collection = source.collections().get(0);
        TemplateInference inference = new TemplateInference();
        try (MongoEndpoint endpoint = MongoEndpoint.connect(source)) {
            var coll = endpoint.collection(collection);
            reactor.core.publisher.Flux.from(coll.aggregate(List.of(new org.bson.Document("$sample", new org.bson.Document("size", sample)))))
                    .onErrorResume(e -> reactor.core.publisher.Flux.from(coll.find().limit(sample)))
                    .doOnNext(inference::add)
                    .then().block();
            LOG.info("sampled {} documents of {}.{} at {}", inference.documents(), endpoint.database().getName(), collection,
                    endpoint.uri().masked());
        }
        if (inference.documents() == 0) {
            throw new DataWorksException(ExitCode.FAILED, "nothing to infer from: " + collection + " is empty");
        }
        String json;
        try {
            json = new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                    .writeValueAsString(inference.template());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot print the template", e);
        }
        if (file == null) {
            System.out.println(json);
        } else {
            try {
                Files.writeString(file, json + System.lineSeparator());
            } catch (java.io.IOException e) {
                throw new DataWorksException(ExitCode.FAILED, "cannot write " + file + ": " + e.getMessage(), e);
            }
            LOG.info("wrote the template inferred from {} documents to {}", inference.documents(), file);
        }
        return ExitCode.OK.code();
    }

    /** Every file the run writes must be writable before the first document is made (exit 2 otherwise). */
    private void checkOutputPaths(Destination destination) {
        OutputPaths paths = new OutputPaths();
        if (destination.file != null) {
            paths.check("--output", destination.file);
        }
        common.report().filter(p -> !RunReport.isStdout(p)).ifPresent(p -> paths.check("--report", p));
        common.metricsOut().ifPresent(p -> paths.check("--metrics-out", p));
    }

    /**
     * A template set: its collections one after the other, in dependency order, each into its own
     * collection of the target database (named as in the set) or its own file {@code DIR/<name>.jsonl}
     * (with {@code --output DIR}); one report for all of them, with a namespace entry per collection.
     */
    private int generateSet(DataWorksConfig config, long runSeed) {
        TemplateSet set = TemplateSet.compile(template, runSeed, TemplateOptions.DEFAULTS);
        OutputPaths paths = new OutputPaths();
        Path dir = null;
        EndpointConfig target = null;
        if (output != null) {
            if (targetUri != null) {
                throw new ConfigException(ConfigKeys.TARGET_URI, "--output and --target-uri both given: write to files (--output DIR)"
                        + " or to MongoDB (--target-uri), not both");
            }
            if (output.equals("-") || output.isBlank()) {
                throw new ConfigException("--output", "a template set writes one file per collection: --output DIR, not stdout");
            }
            dir = Path.of(output);
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new ConfigException("--output", "--output " + output + " is a file: a template set writes one file per"
                        + " collection into a directory, --output DIR");
            }
            for (TemplateSet.Member m : set.members()) {
                paths.check("--output", dir.resolve(m.name() + ".jsonl"));
            }
        } else {
            target = config.target().orElseThrow(() -> new ConfigException(ConfigKeys.TARGET_URI, "nowhere to write the"
                    + " collections: pass --output DIR or --target-uri URI --target-db NAME"));
            if (!target.collections().isEmpty()) {
                throw new ConfigException(ConfigKeys.TARGET_COLLECTION, "a template set names its own collections ("
                        + set.members().stream().map(TemplateSet.Member::name).toList() + "): leave out --target-collection / "
                        + ConfigKeys.TARGET_COLLECTION);
            }
        }
        common.report().filter(p -> !RunReport.isStdout(p)).ifPresent(p -> paths.check("--report", p));
        common.metricsOut().ifPresent(p -> paths.check("--metrics-out", p));
        List<AlertRule> alerts = config.read(AlertRule::fromConfig);
        WorkerConfig w = config.workers();
        MongoEndpoint endpoint = target == null ? null : MongoEndpoint.connect(target);
        try {
            List<GenerationEngine> engines = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (TemplateSet.Member m : set.members()) {
                DocumentSink<?> sink = dir != null ? JsonLinesSink.toFile(dir.resolve(m.name() + ".jsonl"))
                        : MongoCollectionSink.create(endpoint, m.name(), drop, RetryPolicy.of(config.retry()));
                engines.add(GenerationEngine.create(new GenerationSettings(m.generator(), m.total(), m.seed(),
                        w.generationWorkers(), w.batchAggregationSize(), Duration.ofMillis(w.batchAggregationTimeoutMs()),
                        w.writeWorkers(), sink)));
                names.add(m.name());
            }
            return generate(engines, names, runSeed, alerts);
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
        }
    }

    /**
     * Runs the engines one after the other under one monitoring session and writes one report;
     * {@code collections} names them (a template set) or is null (one generator). Each collection of a
     * set is rendered with its own seed derived from {@code runSeed}, which the report shows.
     */
    private int generate(List<GenerationEngine> engines, List<String> collections, long runSeed, List<AlertRule> alerts) {
        GenerationEngine engine0 = engines.get(0);
        GenerationSettings settings = engine0.settings();
        long total = engines.stream().mapToLong(e -> e.settings().total()).sum();
        MonitoringOptions options = new MonitoringOptions(TOOL, common.metricsOut().orElse(null),
                common.metricsPort().orElse(null), true, Duration.ofSeconds(1), alerts)
                .withRedactor(MongoUri::maskSecrets);
        RunReport.Builder report = RunReport.builder(TOOL)
                .seed(runSeed)
                .detail("generator", collections == null ? settings.generator().name() : "template set " + template.getFileName())
                .detail("output", collections == null ? settings.sink().description()
                        : engines.stream().map(e -> e.settings().sink().description()).toList())
                .detail("total", total)
                .detail("generationWorkers", settings.generationWorkers())
                .detail("writeWorkers", settings.sink().ordered() ? 1 : settings.writeWorkers())
                .detail("batchSize", settings.batchSize());
        MonitoringSession session = MonitoringSession.start(options);
        session.progress().state(RunProgress.State.COPYING)
                .namespace(settings.generator().name(), settings.sink().description()).documentsTotal(settings.total()).wholeRun();
        RuntimeException failure = null;
        AtomicReference<GenerationEngine> current = new AtomicReference<>();
        AtomicReference<CompletableFuture<GenerationResult>> currentRun = new AtomicReference<>(new CompletableFuture<>());
        CountDownLatch reported = new CountDownLatch(1);
        AtomicBoolean stopped = new AtomicBoolean();
        Thread onInterrupt = new Thread(() -> interrupted(current, stopped, currentRun, reported), "flexible-generator-interrupt");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
            session.healthy(true);
            long batches = 0;
            for (int i = 0; i < engines.size() && !stopped.get(); i++) {
                GenerationEngine engine = engines.get(i);
                CompletableFuture<GenerationResult> run = new CompletableFuture<>();
                currentRun.set(run);
                current.set(engine);
                Disposable subscription = engine.run(session.collector()).subscribe(run::complete, run::completeExceptionally);
                run.whenComplete((r, e) -> subscription.dispose()); // cancels the run when interrupted
                if (stopped.get()) {
                    engine.stop(); // interrupted while this collection was being started
                }
                GenerationResult result = result(run);
                batches += result.batches();
                if (collections != null) {
                    report.namespace(new RunReport.NamespaceReport(collections.get(i), engine.settings().sink().description(),
                            result.documentsWritten(), 0, null));
                }
                LOG.info("{} {} documents ({} already there) to {} in {} s: {} documents/s, seed {}",
                        stopped.get() ? "interrupted after writing" : "wrote",
                        result.documentsWritten(), result.documentsSkipped(), engine.settings().sink().description(),
                        String.format("%.1f", result.elapsed().toNanos() / 1e9), Math.round(result.documentsPerSecond()),
                        engine.settings().seed());
            }
            if (stopped.get()) {
                // stopped cleanly: the batches in flight were written and counted, the sink closed
                failure = new Interrupted();
                session.healthy(false);
                report.status(RunReport.INTERRUPTED).detail("batches", batches).detail("error", failure.getMessage());
            } else {
                report.status(RunReport.COMPLETED).detail("batches", batches);
            }
        } catch (RuntimeException e) {
            failure = e;
            session.failed(MongoUri.maskSecrets(String.valueOf(e.getMessage())));
            report.status(e instanceof Interrupted ? RunReport.INTERRUPTED : RunReport.FAILED)
                    .detail("error", MongoUri.maskSecrets(String.valueOf(e.getMessage())));
        }
        try {
            // a summary for people on stderr; the JSON report only where --report says (- for stdout)
            session.finish(report, common.report().orElse(null));
        } finally {
            reported.countDown();
            removeHook(onInterrupt);
        }
        if (failure != null) {
            throw failure;
        }
        return ExitCode.OK.code();
    }

    private static GenerationResult result(CompletableFuture<GenerationResult> run) {
        try {
            return run.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * Ctrl-C / SIGTERM: stop the run cleanly (no new batch is begun; the batches in flight are written
     * and counted, so the report's count is what the file or the collection holds), let the main thread
     * write the report with status "interrupted", then let the JVM exit. A run that does not stop within
     * {@link #STOP_GRACE} (a server that does not answer) is cancelled instead.
     */
    private static void interrupted(AtomicReference<GenerationEngine> engine, AtomicBoolean stopped,
                                    AtomicReference<CompletableFuture<GenerationResult>> current, CountDownLatch reported) {
        if (reported.getCount() == 0) {
            return;
        }
        // stopped first, then the engine: the main thread, starting the next collection of a set,
        // either is seen here or sees stopped (and stops that engine itself)
        stopped.set(true);
        GenerationEngine running = engine.get();
        if (running != null) {
            running.stop();
        }
        CompletableFuture<GenerationResult> run = current.get();
        try {
            run.get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            run.completeExceptionally(new Interrupted());
        } catch (ExecutionException e) {
            // the run failed while stopping: the main thread reports it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            reported.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long an interrupted run may take to finish its batches in flight. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or has run
        }
    }

    /** The run was cancelled by a signal. */
    private static final class Interrupted extends DataWorksException {
        private static final long serialVersionUID = 1L;

        Interrupted() {
            super(ExitCode.FAILED, "interrupted: the run was stopped before all documents were written");
        }
    }

    private DataWorksConfig loadConfig() {
        Map<String, String> overrides = new LinkedHashMap<>();
        put(overrides, ConfigKeys.TARGET_URI, targetUri);
        put(overrides, ConfigKeys.TARGET_DB, targetDb);
        put(overrides, ConfigKeys.TARGET_COLLECTION, targetCollection);
        put(overrides, ConfigKeys.TARGET_TYPE, targetType);
        put(overrides, ConfigKeys.GENERATION_WORKERS, workers);
        put(overrides, ConfigKeys.WRITE_WORKERS, writeWorkers);
        put(overrides, ConfigKeys.BATCH_AGGREGATION_SIZE, batchSize);
        return common.loadConfig(overrides);
    }

    private static void put(Map<String, String> overrides, String key, Object value) {
        if (value != null) {
            overrides.put(key, value.toString());
        }
    }

    /** Where the documents go; decided (and checked) before anything is connected or generated. */
    private Destination destination(DataWorksConfig config) {
        if (output != null) {
            if (targetUri != null) {
                throw new ConfigException(ConfigKeys.TARGET_URI,
                        "--output and --target-uri both given: write to a file (--output) or to MongoDB (--target-uri), not both");
            }
            if (output.isBlank()) {
                throw new ConfigException("--output", "--output is empty: give a file path, or - for stdout");
            }
            return output.equals("-") ? new Destination(null, null, null, true) : new Destination(Path.of(output), null, null, false);
        }
        Optional<EndpointConfig> target = config.target();
        if (target.isEmpty()) {
            throw new ConfigException(ConfigKeys.TARGET_URI, "nowhere to write the documents: pass --output PATH (- for stdout) "
                    + "or a MongoDB target with --target-uri URI --target-db NAME --target-collection NAME "
                    + "(or set " + ConfigKeys.TARGET_URI + ", " + ConfigKeys.TARGET_DB + " and "
                    + ConfigKeys.TARGET_COLLECTION + " in .env_local)");
        }
        List<String> collections = target.get().collections();
        if (collections.isEmpty()) {
            throw new ConfigException(ConfigKeys.TARGET_COLLECTION,
                    ConfigKeys.TARGET_COLLECTION + " is not set: " + ConfigKeys.howToSet(ConfigKeys.TARGET_COLLECTION));
        }
        if (collections.size() > 1) {
            throw new ConfigException(ConfigKeys.TARGET_COLLECTION, "generation writes one collection, "
                    + ConfigKeys.TARGET_COLLECTION + " names " + collections.size() + ": " + collections);
        }
        return new Destination(null, target.get(), collections.get(0), false);
    }

    private DocumentGenerator selectGenerator(PluginLoader plugins) {
        if (torture) {
            if (template != null || generator != null) {
                throw new ConfigException("--torture", "--torture is the generator '" + RehearsalGenerator.NAME
                        + "': leave out --template and --generator");
            }
            return new RehearsalGenerator();
        }
        if (template != null && generator != null) {
            throw new ConfigException("--template", "--template and --generator both given: use one");
        }
        if (template != null) {
            return TemplateGenerator.compile(template);
        }
        if (generator != null) {
            return plugins.select(DocumentGenerator.class, generator, DocumentGenerator::name, "--generator");
        }
        List<String> names = plugins.load(DocumentGenerator.class).stream().map(DocumentGenerator::name).sorted().toList();
        throw new ConfigException("--template", "nothing to generate: pass --template PATH or --generator NAME"
                + (names.isEmpty() ? " (no generator plug-ins found; add jars with --plugins DIR)" : " (found: " + String.join(", ", names) + ")"));
    }

    private int listGenerators() {
        try (PluginLoader plugins = common.pluginLoader()) {
            for (DocumentGenerator g : plugins.load(DocumentGenerator.class)) {
                System.out.println(g.name() + (g.description().isEmpty() ? "" : "  " + g.description()));
            }
        }
        return ExitCode.OK.code();
    }

    /** A file ({@code file}), stdout, or a MongoDB collection ({@code target} + {@code collection}). */
    private record Destination(Path file, EndpointConfig target, String collection, boolean stdout) {

        DocumentSink<?> sink(MongoEndpoint endpoint, RetryPolicy retry, boolean drop) {
            if (stdout) {
                return JsonLinesSink.toStdout();
            }
            if (file != null) {
                return JsonLinesSink.toFile(file);
            }
            return MongoCollectionSink.create(endpoint, collection, drop, retry);
        }
    }
}
