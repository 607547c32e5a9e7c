package io.dataworks.migrations.plan;

import static io.dataworks.migrations.plan.PlanFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.MigrationEngine;
import io.dataworks.migrations.MigrationResult;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.NamespacePlanner;
import io.dataworks.migrations.testing.Servers;
import reactor.core.publisher.Flux;

/**
 * The embedded server in both of its range-read modes, with the default planner: with its ordered {@code _id} index
 * (the default, as on MongoDB) the planner splits a big collection into many {@code _id} ranges read by parallel
 * cursors; scanning (Cosmos-like) it reads it with one cursor per {@code _id} type. The copy is the same either way.
 */
class RangeReadModesIT {

    private static final int DOCUMENTS = 12_000;

    @TempDir
    Path dir;

    @Test
    void theIndexedServerIsCopiedByManyRangeCursorsTheScanningOneByOnePerTypeAndTheCopiesAreIdentical() {
        try (EmbeddedMongo indexed = EmbeddedMongo.start();
             EmbeddedMongo scanning = EmbeddedMongo.builder().orderedIdIndex(false).start();
             EmbeddedMongo target = EmbeddedMongo.start();
             MongoClient indexedClient = MongoClients.create(indexed.connectionString());
             MongoClient scanningClient = MongoClients.create(scanning.connectionString());
             MongoClient targetClient = MongoClients.create(target.connectionString())) {
            // the same documents (mixed _id types: 9 type brackets) in both sources
            var ids = PlanFixtures.mixed(DOCUMENTS, 11);
            PlanFixtures.fill(indexedClient.getDatabase("shop").getCollection("orders", BsonDocument.class), ids).block(TIMEOUT);
            PlanFixtures.fill(scanningClient.getDatabase("shop").getCollection("orders", BsonDocument.class), ids).block(TIMEOUT);

            MigrationResult split = copy(indexedClient, indexed.connectionString(), targetClient, target.connectionString(), "fromIndexed");
            MigrationResult single = copy(scanningClient, scanning.connectionString(), targetClient, target.connectionString(), "fromScanning");

            MigrationResult.NamespaceResult splitOrders = split.namespaces().get(0);
            MigrationResult.NamespaceResult singleOrders = single.namespaces().get(0);
            assertThat(splitOrders.partitioner()).as("explain answers IXSCAN: the chain splits").isNotEqualTo("single");
            assertThat(splitOrders.partitions()).as("the big brackets are split into ranges").isGreaterThan(9);
            assertThat(singleOrders.partitioner()).as("no explain: one cursor per _id type").isEqualTo("single");
            assertThat(singleOrders.partitions()).isEqualTo(9);
            assertThat(splitOrders.documentsCopied()).isEqualTo(singleOrders.documentsCopied()).isEqualTo(DOCUMENTS);

            List<RawBsonDocument> viaRanges = all(targetClient, "fromIndexed");
            List<RawBsonDocument> viaOneCursor = all(targetClient, "fromScanning");
            assertThat(viaRanges).hasSize(DOCUMENTS);
            assertThat(viaRanges).usingElementComparator(Servers.byBytes()).containsExactlyElementsOf(viaOneCursor);
        }
    }

    private MigrationResult copy(MongoClient source, String sourceUri, MongoClient target, String targetUri, String targetDb) {
        MigrationSettings settings = MigrationSettings.builder(source, sourceUri, target, targetUri)
                .sourceDatabase("shop")
                .targetDatabase(targetDb)
                .planner(NamespacePlanner.of(Planner.create(PlanOptions.defaults().withParallelCursors(4))))
                .parallelCursors(4)
                .checkpointDir(dir.resolve(targetDb))
                .build();
        return MigrationEngine.create(settings).migrate().block(TIMEOUT);
    }

    private static List<RawBsonDocument> all(MongoClient client, String db) {
        return Flux.from(client.getDatabase(db).getCollection("orders", RawBsonDocument.class).find()
                .sort(new BsonDocument("_id", new BsonInt32(1)))).collectList().block(TIMEOUT);
    }
}
