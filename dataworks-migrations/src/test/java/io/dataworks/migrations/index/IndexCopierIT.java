package io.dataworks.migrations.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.mongodb.reactivestreams.client.MongoClient;

import io.dataworks.core.config.Flavour;
import io.dataworks.core.testing.MongoTestExtension;
import io.dataworks.core.testing.TestMongo;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.index.IndexResult.Status;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@ExtendWith(MongoTestExtension.class)
class IndexCopierIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final MongoClient client;
    private final boolean embedded;
    private Namespace source;
    private Namespace target;

    IndexCopierIT(TestMongo mongo) {
        client = mongo.client();
        embedded = mongo.isEmbedded();
    }

    @BeforeEach
    void sourceWithIndexes(TestMongo mongo) {
        source = new Namespace(mongo.freshDatabaseName(), "orders");
        target = new Namespace(mongo.freshDatabaseName(), "orders_copy");
        Mono.from(client.getDatabase(source.database()).getCollection(source.collection())
                .insertOne(new org.bson.Document("orderNo", 1).append("customer", "c1"))).block(TIMEOUT);
        createIndexes(source,
                "{key: {orderNo: 1}, name: 'orderNo_1', unique: true}",
                "{key: {customer: 1, createdAt: -1}, name: 'customer_created', background: true}",
                "{key: {createdAt: 1}, name: 'ttl', expireAfterSeconds: 86400}",
                "{key: {email: 1}, name: 'email_unique_sparse', unique: true, sparse: true}");
    }

    private void createIndexes(Namespace ns, String... specs) {
        BsonArray indexes = new BsonArray();
        for (String s : specs) {
            indexes.add(BsonDocument.parse(s));
        }
        Mono.from(client.getDatabase(ns.database()).runCommand(
                new BsonDocument("createIndexes", new BsonString(ns.collection())).append("indexes", indexes))).block(TIMEOUT);
    }

    private List<String> targetIndexNames() {
        return Flux.from(client.getDatabase(target.database()).getCollection(target.collection()).listIndexes(BsonDocument.class))
                .map(d -> d.getString("name").getValue())
                .collectList().block(TIMEOUT);
    }

    private List<BsonDocument> targetIndexes() {
        return Flux.from(client.getDatabase(target.database()).getCollection(target.collection()).listIndexes(BsonDocument.class))
                .collectList().block(TIMEOUT);
    }

    @Test
    void uniqueIndexesFirstTheOthersAfter() {
        IndexCopier copier = IndexCopier.forTarget(Flavour.MONGODB);

        IndexReport before = copier.createUnique(client, source, client, target).block(TIMEOUT);

        assertThat(before.results()).extracting(IndexResult::name).containsExactlyInAnyOrder("orderNo_1", "email_unique_sparse");
        assertThat(before.results()).extracting(IndexResult::status).containsOnly(Status.CREATED);
        assertThat(targetIndexNames()).containsExactlyInAnyOrder("_id_", "orderNo_1", "email_unique_sparse");

        IndexReport after = copier.createRemaining(client, source, client, target).block(TIMEOUT);

        assertThat(after.results()).extracting(IndexResult::name).containsExactlyInAnyOrder("customer_created", "ttl");
        assertThat(after.allPresent()).isTrue();
        assertThat(targetIndexNames()).containsExactlyInAnyOrder("_id_", "orderNo_1", "email_unique_sparse", "customer_created", "ttl");
        BsonDocument ttl = targetIndexes().stream().filter(d -> d.getString("name").getValue().equals("ttl")).findFirst().orElseThrow();
        assertThat(ttl.getNumber("expireAfterSeconds").intValue()).isEqualTo(86400);
        BsonDocument sparse = targetIndexes().stream().filter(d -> d.getString("name").getValue().equals("email_unique_sparse")).findFirst().orElseThrow();
        assertThat(sparse.getBoolean("unique").getValue()).isTrue();
        assertThat(sparse.getBoolean("sparse").getValue()).isTrue();
        // background is deprecated and ignored: it is not carried over, and the report says so
        assertThat(after.results().stream().filter(r -> r.name().equals("customer_created")).findFirst().orElseThrow().droppedOptions())
                .containsExactly("background");
    }

    @Test
    void rerunFindsTheIndexesAlreadyThere() {
        IndexCopier copier = IndexCopier.forTarget(Flavour.ATLAS);
        copier.createUnique(client, source, client, target).block(TIMEOUT);

        IndexReport again = copier.createUnique(client, source, client, target).block(TIMEOUT);

        assertThat(again.allPresent()).isTrue();
        assertThat(again.results()).hasSize(2);
        if (!embedded) {
            assertThat(again.results()).extracting(IndexResult::status).containsOnly(Status.EXISTS);
        }
    }

    @Test
    void aRefusedIndexIsReportedAndTheOthersAreStillBuilt() {
        // the target already has an index of that name on other keys: the server refuses the copy
        createIndexes(target, "{key: {somethingElse: 1}, name: 'orderNo_1'}");

        IndexReport report = IndexCopier.forTarget(Flavour.MONGODB).createUnique(client, source, client, target).block(TIMEOUT);

        IndexResult refused = report.results().stream().filter(r -> r.name().equals("orderNo_1")).findFirst().orElseThrow();
        assertThat(refused.status()).isEqualTo(Status.FAILED);
        assertThat(refused.reason()).contains("code 8"); // 85 IndexOptionsConflict or 86 IndexKeySpecsConflict
        assertThat(report.failures()).containsExactly(refused);
        assertThat(report.present()).extracting(IndexResult::name).containsExactly("email_unique_sparse");
        assertThat(targetIndexNames()).contains("email_unique_sparse");
        assertThat(report.summary()).contains("1 index(es) present, 1 failed", "orderNo_1");
    }

    @Test
    void aUniqueIndexTheTargetDataViolatesIsReportedNotThrown() {
        // a rerun into a target that already holds duplicates of a unique key
        Mono.from(client.getDatabase(target.database()).getCollection(target.collection()).insertMany(List.of(
                new org.bson.Document("_id", 1).append("orderNo", 7), new org.bson.Document("_id", 2).append("orderNo", 7)))).block(TIMEOUT);

        IndexReport report = IndexCopier.forTarget(Flavour.MONGODB).createUnique(client, source, client, target).block(TIMEOUT);

        assertThat(report.failures()).extracting(IndexResult::name).containsExactly("orderNo_1");
        assertThat(report.failures().get(0).reason()).contains("11000");
        assertThat(report.present()).extracting(IndexResult::name).containsExactly("email_unique_sparse");
    }

    @Test
    void cosmosTargetsLoseOnlyPhysicalOptions() {
        IndexCopier cosmos = IndexCopier.forTarget(Flavour.COSMOS_DB);
        assertThat(cosmos.droppedOptions()).contains("background", "textIndexVersion", "2dsphereIndexVersion")
                .doesNotContain("collation", "sparse", "partialFilterExpression", "unique", "expireAfterSeconds");
        IndexReport report = cosmos.createUnique(client, source, client, target).block(TIMEOUT);
        assertThat(report.allPresent()).isTrue();

        createIndexes(source, "{key: {notes: 'text'}, name: 'notes_text', textIndexVersion: 3}");
        IndexReport after = cosmos.createRemaining(client, source, client, target).block(TIMEOUT);
        IndexResult text = after.results().stream().filter(r -> r.name().equals("notes_text")).findFirst().orElseThrow();
        assertThat(text.status()).isEqualTo(Status.CREATED);
        assertThat(text.droppedOptions()).containsExactly("textIndexVersion");
        assertThat(targetIndexes()).filteredOn(d -> d.getString("name").getValue().equals("notes_text"))
                .singleElement().satisfies(d -> assertThat(d.containsKey("textIndexVersion")).isEqualTo(!embedded));
        // (a real MongoDB sets its own textIndexVersion; the embedded server stores only what it is given)
    }

    @Test
    void aMissingSourceCollectionHasNoIndexes() {
        Namespace nothing = new Namespace(source.database(), "nothing");
        IndexReport report = IndexCopier.forTarget(Flavour.MONGODB).createRemaining(client, nothing, client, target).block(TIMEOUT);
        assertThat(report.results()).isEmpty();
    }
}
