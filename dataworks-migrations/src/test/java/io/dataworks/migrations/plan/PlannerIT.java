package io.dataworks.migrations.plan;

import static io.dataworks.migrations.plan.PlanFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.core.config.ConfigException;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.testing.MongoTestExtension;
import io.dataworks.core.testing.TestMongo;
import io.dataworks.migrations.Namespace;
import reactor.core.publisher.Mono;

/** Namespace discovery, renaming, small collections, and the stored form of a real plan. */
@ExtendWith(MongoTestExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlannerIT {

    private MongoDatabase db;
    private TestMongo mongo;

    @BeforeAll
    void fill(TestMongo mongo) {
        this.mongo = mongo;
        db = mongo.client().getDatabase(mongo.freshDatabaseName());
        Mono.when(
                PlanFixtures.fill(db.getCollection("orders", BsonDocument.class), PlanFixtures.mixed(12_000, 7)),
                PlanFixtures.fill(db.getCollection("customers", BsonDocument.class), PlanFixtures.ints(500)),
                Mono.from(db.createCollection("empty"))).block(TIMEOUT);
    }

    private Planner planner() {
        return Planner.create(PlanOptions.defaults().withParallelCursors(2).withRequireIndexedRanges(false));
    }

    @Test
    void aBigCollectionIsSplitOnlyWhereTheSourceReadsRangesThroughAnIndex() {
        Namespace orders = new Namespace(db.getName(), "orders");
        NamespacePlan checked = Planner.create(PlanOptions.defaults().withParallelCursors(2))
                .planNamespace(mongo.client(), orders, orders, new BsonDocument()).block(TIMEOUT);
        NamespacePlan unchecked = planner().planNamespace(mongo.client(), orders, orders, new BsonDocument()).block(TIMEOUT);

        assertThat(unchecked.partitions().size()).isGreaterThan(9);
        // mongod, and the embedded server with its ordered _id index (the default), explain an _id range as an IXSCAN:
        // split as without the check
        assertThat(checked.partitioner()).isNotEqualTo("single");
        assertThat(checked.partitions().size()).isGreaterThan(9);

        // the embedded server switched to scanning (Cosmos-like) cannot explain, and scans the whole collection for each
        // range: one cursor per _id type
        try (EmbeddedMongo scanning = EmbeddedMongo.builder().orderedIdIndex(false).start();
             MongoClient client = MongoClients.create(scanning.connectionString())) {
            MongoDatabase scanned = client.getDatabase(db.getName());
            PlanFixtures.fill(scanned.getCollection("orders", BsonDocument.class), PlanFixtures.mixed(12_000, 7)).block(TIMEOUT);
            NamespacePlan single = Planner.create(PlanOptions.defaults().withParallelCursors(2))
                    .planNamespace(client, orders, orders, new BsonDocument()).block(TIMEOUT);
            assertThat(single.partitioner()).isEqualTo("single");
            assertThat(single.partitions()).hasSize(9);
            assertThat(single.partitions()).extracting(Partition::typeBracket).doesNotHaveDuplicates();
        }
    }

    @Test
    void plansEveryCollectionWhenNoneIsNamed() {
        MigrationPlan plan = planner().plan(PlanRequest.of(db)).block(TIMEOUT);

        assertThat(plan.namespaces()).extracting(n -> n.source().collection()).containsExactly("customers", "empty", "orders");
        assertThat(plan.namespaces()).allSatisfy(n -> assertThat(n.target()).isEqualTo(n.source()));
        NamespacePlan orders = plan.namespace(new Namespace(db.getName(), "orders")).orElseThrow();
        assertThat(orders.estimatedDocuments()).isEqualTo(12_000);
        assertThat(orders.estimatedBytes()).isPositive();
        assertThat(orders.partitions().size()).isGreaterThan(9); // 9 type brackets, the big ones split
        assertThat(plan.partitionCount()).isEqualTo(orders.partitions().size() + 2);
    }

    @Test
    void smallAndEmptyCollectionsAreNotSplit() {
        MigrationPlan plan = planner().plan(PlanRequest.of(db).withCollections(List.of("customers", "empty"))).block(TIMEOUT);

        assertThat(plan.namespaces()).allSatisfy(n -> {
            assertThat(n.partitioner()).isEqualTo("single");
            assertThat(n.partitions()).containsExactly(Partition.fullRange(0));
        });
        assertThat(plan.namespaces().get(0).estimatedDocuments()).isEqualTo(500);
        assertThat(plan.namespaces().get(1).estimatedDocuments()).isZero();
    }

    @Test
    void honoursRenamingAndKeepsTheSourceFilter() {
        BsonDocument onlyActive = new BsonDocument("active", new BsonInt32(1));
        PlanRequest request = PlanRequest.of(db)
                .withRenaming(Renaming.toDatabase("archive"))
                .withCollectionSpecs(List.of("orders:orders_v2", "customers"))
                .withSourceFilter(ns -> ns.collection().equals("orders") ? onlyActive : new BsonDocument());

        MigrationPlan plan = planner().plan(request).block(TIMEOUT);

        assertThat(plan.namespaces()).extracting(n -> n.source().collection() + "->" + n.target())
                .containsExactly("orders->archive.orders_v2", "customers->archive.customers");
        assertThat(plan.namespaces().get(0).sourceFilter()).isEqualTo(onlyActive);
        assertThat(plan.namespaces().get(1).sourceFilter()).isEmpty();
        Partition first = plan.namespaces().get(0).partitions().get(0);
        assertThat(plan.namespaces().get(0).readFilter(first, null))
                .isEqualTo(BsonDocument.parse("{$and: [" + first.filter().toJson() + ", {active: 1}]}"));
    }

    @Test
    void discoversCollectionsAndPlansOneNamespaceForTheEngine() {
        assertThat(Planner.discover(db, List.of()).block(TIMEOUT)).containsExactly("customers", "empty", "orders");
        assertThat(Planner.discover(db, List.of("orders", "customers", "orders")).block(TIMEOUT)).containsExactly("orders", "customers");

        Namespace source = new Namespace(db.getName(), "customers");
        NamespacePlan plan = planner().planNamespace(mongo.client(), source, new Namespace("t", "c"), new BsonDocument()).block(TIMEOUT);

        assertThat(plan.source()).isEqualTo(source);
        assertThat(plan.target()).isEqualTo(new Namespace("t", "c"));
        assertThat(plan.estimatedDocuments()).isEqualTo(500);
        assertThat(plan.partitions()).containsExactly(Partition.fullRange(0));
    }

    @Test
    void asksTheServerOnlyWhatItNeeds() {
        List<BsonDocument> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.mongodb.event.CommandListener listener = new com.mongodb.event.CommandListener() {
            @Override
            public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                commands.add(event.getCommand().clone());
            }
        };
        try (var client = com.mongodb.reactivestreams.client.MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(mongo.connectionString()))
                .addCommandListener(listener).build())) {
            Namespace customers = new Namespace(db.getName(), "customers");
            planner().planNamespace(client, customers, customers, new BsonDocument()).block(TIMEOUT);

            // one _id type: found from the smallest and largest _id, no $type probe, nothing split
            assertThat(commands).noneMatch(c -> c.toJson().contains("$type"));
            assertThat(commands).filteredOn(c -> c.containsKey("find")).hasSize(2)
                    .allSatisfy(c -> assertThat(c.getNumber("limit").intValue()).isEqualTo(1));
            assertThat(commands).noneMatch(c -> c.containsKey("splitVector") || c.toJson().contains("$sample"));

            commands.clear();
            Namespace orders = new Namespace(db.getName(), "orders");
            NamespacePlan plan = planner().planNamespace(client, orders, orders, new BsonDocument()).block(TIMEOUT);

            // mixed types from null to timestamp: only the brackets between them are probed
            List<String> probed = commands.stream().filter(c -> c.containsKey("find") && c.toJson().contains("$type"))
                    .map(c -> c.getDocument("filter").getDocument("_id").get("$type"))
                    .map(v -> v.isString() ? v.asString().getValue() : "rare")
                    .sorted().toList();
            // (symbol shares string's rank: it is the one rare type in that span, probed as such)
            // When the sample gives no cut, the chain falls through to the ObjectId partitioner, which reads the
            // bracket's smallest and largest ObjectId: two more objectId probes, nothing else (seen in full CI runs
            // after MigrationEngineIT in the same JVM; -Dit.test=MigrationEngineIT,PlannerIT reproduces it).
            List<String> expected = new java.util.ArrayList<>(List.of("number", "string", "object", "binData", "objectId",
                    "bool", "date", "rare"));
            if (plan.partitioner().equals("objectIdTime")) {
                expected.addAll(List.of("objectId", "objectId"));
            }
            assertThat(probed).containsExactlyInAnyOrderElementsOf(expected);
            if (mongo.isEmbedded()) {
                // the embedded server answers splitVector from its _id index, as a mongod does: no sample needed
                assertThat(commands).filteredOn(c -> c.containsKey("splitVector")).hasSize(1);
                assertThat(commands).noneMatch(c -> c.toJson().contains("$sample"));
                assertThat(plan.partitioner()).isEqualTo("splitVector");
            }
        }
    }

    @Test
    void refusesAMissingCollection() {
        assertThatThrownBy(() -> planner().plan(PlanRequest.of(db).withCollections(List.of("orders", "nope"))).block(TIMEOUT))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(db.getName() + ".nope does not exist")
                .hasMessageContaining("--source-collection");
    }

    @Test
    void refusesTwoSourcesLandingOnOneTarget() {
        PlanRequest request = PlanRequest.of(db).withCollections(List.of("orders", "customers"))
                .withRenaming(new Renaming(Optional.empty(), Map.of("customers", "orders")));
        assertThatThrownBy(() -> planner().plan(request).block(TIMEOUT))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("would both be copied to " + db.getName() + ".orders");
    }

    @Test
    void aRealPlanRoundTripsThroughItsStoredForm() {
        MigrationPlan plan = planner().plan(PlanRequest.of(db)).block(TIMEOUT);

        MigrationPlan fromBson = MigrationPlan.fromBson(plan.toBson());
        MigrationPlan fromJson = MigrationPlan.fromJson(plan.toJson());

        assertThat(fromBson).isEqualTo(plan);
        assertThat(fromJson).isEqualTo(plan);
        assertThat(fromJson.fingerprint()).isEqualTo(plan.fingerprint()).hasSize(64);
        assertThat(fromJson.mismatch(plan)).isEmpty();
        String printed = PlanPrinter.format(plan);
        // $sample is random: now and then the sample gives no usable cut and the chain falls through to the ObjectId
        // partitioner (seen once in a CI run); either way the plan must print and round-trip
        assertThat(printed).contains(db.getName() + ".orders -> " + db.getName() + ".orders", "_id types: null ×1, number ×")
                .containsAnyOf("by splitVector", "by sample", "by objectIdTime");
    }

    @Test
    void aNewPlanOfTheSameNamespacesMatchesTheStoredOne() {
        MigrationPlan stored = planner().plan(PlanRequest.of(db)).block(TIMEOUT);
        MigrationPlan again = planner().plan(PlanRequest.of(db)).block(TIMEOUT);
        MigrationPlan elsewhere = planner().plan(PlanRequest.of(db).withRenaming(Renaming.toDatabase("other"))).block(TIMEOUT);

        assertThat(stored.mismatch(again)).isEmpty();
        assertThat(stored.mismatch(elsewhere)).get().asString().contains("other.orders", "--fresh");
    }
}
