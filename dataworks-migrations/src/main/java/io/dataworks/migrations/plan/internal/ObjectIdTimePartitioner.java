package io.dataworks.migrations.plan.internal;

import java.math.BigInteger;
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
 * Splits the {@code objectId} bracket by interpolation: the smallest and largest ObjectId (two indexed
 * {@code find().sort().limit(1)} queries) bound a range of 96-bit values that is cut evenly. The
 * timestamp is the value's leading four bytes, so on ordinary data this is a cut by creation time; ids
 * made within one second (bulk loads, generated data) are still split by their remaining bytes. Exact
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
        BigInteger from = new BigInteger(1, min.toByteArray());
        BigInteger span = new BigInteger(1, max.toByteArray()).subtract(from);
        int parts = context.targetPartitions();
        List<BsonValue> cuts = new ArrayList<>();
        BigInteger previous = from;
        for (int j = 1; j < parts; j++) {
            BigInteger cut = from.add(span.multiply(BigInteger.valueOf(j)).divide(BigInteger.valueOf(parts)));
            if (cut.compareTo(previous) > 0) {
                cuts.add(new BsonObjectId(toObjectId(cut)));
                previous = cut;
            }
        }
        if (cuts.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ranges.build(context.brackets(), Map.of(OBJECT_ID, cuts)));
    }

    /** The ObjectId whose twelve big-endian bytes are {@code value} (0 <= value < 2^96). */
    static ObjectId toObjectId(BigInteger value) {
        byte[] magnitude = value.toByteArray();
        byte[] bytes = new byte[12];
        int copy = Math.min(magnitude.length, 12);
        System.arraycopy(magnitude, magnitude.length - copy, bytes, 12 - copy, copy);
        return new ObjectId(bytes);
    }
}
