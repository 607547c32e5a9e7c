package io.dataworks.migrations.plan.internal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.MongoServerException;

import io.dataworks.migrations.plan.PartitionContext;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.plan.Partitioner;
import reactor.core.publisher.Mono;

/**
 * Splits the {@code objectId} bracket by creation time: the smallest and largest ObjectId (two
 * indexed {@code find().sort().limit(1)} queries) bound a timestamp range that is cut evenly. Exact
 * and cheap, but balanced only when documents were created at an even rate. Other brackets stay one
 * partition each.
 */
public final class ObjectIdTimePartitioner implements Partitioner {

    public static final String NAME = "objectIdTime";
    private static final Logger LOG = LoggerFactory.getLogger(ObjectIdTimePartitioner.class);
    private static final String OBJECT_ID = "objectId";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Optional<List<Partition>>> partition(PartitionContext context) {
        if (!context.brackets().contains(OBJECT_ID)) {
            return Mono.just(Optional.empty());
        }
        return Mono.zip(edge(context, 1), edge(context, -1))
                .map(minMax -> split(minMax.getT1(), minMax.getT2(), context))
                .defaultIfEmpty(Optional.empty())
                .onErrorResume(MongoServerException.class, e -> {
                    LOG.info("{}: cannot read the ObjectId range ({}), trying the next partitioner", context.namespace(), e.getMessage());
                    return Mono.just(Optional.empty());
                });
    }

    private static Mono<ObjectId> edge(PartitionContext context, int direction) {
        BsonDocument onlyObjectIds = new BsonDocument("_id", new BsonDocument("$type", new BsonString(OBJECT_ID)));
        return context.reads().first(context.collection().find(onlyObjectIds)
                        .projection(new BsonDocument("_id", new BsonInt32(1)))
                        .sort(new BsonDocument("_id", new BsonInt32(direction)))
                        .limit(1)
                        .first())
                .map(d -> d.getObjectId("_id").getValue());
    }

    static Optional<List<Partition>> split(ObjectId min, ObjectId max, PartitionContext context) {
        long from = Integer.toUnsignedLong(min.getTimestamp());
        long to = Integer.toUnsignedLong(max.getTimestamp());
        if (to <= from) {
            return Optional.empty();
        }
        int parts = context.targetPartitions();
        List<BsonValue> cuts = new ArrayList<>();
        long previous = from;
        for (int j = 1; j < parts; j++) {
            long ts = from + (to - from) * j / parts;
            if (ts > previous) {
                cuts.add(new BsonObjectId(firstIdOfSecond(ts)));
                previous = ts;
            }
        }
        if (cuts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ranges.build(context.brackets(), Map.of(OBJECT_ID, cuts)));
    }

    /** The smallest ObjectId of a second: its timestamp and eight zero bytes. */
    static ObjectId firstIdOfSecond(long epochSecond) {
        return new ObjectId(ByteBuffer.allocate(12).putInt((int) epochSecond).array());
    }
}
