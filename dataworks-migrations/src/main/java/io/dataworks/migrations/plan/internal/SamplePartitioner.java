package io.dataworks.migrations.plan.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.MongoServerException;

import io.dataworks.migrations.plan.PartitionContext;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.plan.Partitioner;
import reactor.core.publisher.Mono;

/**
 * {@code $sample} of K {@code _id}s, sorted by the server, cut at quantiles. Works wherever
 * {@code $sample} does (MongoDB, Cosmos DB, the embedded server), including where {@code splitVector}
 * and {@code $bucketAuto} do not.
 *
 * <p>The server sorts the sample, so boundaries follow exactly the order its {@code $gte}/{@code $lt}
 * use. Each splittable type bracket gets a share of the partitions proportional to its share of the
 * sample; the others stay one partition each. Sampling is random: two plans of the same data may cut
 * at different ids, which is why a resumed run reuses the stored plan.
 */
public final class SamplePartitioner implements Partitioner {

    public static final String NAME = "sample";
    private static final Logger LOG = LoggerFactory.getLogger(SamplePartitioner.class);
    /** Unauthorized, CommandNotFound, CommandNotSupported, unknown stage/operator: retrying cannot help. */
    private static final Set<Integer> NOT_AVAILABLE = Set.of(13, 59, 115, 168, 40324);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Optional<List<Partition>>> partition(PartitionContext context) {
        int k = context.sampleSize();
        List<BsonDocument> pipeline = List.of(
                new BsonDocument("$sample", new BsonDocument("size", new BsonInt32(k))),
                new BsonDocument("$project", new BsonDocument("_id", new BsonInt32(1))),
                new BsonDocument("$sort", new BsonDocument("_id", new BsonInt32(1))));
        // any other failure goes to the planner, which logs it and tries the next partitioner
        return context.reads().all(context.collection().aggregate(pipeline).batchSize(Math.min(k, 10_000)))
                .map(docs -> split(docs.stream().map(d -> d.get("_id")).toList(), context))
                .onErrorResume(e -> e instanceof MongoServerException mse && NOT_AVAILABLE.contains(mse.getCode()), e -> {
                    LOG.info("{}: $sample is not available ({}), trying the next partitioner", context.namespace(), e.getMessage());
                    return Mono.just(Optional.empty());
                });
    }

    static Optional<List<Partition>> split(List<BsonValue> sortedIds, PartitionContext context) {
        Map<String, List<BsonValue>> samples = Ranges.byBracket(sortedIds);
        long splittableSamples = samples.entrySet().stream()
                .filter(e -> TypeBrackets.SPLITTABLE.contains(e.getKey()))
                .mapToLong(e -> e.getValue().size()).sum();
        if (splittableSamples < 2) {
            return Optional.empty();
        }
        Map<String, List<BsonValue>> points = new LinkedHashMap<>();
        int total = sortedIds.size();
        for (var e : samples.entrySet()) {
            if (!TypeBrackets.SPLITTABLE.contains(e.getKey())) {
                continue;
            }
            int parts = (int) Math.max(1, Math.round((double) context.targetPartitions() * e.getValue().size() / total));
            List<BsonValue> cuts = Ranges.quantiles(Ranges.distinct(e.getValue()), parts);
            if (!cuts.isEmpty()) {
                points.put(e.getKey(), cuts);
            }
        }
        if (points.isEmpty()) {
            return Optional.empty();
        }
        List<String> brackets = new ArrayList<>(context.brackets());
        samples.keySet().stream().filter(b -> !brackets.contains(b)).forEach(brackets::add);
        return Optional.of(Ranges.build(brackets, points));
    }
}
