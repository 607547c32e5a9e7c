package io.dataworks.migrations;

import java.util.List;
import java.util.Objects;

import org.bson.BsonDocument;
import org.bson.Document;

import com.mongodb.reactivestreams.client.MongoClient;

import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.plan.Planner;
import reactor.core.publisher.Mono;

/**
 * Splits one collection into partitions. The engine calls it only when no checkpoint holds a plan for
 * the namespace; a checkpointed plan is reused as is.
 */
@FunctionalInterface
public interface NamespacePlanner {

    /**
     * @param sourceFilter the strategy's source filter, recorded in the plan and applied to every partition
     * @param retry        the run's retry policy (its listener counts retries in the metrics): every read of the
     *                     source while planning goes through it, as the copy's reads do
     */
    Mono<NamespacePlan> plan(MongoClient source, NamespaceMapping mapping, BsonDocument sourceFilter, RetryPolicy retry);

    /** The planner's partitioner chain (splitVector, sample, objectIdTime, single), per {@code _id} type bracket. */
    static NamespacePlanner of(Planner planner) {
        Objects.requireNonNull(planner, "planner");
        return (source, mapping, filter, retry) -> planner.withRetryPolicy(retry)
                .planNamespace(source, mapping.source(), mapping.target(), filter);
    }

    /**
     * One full-range partition of any {@code _id} type, for tests. Resuming it after an {@code _id} only
     * reads {@code _id}s of that one's type bracket, so use it only on collections with one {@code _id} type.
     */
    static NamespacePlanner singlePartition() {
        return (source, mapping, filter, retry) -> retry.apply(Mono.from(source.getDatabase(mapping.source().database())
                        .getCollection(mapping.source().collection(), Document.class)
                        .estimatedDocumentCount()))
                .onErrorReturn(0L)
                .map(count -> new NamespacePlan(mapping.source(), mapping.target(), count, 0L, "single",
                        List.of(Partition.fullRange(0)), filter));
    }
}
