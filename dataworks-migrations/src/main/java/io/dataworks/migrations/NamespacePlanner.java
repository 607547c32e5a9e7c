package io.dataworks.migrations;

import java.util.List;

import org.bson.Document;

import com.mongodb.reactivestreams.client.MongoClient;

import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import reactor.core.publisher.Mono;

/**
 * Splits one collection into partitions. The engine calls it only when no checkpoint holds a plan for
 * the namespace; a checkpointed plan is reused as is.
 */
@FunctionalInterface
public interface NamespacePlanner {

    Mono<NamespacePlan> plan(MongoClient source, NamespaceMapping mapping);

    /** One full-range partition, with the server's estimated document count. */
    static NamespacePlanner singlePartition() {
        return (source, mapping) -> Mono.from(source.getDatabase(mapping.source().database())
                        .getCollection(mapping.source().collection(), Document.class)
                        .estimatedDocumentCount())
                .onErrorReturn(0L)
                .map(count -> new NamespacePlan(mapping.source(), mapping.target(), count, 0L, "single",
                        List.of(Partition.fullRange(0))));
    }
}
