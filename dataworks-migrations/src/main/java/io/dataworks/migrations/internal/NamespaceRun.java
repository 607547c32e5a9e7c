package io.dataworks.migrations.internal;

import org.bson.RawBsonDocument;

import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.migrations.NamespaceMapping;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.monitoring.NamespaceMetrics;

/** One namespace during a run: its collections, meters, and (after the plan step) its checkpoint. */
final class NamespaceRun {

    final NamespaceMapping mapping;
    final MongoCollection<RawBsonDocument> source;
    final MongoCollection<RawBsonDocument> target;
    final NamespaceMetrics metrics;
    volatile NamespaceCheckpoint checkpoint;
    volatile int partitionsResumed;
    volatile int partitionsSkipped;
    /** What the progress API shows of this namespace (set by the plan step). */
    volatile io.dataworks.monitoring.RunProgress.NamespaceProgress progress;
    /** The target collection's UUID where the server tells it, else null. */
    volatile String targetUuid;
    /** How long each step took, in step order (written by the step chain, one step at a time). */
    final java.util.Map<String, Long> stepMillis = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    final java.util.List<String> indexFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The source's index definitions, listed by the first index step that needs them and kept for the second. */
    private reactor.core.publisher.Mono<java.util.List<org.bson.BsonDocument>> sourceIndexes;

    /** The source's index definitions: {@code list} subscribed once; an error or nothing is not kept, so a retry lists again. */
    synchronized reactor.core.publisher.Mono<java.util.List<org.bson.BsonDocument>> sourceIndexes(
            java.util.function.Supplier<reactor.core.publisher.Mono<java.util.List<org.bson.BsonDocument>>> list) {
        if (sourceIndexes == null) {
            sourceIndexes = reactor.core.publisher.Mono.defer(list).cache(
                    value -> java.time.Duration.ofMillis(Long.MAX_VALUE), error -> java.time.Duration.ZERO, () -> java.time.Duration.ZERO);
        }
        return sourceIndexes;
    }

    NamespaceRun(NamespaceMapping mapping, MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> target,
                 NamespaceMetrics metrics, NamespaceCheckpoint checkpoint) {
        this.mapping = mapping;
        this.source = source;
        this.target = target;
        this.metrics = metrics;
        this.checkpoint = checkpoint;
    }
}
