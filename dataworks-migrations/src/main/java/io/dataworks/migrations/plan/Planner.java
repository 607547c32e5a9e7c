package io.dataworks.migrations.plan;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.bson.BsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.ConfigException;
import io.dataworks.core.config.ConfigKeys;
import io.dataworks.core.config.MongoUri;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.plan.internal.FullRangePartitioner;
import io.dataworks.migrations.plan.internal.ObjectIdTimePartitioner;
import io.dataworks.migrations.plan.internal.SamplePartitioner;
import io.dataworks.migrations.plan.internal.SourceInspector;
import io.dataworks.migrations.plan.internal.SourceInspector.CollectionInfo;
import io.dataworks.migrations.plan.internal.SourceInspector.RangeReads;
import io.dataworks.migrations.plan.internal.SplitVectorPartitioner;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Builds a {@link MigrationPlan}: which collections, where they go, how big they are, and how each is
 * split into {@code _id} ranges for parallel cursors.
 *
 * <p>Per collection: estimate its size; find which {@code _id} type brackets it holds; if it is big
 * enough to split ({@link PlanOptions#shouldSplit}), ask the partitioner chain, first non-empty answer
 * wins; otherwise (or if all fail) one cursor per type bracket. The plan only reads from the source, and every
 * read goes through {@link SourceReads}, retried by the planner's {@link RetryPolicy} (give it the run's, see
 * {@link #withRetryPolicy}). A partitioner that fails is logged at WARN and the next one is tried; only a
 * configuration error ({@link ConfigException}, or any {@link DataWorksException} with exit code
 * {@link ExitCode#USAGE}) fails the plan.
 * Immutable and thread-safe: one instance may plan many requests.
 */
public final class Planner {

    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);
    private static final int NAMESPACE_CONCURRENCY = 4;

    private static final Map<String, Supplier<Partitioner>> BUILT_IN = Map.of(
            SplitVectorPartitioner.NAME, SplitVectorPartitioner::new,
            SamplePartitioner.NAME, SamplePartitioner::new,
            ObjectIdTimePartitioner.NAME, ObjectIdTimePartitioner::new,
            FullRangePartitioner.NAME, FullRangePartitioner::new);

    private final PlanOptions options;
    private final List<Partitioner> chain;
    private final SourceReads reads;
    private final Partitioner fallback = new FullRangePartitioner();

    private Planner(PlanOptions options, List<Partitioner> chain, SourceReads reads) {
        this.options = Objects.requireNonNull(options, "options");
        this.chain = List.copyOf(chain);
        this.reads = Objects.requireNonNull(reads, "reads");
    }

    /**
     * A planner with the built-in partitioners named in {@link PlanOptions#partitioners()}.
     *
     * @throws IllegalArgumentException for an unknown partitioner name, listing the known ones
     */
    public static Planner create(PlanOptions options) {
        Objects.requireNonNull(options, "options");
        List<Partitioner> chain = new ArrayList<>();
        for (String name : options.partitioners()) {
            Supplier<Partitioner> p = BUILT_IN.get(name);
            if (p == null) {
                throw new IllegalArgumentException("unknown partitioner '" + name + "', known: " + PlanOptions.DEFAULT_CHAIN);
            }
            chain.add(p.get());
        }
        return new Planner(options, chain, SourceReads.withDefaults());
    }

    /** A planner with a custom chain ({@link PlanOptions#partitioners()} is ignored). */
    public static Planner create(PlanOptions options, List<Partitioner> chain) {
        Objects.requireNonNull(chain, "chain");
        return new Planner(options, chain, SourceReads.withDefaults());
    }

    /**
     * A copy whose reads of the source are retried by {@code retry} (by default {@link RetryConfig#DEFAULTS},
     * counted nowhere); the engine passes the run's policy, whose listener counts retries in the metrics.
     */
    public Planner withRetryPolicy(RetryPolicy retry) {
        return new Planner(options, chain, SourceReads.retriedBy(retry));
    }

    /** The policy that retries this planner's reads. */
    public RetryPolicy retryPolicy() {
        return reads.retryPolicy();
    }

    public PlanOptions options() {
        return options;
    }

    /** The names of the partitioners tried, in order. */
    public List<String> chain() {
        return chain.stream().map(Partitioner::name).toList();
    }

    /**
     * Plans every requested collection (cold: nothing is read until subscribed). Fails with a
     * {@link ConfigException} when a named collection does not exist or is a view, or when two sources
     * would land on the same target.
     */
    public Mono<MigrationPlan> plan(PlanRequest request) {
        Objects.requireNonNull(request, "request");
        MongoDatabase db = request.source();
        return discover(db, request.collections(), reads.retryPolicy())
                .flatMapMany(names -> {
                    checkTargets(db.getName(), names, request.renaming());
                    return Flux.fromIterable(names);
                })
                .flatMapSequential(name -> {
                    Namespace source = new Namespace(db.getName(), name);
                    BsonDocument filter = request.sourceFilter().apply(source);
                    return planNamespace(db, name, request.renaming().apply(source), filter);
                }, NAMESPACE_CONCURRENCY)
                .collectList()
                .map(MigrationPlan::of);
    }

    /**
     * The collections a request covers: the named ones (checked to exist and not be views), or every
     * collection of the database except {@code system.*}, views and time series, sorted by name.
     */
    public static Mono<List<String>> discover(MongoDatabase source, List<String> collections) {
        return discover(source, collections, SourceReads.withDefaults().retryPolicy());
    }

    /** {@link #discover(MongoDatabase, List)} with {@code listCollections} retried by {@code retry}. */
    public static Mono<List<String>> discover(MongoDatabase source, List<String> collections, RetryPolicy retry) {
        Objects.requireNonNull(source, "source");
        List<String> named = List.copyOf(collections);
        return SourceInspector.collections(source, SourceReads.retriedBy(retry)).map(all -> selectCollections(source.getName(), all, named));
    }

    /** Plans one collection (the engine's per-namespace hook: {@code (client, mapping) -> planner.planNamespace(client, ...)}). */
    public Mono<NamespacePlan> planNamespace(MongoClient client, Namespace source, Namespace target, BsonDocument sourceFilter) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(source, "source");
        return planNamespace(client.getDatabase(source.database()), source.collection(), target, sourceFilter);
    }

    /** Plans one collection of {@code database} copied to {@code target}. */
    public Mono<NamespacePlan> planNamespace(MongoDatabase database, String collectionName, Namespace target, BsonDocument sourceFilter) {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(collectionName, "collectionName");
        Objects.requireNonNull(target, "target");
        Namespace source = new Namespace(database.getName(), collectionName);
        MongoCollection<BsonDocument> collection = database.getCollection(collectionName, BsonDocument.class);
        return Mono.zip(SourceInspector.size(database, collectionName, reads), SourceInspector.brackets(collection, reads))
                .flatMap(sizeAndBrackets -> {
                    var size = sizeAndBrackets.getT1();
                    List<String> brackets = sizeAndBrackets.getT2();
                    int wanted = options.effectiveTargetPartitions();
                    PartitionContext context = new PartitionContext(source, database, collection, brackets,
                            size.documents(), size.bytes(), wanted, options.effectiveSampleSize(wanted), reads);
                    boolean split = !brackets.isEmpty() && options.shouldSplit(size.documents(), size.bytes());
                    return (split ? splitWhereRangesAreCheap(context) : single(context))
                            .map(named -> new NamespacePlan(source, target, size.documents(), size.bytes(),
                                    named.name(), named.partitions(), sourceFilter));
                })
                // the engine logs each namespace's plan at INFO; this line adds the bytes, for a closer look
                .doOnNext(p -> LOG.debug("planned {} -> {}: ~{} documents, ~{} bytes, {} partition(s) by {}",
                        p.source(), p.target(), p.estimatedDocuments(), p.estimatedBytes(), p.partitions().size(), p.partitioner()));
    }

    /** The partitions of a collection and the partitioner that cut them. */
    record Named(String name, List<Partition> partitions) {
    }

    /** The first partitioner of the chain that answers, else {@code single}; package-private for tests. */
    Mono<Named> firstThatWorks(PartitionContext context) {
        return Flux.fromIterable(chain)
                .concatMap(p -> Mono.defer(() -> p.partition(context))
                        .onErrorResume(e -> !isConfigurationError(e), e -> {
                            LOG.warn("{}: partitioner {} failed ({}), trying the next one", context.namespace(), p.name(),
                                    describe(e));
                            return Mono.just(Optional.empty());
                        })
                        .filter(Optional::isPresent)
                        .map(parts -> new Named(p.name(), parts.get())))
                .next()
                .switchIfEmpty(Mono.defer(() -> single(context)));
    }

    /**
     * The partitioner chain, when the source reads {@code _id} ranges through an index (or the check is off);
     * otherwise one cursor per {@code _id} type: a range read that scans the whole collection makes N
     * partitions cost N scans, which is slower than reading it once in order.
     */
    private Mono<Named> splitWhereRangesAreCheap(PartitionContext context) {
        if (!options.requireIndexedRanges()) {
            return firstThatWorks(context);
        }
        Namespace ns = context.namespace();
        return SourceInspector.rangeReads(context.database(), ns.collection(), reads)
                .flatMap(rangeReads -> {
                    if (rangeReads == RangeReads.INDEX) {
                        return firstThatWorks(context);
                    }
                    LOG.info("{}: not split: the source {}, so each of {} range cursors would read the whole collection; "
                            + "one cursor per _id type reads it once (set {}=false to split anyway)", ns,
                            rangeReads == RangeReads.COLLECTION_SCAN ? "reads an _id range by a collection scan (explain: COLLSCAN)"
                                    : "cannot explain how it reads an _id range", context.targetPartitions(),
                            PlanOptions.KEY_REQUIRE_INDEXED_RANGES);
                    return single(context);
                });
    }

    /** A mistake of the user, which another partitioner would not fix: it fails the plan. */
    private static boolean isConfigurationError(Throwable e) {
        return e instanceof DataWorksException d && d.exitCode() == ExitCode.USAGE;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + MongoUri.maskSecrets(message));
    }

    private Mono<Named> single(PartitionContext context) {
        return fallback.partition(context).map(parts -> new Named(fallback.name(), parts.orElseThrow()));
    }

    private static List<String> selectCollections(String database, List<CollectionInfo> all, List<String> requested) {
        if (requested.isEmpty()) {
            return SourceInspector.copyableNames(all);
        }
        List<String> out = new ArrayList<>();
        for (String name : requested) {
            CollectionInfo info = SourceInspector.find(all, name).orElseThrow(() -> new ConfigException(ConfigKeys.SOURCE_COLLECTION,
                    "source collection " + database + "." + name + " does not exist: check "
                            + ConfigKeys.flagFor(ConfigKeys.SOURCE_COLLECTION) + " / " + ConfigKeys.SOURCE_COLLECTION));
            if (!info.copyable()) {
                throw new ConfigException(ConfigKeys.SOURCE_COLLECTION, "source " + database + "." + name + " is a "
                        + (info.type() == null ? "system collection" : info.type()) + ", not a collection that can be copied");
            }
            if (!out.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    private static void checkTargets(String database, List<String> names, Renaming renaming) {
        Map<Namespace, String> seen = new HashMap<>();
        for (String name : names) {
            Namespace target = renaming.apply(new Namespace(database, name));
            String previous = seen.putIfAbsent(target, name);
            if (previous != null) {
                throw new ConfigException(ConfigKeys.SOURCE_COLLECTION, "collections " + previous + " and " + name
                        + " would both be copied to " + target + ": rename one of them (source:target)");
            }
        }
    }
}
