package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.document.DocumentStage;
import io.dataworks.migrations.endpoint.Requests;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.strategy.CopyStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** {@code --reconcile-deletes} by the strategy's id mapping and filter, against a source and a target that throttle 30% of requests. */
class DeleteReconcilerIT {

    private static final Namespace SOURCE = new Namespace("shop", "orders");
    private static final Namespace TARGET = new Namespace("copy", "orders");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Requests RETRYING = Requests.retrying(RetryPolicy.of(RetryConfig.DEFAULTS
            .withInitialBackoff(Duration.ofMillis(5)).withMaxBackoff(Duration.ofMillis(50))));

    private EmbeddedMongo sourceServer;
    private EmbeddedMongo targetServer;
    private MongoClient sourceClient;
    private MongoClient targetClient;
    private MongoCollection<RawBsonDocument> source;
    private MongoCollection<RawBsonDocument> target;

    @BeforeEach
    void start() {
        sourceServer = EmbeddedMongo.builder().throttleSeed(1).start();
        targetServer = EmbeddedMongo.builder().throttleSeed(2).start();
        sourceClient = MongoClients.create(sourceServer.connectionString());
        targetClient = MongoClients.create(targetServer.connectionString());
        source = sourceClient.getDatabase(SOURCE.database()).getCollection(SOURCE.collection(), RawBsonDocument.class);
        target = targetClient.getDatabase(TARGET.database()).getCollection(TARGET.collection(), RawBsonDocument.class);
    }

    @AfterEach
    void stop() {
        sourceClient.close();
        targetClient.close();
        sourceServer.close();
        targetServer.close();
    }

    @Test
    void sameIdsAreMergeJoinedPerPartitionAndEveryReadLookupAndDeleteIsRetriedUnderThrottling() {
        List<BsonDocument> src = new ArrayList<>();
        List<BsonDocument> tgt = new ArrayList<>();
        for (int i = 0; i < 2300; i++) {
            BsonDocument doc = new BsonDocument("_id", new BsonInt32(i)).append("v", new BsonInt32(i));
            tgt.add(doc);
            if (i < 2000 && i % 7 != 0) {
                src.add(doc);
            }
        }
        load(src, tgt);
        long expected = tgt.size() - src.size();
        NamespacePlan plan = plan(new Partition(0, "number", null, new BsonInt32(700)),
                new Partition(1, "number", new BsonInt32(700), new BsonInt32(1500)),
                new Partition(2, "number", new BsonInt32(1500), null));
        throttle();

        DeleteReconciler.Result result = reconciler(new CopyStrategy(), 100).reconcile(plan, source, target).block(WAIT);

        assertThat(result.deleted()).isEqualTo(expected);
        assertThat(result.targetIdsScanned()).isEqualTo(tgt.size());
        assertThat(sourceServer.throttledCount()).as("source reads were throttled").isPositive();
        assertThat(targetServer.throttledCount()).as("target reads and deletes were throttled").isPositive();
        unthrottle();
        assertThat(ids(target)).isEqualTo(ids(source));
    }

    @Test
    void aFullRangeScanResumesAcrossIdTypesAfterAThrottledGetMore() {
        List<BsonDocument> src = new ArrayList<>();
        List<BsonDocument> tgt = new ArrayList<>();
        List<BsonValue> values = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            values.add(new BsonInt32(i));
            values.add(new BsonString("s" + i));
            values.add(new BsonObjectId(new ObjectId(1_700_000_000 + i, i)));
        }
        for (int i = 0; i < values.size(); i++) {
            BsonDocument doc = new BsonDocument("_id", values.get(i));
            tgt.add(doc);
            if (i % 5 != 0) {
                src.add(doc);
            }
        }
        load(src, tgt);
        throttle();

        DeleteReconciler.Result result = reconciler(new CopyStrategy(), 10).reconcile(plan(Partition.fullRange(0)), source, target)
                .block(WAIT);

