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

    NamespaceRun(NamespaceMapping mapping, MongoCollection<RawBsonDocument> source, MongoCollection<RawBsonDocument> target,
                 NamespaceMetrics metrics, NamespaceCheckpoint checkpoint) {
        this.mapping = mapping;
        this.source = source;
        this.target = target;
        this.metrics = metrics;
        this.checkpoint = checkpoint;
    }
}
