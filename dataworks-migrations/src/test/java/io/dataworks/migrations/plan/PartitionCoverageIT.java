package io.dataworks.migrations.plan;

import static io.dataworks.migrations.plan.PlanFixtures.TIMEOUT;
import static io.dataworks.migrations.plan.PlanFixtures.key;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.testing.MongoTestExtension;
import io.dataworks.core.testing.TestMongo;
import io.dataworks.migrations.Namespace;
import reactor.core.publisher.Flux;

/**
 * The partitioning contract: reading every partition with its filter returns every document of the
 * collection exactly once, whatever the {@code _id} types and whichever partitioner cut it.
 */
@ExtendWith(MongoTestExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartitionCoverageIT {

    /** The mixed collection, the hardest case, gets the full size; one-type collections are smaller to keep the run short. */
    private static final int MIXED_DOCS = 50_000;
    private static final int DOCS = 20_000;
    private static final BsonDocument BY_ID = new BsonDocument("_id", new BsonInt32(1));

    private TestMongo mongo;
    private MongoDatabase db;
    private final Map<String, List<BsonValue>> generated = new HashMap<>();

    @BeforeAll
    void fill(TestMongo mongo) {
        this.mongo = mongo;
        db = mongo.client().getDatabase(mongo.freshDatabaseName());
        generated.put("oids", PlanFixtures.objectIds(DOCS, 1));
        generated.put("ints", PlanFixtures.ints(DOCS));
        generated.put("strings", PlanFixtures.strings(DOCS, 2));
        generated.put("mixed", PlanFixtures.mixed(MIXED_DOCS, 3));
        generated.put("mixedSmall", PlanFixtures.mixed(2_000, 4));
        // one collection after the other: the embedded server inserts slower when writes contend
        Flux.fromIterable(generated.entrySet())
                .concatMap(e -> PlanFixtures.fill(db.getCollection(e.getKey(), BsonDocument.class), e.getValue()))
                .then()
                .block(TIMEOUT);
    }

    private NamespacePlan plan(String collection, List<String> chain) {
        PlanOptions options = PlanOptions.defaults().withTargetPartitionsPerCollection(8).withPartitioners(chain).withRequireIndexedRanges(false)
                .withMinDocumentsToSplit(1_000);
        return Planner.create(options).planNamespace(db, collection, new Namespace("target", collection), new BsonDocument()).block(TIMEOUT);
    }

    @Test
    void objectIdsWithTheDefaultChain() {
        NamespacePlan plan = plan("oids", PlanOptions.DEFAULT_CHAIN);
        assertPartitionerForServer(plan);
        assertBalanced(assertExactlyOnce("oids", plan));
    }

    @Test
    void objectIdsByCreationTime() {
        NamespacePlan plan = plan("oids", List.of("objectIdTime", "single"));
        assertThat(plan.partitioner()).isEqualTo("objectIdTime");
        assertThat(plan.partitions()).hasSize(8).allSatisfy(p -> assertThat(p.typeBracket()).isEqualTo("objectId"));
        // ids created at an even rate give evenly filled time ranges
        assertBalanced(assertExactlyOnce("oids", plan));
    }

    @Test
    void intsWithTheDefaultChain() {
        NamespacePlan plan = plan("ints", PlanOptions.DEFAULT_CHAIN);
        assertPartitionerForServer(plan);
        assertBalanced(assertExactlyOnce("ints", plan));
    }

    @Test
    void stringsWithTheDefaultChain() {
        NamespacePlan plan = plan("strings", PlanOptions.DEFAULT_CHAIN);
        assertPartitionerForServer(plan);
        assertBalanced(assertExactlyOnce("strings", plan));
    }

    @Test
    void mixedIdTypesWithTheDefaultChain() {
        NamespacePlan plan = plan("mixed", PlanOptions.DEFAULT_CHAIN);
        assertPartitionerForServer(plan);
        assertThat(plan.partitions()).extracting(Partition::typeBracket)
                .containsSubsequence("null", "number", "string", "object", "binData", "objectId", "bool", "date", "timestamp")
                .doesNotContainNull();
        assertExactlyOnce("mixed", plan);
    }

    @Test
    void mixedIdTypesByCreationTimeSplitOnlyTheObjectIds() {
        NamespacePlan plan = plan("mixed", List.of("objectIdTime", "single"));
        assertThat(plan.partitioner()).isEqualTo("objectIdTime");
        assertThat(plan.partitions().stream().filter(p -> "objectId".equals(p.typeBracket()))).hasSize(8);
        assertThat(plan.partitions().stream().filter(p -> !"objectId".equals(p.typeBracket())))
                .allSatisfy(p -> assertThat(p.min()).isNull())
                .allSatisfy(p -> assertThat(p.max()).isNull());
        assertExactlyOnce("mixed", plan);
    }

    @Test
    void mixedIdTypesUnsplitGetOnePartitionPerType() {
        NamespacePlan plan = plan("mixedSmall", List.of("single"));
        assertThat(plan.partitioner()).isEqualTo("single");
        assertThat(plan.partitions()).extracting(Partition::typeBracket)
                .containsExactly("null", "number", "string", "object", "binData", "objectId", "bool", "date", "timestamp");
        assertExactlyOnce("mixedSmall", plan);
    }

    @Test
    void singleTypeWithoutObjectIdsIsOneFullRange() {
        NamespacePlan plan = plan("ints", List.of("objectIdTime", "single"));
        assertThat(plan.partitioner()).isEqualTo("single");
        assertThat(plan.partitions()).containsExactly(Partition.fullRange(0));
    }

    @Test
    void intsBySample() {
        NamespacePlan plan = plan("ints", List.of("sample", "single"));
        assertThat(plan.partitioner()).isEqualTo("sample");
        assertThat(plan.partitions().size()).isGreaterThan(1);
        assertBalanced(assertExactlyOnce("ints", plan));
    }

    @Test
    void mixedIdTypesBySample() {
        NamespacePlan plan = plan("mixed", List.of("sample", "single"));
        assertThat(plan.partitioner()).isEqualTo("sample");
        assertThat(plan.partitions()).extracting(Partition::typeBracket)
                .containsSubsequence("null", "number", "string", "object", "binData", "objectId", "bool", "date", "timestamp");
        assertExactlyOnce("mixed", plan);
    }

    @Test
    void unsupportedSplitVectorFallsThrough() {
        // the scanning (Cosmos-like) embedded server has no splitVector, as Cosmos DB has none
        try (EmbeddedMongo scanning = EmbeddedMongo.builder().orderedIdIndex(false).start();
             MongoClient client = MongoClients.create(scanning.connectionString())) {
            MongoDatabase scanningDb = client.getDatabase("db");
            PlanFixtures.fill(scanningDb.getCollection("ints", BsonDocument.class), PlanFixtures.ints(2_000)).block(TIMEOUT);
            PlanOptions options = PlanOptions.defaults().withTargetPartitionsPerCollection(8).withPartitioners(List.of("splitVector", "single"))
                    .withRequireIndexedRanges(false).withMinDocumentsToSplit(1_000);
            NamespacePlan plan = Planner.create(options).planNamespace(scanningDb, "ints", new Namespace("target", "ints"), new BsonDocument())
                    .block(TIMEOUT);
            assertThat(plan.partitioner()).isEqualTo("single");
            assertThat(plan.partitions()).containsExactly(Partition.fullRange(0));
        }
    }

    @Test
    void resumeContinuesExactlyAfterTheLastId() {
        NamespacePlan plan = plan("mixedSmall", List.of("sample", "single"));
        assertThat(plan.partitioner()).isEqualTo("sample");
        MongoCollection<BsonDocument> coll = db.getCollection("mixedSmall", BsonDocument.class);
        int resumed = 0;
        for (Partition p : plan.partitions()) {
            List<BsonValue> all = ids(coll, p.filter(), true);
            if (all.size() < 2) {
                continue;
            }
            for (int cut : new int[] {0, all.size() / 2, all.size() - 1}) {
                List<BsonValue> rest = ids(coll, p.filterAfter(all.get(cut)), true);
                assertThat(rest.stream().map(PlanFixtures::key).toList())
                        .as("partition %s resumed after #%d", PlanPrinter.describe(p), cut)
                        .isEqualTo(all.subList(cut + 1, all.size()).stream().map(PlanFixtures::key).toList());
                resumed++;
            }
        }
        assertThat(resumed).isGreaterThan(3 * 8);
    }

    private void assertPartitionerForServer(NamespacePlan plan) {
        if (mongo.isEmbedded()) {
            // the embedded server answers splitVector from its ordered _id index, as a mongod does
            assertThat(plan.partitioner()).isEqualTo("splitVector");
        } else {
            assertThat(plan.partitioner()).isIn("splitVector", "sample");
        }
        assertThat(plan.partitions().size()).isGreaterThan(1);
        assertThat(plan.estimatedDocuments()).isEqualTo(generated.get(plan.source().collection()).size());
        assertThat(plan.estimatedBytes()).isPositive();
    }

    /** Each partition within a factor of two of an even share. */
    private static void assertBalanced(List<Integer> counts) {
        int even = DOCS / counts.size();
        assertThat(counts).allSatisfy(c -> assertThat(c).isBetween(even / 2, even * 2));
    }

    /** Reads every partition; returns how many documents each held. */
    private List<Integer> assertExactlyOnce(String collection, NamespacePlan plan) {
        MongoCollection<BsonDocument> coll = db.getCollection(collection, BsonDocument.class);
        List<String> expected = generated.get(collection).stream().map(PlanFixtures::key).sorted().toList();
        List<String> read = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (Partition p : plan.partitions()) {
            List<BsonValue> ids = ids(coll, p.filter(), false);
            counts.add(ids.size());
            ids.forEach(id -> read.add(PlanFixtures.key(id)));
        }
        Map<String, Long> duplicates = read.stream().collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()));
        duplicates.values().removeIf(c -> c == 1);
        assertThat(duplicates).as("ids read more than once").isEmpty();
        assertThat(read.stream().sorted().toList()).as("every id read exactly once").isEqualTo(expected);
        return counts;
    }

    private static List<BsonValue> ids(MongoCollection<BsonDocument> coll, BsonDocument filter, boolean sorted) {
        var find = coll.find(filter).projection(BY_ID).batchSize(5_000);
        return Flux.from(sorted ? find.sort(BY_ID) : find)
                .map(d -> d.get("_id"))
                .collectList()
                .block(TIMEOUT);
    }
}
