package io.dataworks.migrations.plan;

import java.util.List;
import java.util.Objects;

import org.bson.BsonDocument;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.migrations.Namespace;

/**
 * What a {@link Partitioner} gets for one collection.
 *
 * @param brackets         the {@code $type} brackets present among the {@code _id}s, in BSON order
 *                         (empty: the collection is empty or the server could not tell)
 * @param targetPartitions partitions wanted (>= 2: the planner only asks partitioners when splitting)
 * @param sampleSize       {@code _id}s a sampling partitioner may read
 * @param reads            how to read the source: every query a partitioner sends goes through it, so that it
 *                         is retried like the copy's reads
 */
public record PartitionContext(
        Namespace namespace,
        MongoDatabase database,
        MongoCollection<BsonDocument> collection,
        List<String> brackets,
        long estimatedDocuments,
        long estimatedBytes,
        int targetPartitions,
        int sampleSize,
        SourceReads reads) {

    public PartitionContext {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(collection, "collection");
        brackets = List.copyOf(brackets);
        Objects.requireNonNull(reads, "reads");
    }
}
