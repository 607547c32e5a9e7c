package io.dataworks.migrations.plan;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.UuidRepresentation;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import com.mongodb.reactivestreams.client.MongoCollection;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Deterministic test collections with every kind of {@code _id}. */
final class PlanFixtures {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final JsonWriterSettings EXACT = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    private PlanFixtures() {
    }

    static List<BsonValue> objectIds(int n, long seed) {
        Random random = new Random(seed);
        int start = 1_600_000_000;
        List<BsonValue> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] tail = new byte[8];
            random.nextBytes(tail);
            // about one document per 7 seconds, in an order unrelated to insertion
            int ts = start + random.nextInt(n * 7);
            ids.add(new BsonObjectId(new ObjectId(ByteBuffer.allocate(12).putInt(ts).put(tail).array())));
        }
        return ids;
    }

    static List<BsonValue> ints(int n) {
        List<BsonValue> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ids.add(new BsonInt32((i * 7919) % n - n / 2)); // negative and positive, shuffled
        }
        return ids;
    }

    static List<BsonValue> strings(int n, long seed) {
        Random random = new Random(seed);
        String alphabet = "AZaz09_-éü中";
        List<BsonValue> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + random.nextInt(12);
            for (int j = 0; j < len; j++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            ids.add(new BsonString(sb.append('#').append(i).toString()));
        }
        return ids;
    }

    /** ints, longs, doubles, decimals, strings, ObjectIds, UUIDs, embedded documents, dates, timestamps, booleans, null. */
    static List<BsonValue> mixed(int n, long seed) {
        Random random = new Random(seed);
        List<BsonValue> ids = new ArrayList<>(n);
        ids.add(BsonBoolean.TRUE);
        ids.add(BsonBoolean.FALSE);
        ids.add(BsonNull.VALUE);
        List<BsonValue> oids = objectIds(n, seed);
        List<BsonValue> strs = strings(n, seed);
        for (int i = 0; ids.size() < n; i++) {
            BsonValue id = switch (i % 10) {
                case 0 -> new BsonInt32(i - n / 2);
                case 1 -> new BsonInt64(10_000_000_000L + i * 3L);
                case 2 -> new BsonDouble(i + 0.25);
                case 3 -> new BsonDecimal128(Decimal128.parse("-" + i + ".125"));
                case 4 -> strs.get(i);
                case 5 -> oids.get(i);
                case 6 -> new BsonBinary(new UUID(random.nextLong(), random.nextLong()), UuidRepresentation.STANDARD);
                case 7 -> new BsonDocument("region", new BsonString("r" + (i % 13)))
                        .append("seq", new BsonInt32(i)).append(i % 3 == 0 ? "x" : "a", new BsonInt32(i % 5));
                case 8 -> new BsonDateTime(1_500_000_000_000L + i * 1_000L + random.nextInt(1_000));
                default -> new BsonTimestamp(1_500_000_000 + i, i % 7);
            };
            ids.add(id);
        }
        return ids;
    }

    static Mono<Void> fill(MongoCollection<BsonDocument> collection, List<BsonValue> ids) {
        return Flux.fromIterable(ids)
                .index()
                .map(t -> new BsonDocument("_id", t.getT2()).append("n", new BsonInt64(t.getT1())).append("pad", new BsonString("x".repeat(40))))
                .buffer(5_000)
                .concatMap(batch -> collection.insertMany(batch))
                .then();
    }

    /** An exact, type-preserving key for multiset comparisons. */
    static String key(BsonValue id) {
        return new BsonDocument("v", id).toJson(EXACT);
    }
}