        assertThat(result.deleted()).isEqualTo(tgt.size() - src.size());
        assertThat(result.targetIdsScanned()).as("each _id once, whatever the retries").isEqualTo(tgt.size());
        unthrottle();
        assertThat(ids(target)).isEqualTo(ids(source));
    }

    @Test
    void mappedIdsAreMappedBackAndOnlyTheTargetDocumentsOfGoneSourceDocumentsAreDeleted() {
        MigrationStrategy strategy = TestStrategies.orders();
        DocumentStage stage = DocumentStage.create(strategy, FollowOptions.MONGODB_MAX_DOCUMENT_BYTES);
        List<BsonDocument> src = new ArrayList<>();
        List<BsonDocument> tgt = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            BsonDocument doc = new BsonDocument("_id", new BsonInt32(i)).append("status", new BsonString("new"))
                    .append("amount", new BsonInt32(i));
            tgt.addAll(stage.apply(new RawBsonDocument(doc, new org.bson.codecs.BsonDocumentCodec()), SOURCE).documents());
            if (i % 4 != 0) {
                src.add(doc);
            }
        }
        load(src, tgt);
        throttle();

        DeleteReconciler.Result result = reconciler(strategy, 50).reconcile(plan(new Partition(0, "number", null, null)), source, target)
                .block(WAIT);

        assertThat(result.deleted()).isEqualTo(125);
        assertThat(result.targetIdsScanned()).isEqualTo(500);
        unthrottle();
        Set<String> expected = new TreeSet<>();
        src.forEach(d -> expected.add("\"order-" + d.getInt32("_id").getValue() + "\""));
        assertThat(new TreeSet<>(ids(target))).isEqualTo(expected);
    }

    @Test
    void aTargetDocumentWhoseSourceDocumentIsOutsideTheFilterIsDeletedAsAFreshCopyWouldNotWriteIt() {
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("amount", new BsonInt32(100 * i)));
        }
        load(docs, docs); // the target got everything, e.g. before the strategy's filter was narrowed

        DeleteReconciler.Result result = reconciler(TestStrategies.bigOrders(), 3)
                .reconcile(plan(new Partition(0, "number", null, null)), source, target).block(WAIT);

        assertThat(result.deleted()).isEqualTo(5);
        assertThat(ids(target)).containsExactly("5", "6", "7", "8", "9");
        assertThat(ids(source)).hasSize(10);
    }

    @Test
    void aStrategyThatCannotMapIdsIsAUsageErrorBeforeAnythingIsDeleted() {
        assertThatThrownBy(() -> reconciler(TestStrategies.contentIds(), 10))
                .isInstanceOf(DataWorksException.class)
                .hasMessageStartingWith("--reconcile-deletes needs to know how the strategy maps _ids: strategy 'test-content-ids'"
                        + " declares none (target _ids are hashes of the content)")
                .satisfies(e -> assertThat(((DataWorksException) e).exitCode()).isEqualTo(ExitCode.USAGE));
        assertThatThrownBy(() -> DeleteReconciler.requireIdMapping(TestStrategies.contentIds())).isInstanceOf(DataWorksException.class);
        assertThat(DeleteReconciler.requireIdMapping(TestStrategies.orders()).name()).isEqualTo("test-orders");
    }

    private DeleteReconciler reconciler(MigrationStrategy strategy, int batchSize) {
        return DeleteReconciler.builder().batchSize(batchSize).parallelism(2).strategy(strategy)
                .sourceRequests(RETRYING).targetRequests(RETRYING).build();
    }

    private static NamespacePlan plan(Partition... partitions) {
        return new NamespacePlan(SOURCE, TARGET, 0, 0, "test", List.of(partitions));
    }

    private void load(List<BsonDocument> src, List<BsonDocument> tgt) {
        MongoCollection<BsonDocument> s = sourceClient.getDatabase(SOURCE.database()).getCollection(SOURCE.collection(), BsonDocument.class);
        MongoCollection<BsonDocument> t = targetClient.getDatabase(TARGET.database()).getCollection(TARGET.collection(), BsonDocument.class);
        Flux.fromIterable(src).buffer(500).concatMap(b -> s.insertMany(b)).blockLast(WAIT);
        Flux.fromIterable(tgt).buffer(500).concatMap(b -> t.insertMany(b)).blockLast(WAIT);
    }

    private void throttle() {
        for (EmbeddedMongo server : List.of(sourceServer, targetServer)) {
            server.throttleRate(0.3);
            server.throttleReads(true);
        }
    }

    private void unthrottle() {
        for (EmbeddedMongo server : List.of(sourceServer, targetServer)) {
            server.throttleRate(0);
        }
    }

    private static List<String> ids(MongoCollection<RawBsonDocument> coll) {
        return Flux.from(coll.find().sort(new BsonDocument("_id", new BsonInt32(1)))).map(d -> DocumentStage.describeId(d.get("_id")))
                .collectList().block(WAIT);
    }

    static Mono<Long> count(MongoCollection<RawBsonDocument> coll) {
        return Mono.from(coll.countDocuments());
    }
}
