package io.dataworks.migrations.plan.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.MongoServerException;

import io.dataworks.migrations.plan.PartitionContext;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.plan.Partitioner;
import reactor.core.publisher.Mono;

/**
 * The server's own split points ({@code splitVector} on the {@code _id} index), as the balancer uses:
 * exact and evenly sized. Needs a mongod (not mongos) and the {@code splitVector} privilege; Cosmos DB,
 * the scanning embedded server ({@code --scan-id-ranges}) and restricted users answer with an error and the chain moves
 * on. The default embedded server answers it from its ordered {@code _id} index, as a mongod does.
 *
 * <p>splitVector cuts every {@code maxChunkSizeBytes / 2} bytes, so asking for
 * {@code 2 × bytes / N} gives about N partitions.
 */
public final class SplitVectorPartitioner implements Partitioner {

    public static final String NAME = "splitVector";
    private static final Logger LOG = LoggerFactory.getLogger(SplitVectorPartitioner.class);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mono<Optional<List<Partition>>> partition(PartitionContext context) {
        if (context.estimatedBytes() <= 0) {
            return Mono.just(Optional.empty());
        }
        long maxChunkBytes = Math.max(1024, 2 * context.estimatedBytes() / context.targetPartitions());
        BsonDocument command = new BsonDocument("splitVector", new BsonString(context.namespace().toString()))
                .append("keyPattern", new BsonDocument("_id", new BsonInt32(1)))
                .append("maxChunkSizeBytes", new BsonInt64(maxChunkBytes));
        return context.reads().first(context.database().runCommand(command, BsonDocument.class))
                .map(reply -> split(reply, context))
                .onErrorResume(MongoServerException.class, e -> {
                    LOG.info("{}: splitVector is not available ({}), trying the next partitioner", context.namespace(), e.getMessage());
                    return Mono.just(Optional.empty());
                });
    }

    static Optional<List<Partition>> split(BsonDocument reply, PartitionContext context) {
        List<BsonValue> keys = new ArrayList<>();
        for (BsonValue key : reply.getArray("splitKeys", new org.bson.BsonArray())) {
            BsonValue id = key.isDocument() ? key.asDocument().get("_id") : null;
            if (id != null) {
                keys.add(id);
            }
        }
        if (keys.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Ranges.build(context.brackets(), Ranges.byBracket(keys)));
    }
}
