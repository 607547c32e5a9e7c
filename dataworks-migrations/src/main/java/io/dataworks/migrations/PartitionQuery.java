package io.dataworks.migrations;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.migrations.internal.PartitionReader;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;

/**
 * The one way a partition is read: {@code find(plan.readFilter(partition, after)).sort({_id: 1})
 * .batchSize(n)} with the strategy's projection. The copy uses it; verification reads both sides of a
 * partition with it so that they compare the same documents in the same order.
 */
public final class PartitionQuery {

    private PartitionQuery() {
    }

    /**
     * @param after      exclusive lower {@code _id} bound (a checkpoint's last {@code _id}); {@code null} reads the whole partition
     * @param projection the strategy's source projection, or {@code null} for whole documents
     */
    public static FindPublisher<RawBsonDocument> find(MongoCollection<RawBsonDocument> collection, NamespacePlan plan, Partition partition,
                                                      BsonValue after, BsonDocument projection, int batchSize) {
        return PartitionReader.find(collection, plan, partition, after, projection, batchSize);
    }
}
