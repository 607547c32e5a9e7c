package io.dataworks.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoCommandException;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The ordered {@code _id} index over TCP with the real driver: a range query through the index returns exactly what
 * the scan returns (the same data on a server without the index), over mixed {@code _id} types and random bounds; and
 * {@code explain} tells an index scan from a collection scan, or is refused without the index.
 */
class OrderedIdIndexIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aRangeReadThroughTheIndexReturnsExactlyWhatTheScanReturns() {
        Random random = new Random(20261130);
        List<BsonDocument> docs = mixedIds(random, 1500);
        try (EmbeddedMongo indexed = EmbeddedMongo.builder().orderedIdIndex(true).start();
             EmbeddedMongo scanning = EmbeddedMongo.builder().orderedIdIndex(false).start();
             MongoClient indexedClient = MongoClients.create(indexed.connectionString());
             MongoClient scanningClient = MongoClients.create(scanning.connectionString())) {
            MongoCollection<BsonDocument> withIndex = indexedClient.getDatabase("db").getCollection("c", BsonDocument.class);
            MongoCollection<BsonDocument> withScan = scanningClient.getDatabase("db").getCollection("c", BsonDocument.class);
            Mono.from(withIndex.insertMany(docs, new InsertManyOptions().ordered(false))).block(TIMEOUT);
            Mono.from(withScan.insertMany(docs, new InsertManyOptions().ordered(false))).block(TIMEOUT);
            // some removed, so that the index must forget them too
            BsonDocument removed = new BsonDocument("_id", new BsonDocument("$in", new BsonArray(docs.subList(0, 100).stream().map(d -> d.get("_id")).toList())));
            Mono.from(withIndex.deleteMany(removed)).block(TIMEOUT);
            Mono.from(withScan.deleteMany(removed)).block(TIMEOUT);

            List<BsonValue> probes = new ArrayList<>(docs.stream().map(d -> d.get("_id")).toList());
            probes.addAll(List.of(new BsonMinKey(), new BsonMaxKey(), new BsonInt32(0), new BsonDouble(2.5), new BsonString("")));
            for (int i = 0; i < 300; i++) {
                BsonDocument filter = randomRange(random, probes);
                int direction = random.nextBoolean() ? 1 : -1;
                BsonDocument sort = new BsonDocument("_id", new BsonInt32(direction));
                List<BsonValue> viaIndex = ids(withIndex, filter, sort);
                List<BsonValue> viaScan = ids(withScan, filter, sort);
                assertThat(viaIndex).as("%s sorted %s", filter.toJson(), sort.toJson()).isEqualTo(viaScan);
            }
            // the whole partition filter the migration sends: $type, then the bounds, in an $and
            BsonDocument partition = new BsonDocument("$and", new BsonArray(List.of(
                    new BsonDocument("_id", new BsonDocument("$type", new BsonString("number"))),
                    new BsonDocument("_id", new BsonDocument("$gte", new BsonInt32(-50))),
                    new BsonDocument("_id", new BsonDocument("$lt", new BsonDouble(70.5))))));
            BsonDocument ascending = new BsonDocument("_id", new BsonInt32(1));
            assertThat(ids(withIndex, partition, ascending)).isEqualTo(ids(withScan, partition, ascending)).isNotEmpty();
        }
    }

    @Test
    void explainTellsAnIndexScanFromACollectionScanOnlyWithTheIndex() {
        BsonDocument range = new BsonDocument("_id", new BsonDocument("$gt", new BsonMinKey()).append("$lt", new BsonMaxKey()));
        BsonDocument byId = new BsonDocument("_id", new BsonInt32(1));
        try (EmbeddedMongo indexed = EmbeddedMongo.builder().orderedIdIndex(true).start();
             EmbeddedMongo scanning = EmbeddedMongo.builder().orderedIdIndex(false).start();
             MongoClient indexedClient = MongoClients.create(indexed.connectionString());
             MongoClient scanningClient = MongoClients.create(scanning.connectionString())) {
            MongoDatabase db = indexedClient.getDatabase("db");
            Mono.from(db.getCollection("c").insertOne(new org.bson.Document("_id", 1))).block(TIMEOUT);

            BsonDocument plan = winningPlan(db, range, byId);
            assertThat(plan.getString("stage").getValue()).isEqualTo("FETCH");
            BsonDocument scan = plan.getDocument("inputStage");
            assertThat(scan.getString("stage").getValue()).isEqualTo("IXSCAN");
            assertThat(scan.getDocument("keyPattern")).isEqualTo(new BsonDocument("_id", new BsonInt32(1)));
            assertThat(winningPlan(db, range, new BsonDocument("_id", new BsonInt32(-1))).getDocument("inputStage")
                    .getString("direction").getValue()).isEqualTo("backward");
            // not a range on _id alone, or not sorted by _id: the collection is scanned
            assertThat(winningPlan(db, new BsonDocument("x", new BsonInt32(1)), byId).getString("stage").getValue()).isEqualTo("COLLSCAN");
            assertThat(winningPlan(db, range, null).getString("stage").getValue()).isEqualTo("COLLSCAN");

            Object refused = Mono.from(scanningClient.getDatabase("db").runCommand(explain(range, byId))).map(Object.class::cast)
                    .onErrorResume(Mono::just).block(TIMEOUT);
            assertThat(refused).as("without the index, explain is refused as before").isInstanceOf(MongoCommandException.class);
            assertThat(indexed.orderedIdIndex()).isTrue();
            assertThat(scanning.orderedIdIndex()).isFalse();
        }
    }

    @Test
    void splitVectorCutsTheIdIndexIntoChunksOfHalfTheMaximumAsAMongodDoes() {
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("pad", new BsonString("x".repeat(200))));
        }
        try (EmbeddedMongo indexed = EmbeddedMongo.builder().orderedIdIndex(true).start();
             EmbeddedMongo scanning = EmbeddedMongo.builder().orderedIdIndex(false).start();
             MongoClient indexedClient = MongoClients.create(indexed.connectionString());
             MongoClient scanningClient = MongoClients.create(scanning.connectionString())) {
            MongoDatabase db = indexedClient.getDatabase("db");
            // inserted out of order: the split keys follow the index, not the insertion
            List<BsonDocument> shuffled = new ArrayList<>(docs);
            java.util.Collections.shuffle(shuffled, new Random(7));
            Mono.from(db.getCollection("c", BsonDocument.class).insertMany(shuffled)).block(TIMEOUT);
            BsonDocument stats = Mono.from(db.runCommand(new BsonDocument("collStats", new BsonString("c")))).block(TIMEOUT)
                    .toBsonDocument();
            long bytes = stats.getNumber("size").longValue();
            // chunks of at most 2 × bytes / 8 cut at half that: 8 chunks, 7 split keys, every 125th _id
            BsonDocument reply = Mono.from(db.runCommand(splitVector("db.c", 2 * bytes / 8))).block(TIMEOUT).toBsonDocument();
            List<BsonValue> keys = reply.getArray("splitKeys").stream().map(k -> k.asDocument().get("_id")).toList();
            assertThat(keys).containsExactly(new BsonInt32(125), new BsonInt32(250), new BsonInt32(375), new BsonInt32(500),
                    new BsonInt32(625), new BsonInt32(750), new BsonInt32(875));
            // a collection that fits one chunk, and one that does not exist: no split keys
            assertThat(Mono.from(db.runCommand(splitVector("db.c", 4 * bytes))).block(TIMEOUT).toBsonDocument()
                    .getArray("splitKeys")).isEmpty();
            assertThat(Mono.from(db.runCommand(splitVector("db.missing", 1024))).block(TIMEOUT).toBsonDocument()
                    .getArray("splitKeys")).isEmpty();
            // only on _id, as this server keeps no other ordered index
            BsonDocument byOther = splitVector("db.c", 1024).append("keyPattern", new BsonDocument("pad", new BsonInt32(1)));
            assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> Mono.from(db.runCommand(byOther)).block(TIMEOUT)))
                    .isInstanceOf(MongoCommandException.class).hasMessageContaining("keyPattern");
            // the scanning (Cosmos-like) server has no such command, as Cosmos DB has none
            MongoDatabase scanningDb = scanningClient.getDatabase("db");
            Mono.from(scanningDb.getCollection("c", BsonDocument.class).insertMany(docs)).block(TIMEOUT);
            assertThat(org.assertj.core.api.Assertions.catchThrowable(
                    () -> Mono.from(scanningDb.runCommand(splitVector("db.c", 1024))).block(TIMEOUT)))
                    .isInstanceOf(MongoCommandException.class);
        }
    }

    private static BsonDocument splitVector(String namespace, long maxChunkSizeBytes) {
        return new BsonDocument("splitVector", new BsonString(namespace))
                .append("keyPattern", new BsonDocument("_id", new BsonInt32(1)))
                .append("maxChunkSizeBytes", new BsonInt64(maxChunkSizeBytes));
    }

    private static BsonDocument winningPlan(MongoDatabase db, BsonDocument filter, BsonDocument sort) {
        BsonDocument answer = Mono.from(db.runCommand(explain(filter, sort), BsonDocument.class)).block(TIMEOUT);
        return answer.getDocument("queryPlanner").getDocument("winningPlan");
    }

    private static BsonDocument explain(BsonDocument filter, BsonDocument sort) {
        BsonDocument find = new BsonDocument("find", new BsonString("c")).append("filter", filter);
        if (sort != null) {
            find.append("sort", sort);
        }
        return new BsonDocument("explain", find).append("verbosity", new BsonString("queryPlanner"));
    }

    private static List<BsonValue> ids(MongoCollection<BsonDocument> coll, BsonDocument filter, BsonDocument sort) {
        return Flux.from(coll.find(filter).sort(sort).batchSize(97)).map(d -> d.get("_id")).collectList().block(TIMEOUT);
    }

    /** A range with one or two bounds, inclusive or not, taken from the ids and a few extremes. */
    private static BsonDocument randomRange(Random random, List<BsonValue> probes) {
        BsonDocument conditions = new BsonDocument();
        if (random.nextInt(4) != 0) {
            conditions.append(random.nextBoolean() ? "$gt" : "$gte", probes.get(random.nextInt(probes.size())));
        }
        if (random.nextInt(4) != 0 || conditions.isEmpty()) {
            conditions.append(random.nextBoolean() ? "$lt" : "$lte", probes.get(random.nextInt(probes.size())));
        }
        return new BsonDocument("_id", conditions);
    }

    /** Ints, longs (some beyond 2^53), doubles, decimals, strings, documents, binaries, ObjectIds, booleans, dates. */
    private static List<BsonDocument> mixedIds(Random random, int n) {
        List<BsonDocument> docs = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        while (docs.size() < n) {
            BsonValue id = switch (random.nextInt(10)) {
                case 0 -> new BsonInt32(random.nextInt(200) - 100);
                case 1 -> new BsonInt64(random.nextBoolean() ? random.nextInt(200) - 100 : (1L << 53) + random.nextInt(1000));
                case 2 -> new BsonDouble((random.nextInt(4000) - 2000) / 8.0);
                case 3 -> new BsonDecimal128(new Decimal128(java.math.BigDecimal.valueOf(random.nextInt(2000) - 1000, 1)));
                case 4 -> new BsonString(Integer.toString(random.nextInt(100_000), 36));
                case 5 -> new BsonDocument("k", new BsonInt32(random.nextInt(50)));
                case 6 -> new BsonBinary(new byte[] {(byte) random.nextInt(256), (byte) random.nextInt(256)});
                case 7 -> new BsonObjectId(new ObjectId(new Date(1_700_000_000_000L + random.nextInt(1_000_000)), random.nextInt(1 << 20)));
                case 8 -> BsonBoolean.valueOf(random.nextBoolean());
                default -> new BsonDateTime(1_700_000_000_000L + random.nextInt(1_000_000));
            };
            // one _id per numeric value: 5, 5L and 5.0 are the same _id to MongoDB
            String key = id.isNumber() || id.isDecimal128() ? "n" + numeric(id) : id.getBsonType() + ":" + id;
            if (seen.add(key)) {
                docs.add(new BsonDocument("_id", id).append("v", new BsonInt32(docs.size())));
            }
        }
        return docs;
    }

    private static java.math.BigDecimal numeric(BsonValue id) {
        if (id.isDecimal128()) {
            return id.asDecimal128().getValue().bigDecimalValue().stripTrailingZeros();
        }
        if (id.isDouble()) {
            return java.math.BigDecimal.valueOf(id.asDouble().getValue()).stripTrailingZeros();
        }
        return java.math.BigDecimal.valueOf(id.asNumber().longValue()).stripTrailingZeros();
    }
}
