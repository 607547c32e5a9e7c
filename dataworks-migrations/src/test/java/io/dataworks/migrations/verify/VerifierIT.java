package io.dataworks.migrations.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.checkpoint.CheckpointHeader;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.VerifyRecord;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

class VerifierIT {

    private static final int DOCS = 12_000;
    private static EmbeddedMongo server;
    private static MongoClient client;
    private static List<Document> original;

    @TempDir
    Path checkpointDir;

    private MongoCollection<RawBsonDocument> source;
    private MongoCollection<RawBsonDocument> target;
    private NamespacePlan plan;

    @BeforeAll
    static void startServer() {
        server = EmbeddedMongo.start();
        client = MongoClients.create(server.connectionString());
        original = new ArrayList<>(DOCS);
        for (int i = 0; i < DOCS; i++) {
            original.add(new Document("_id", i).append("name", "doc-" + i).append("n", i * 1.5)
                    .append("tags", List.of("a" + (i % 7), "b" + (i % 11))).append("nested", new Document("a", i).append("b", "x")));
        }
    }

    @AfterAll
    static void stopServer() {
        client.close();
        server.close();
    }

    @BeforeEach
    void copyCollection() {
        MongoDatabase db = client.getDatabase("verify" + System.nanoTime());
        insert(db.getCollection("source"), original);
        insert(db.getCollection("target"), original);
        source = db.getCollection("source", RawBsonDocument.class);
        target = db.getCollection("target", RawBsonDocument.class);
        plan = new NamespacePlan(new Namespace(db.getName(), "source"), new Namespace(db.getName(), "target"), DOCS, 0, "test",
                List.of(numbers(0, null, 3000), numbers(1, 3000, 6000), numbers(2, 6000, 9000), numbers(3, 9000, null)));
    }

    @Test
    void anExactCopyMatches() {
        VerificationResult result = verify(VerifyOptions.defaults(checkpointDir));

        assertThat(result.status()).isEqualTo(VerificationResult.Status.MATCH);
        assertThat(result.method()).isEqualTo("hash");
        assertThat(result.sourceCount()).isEqualTo(DOCS);
        assertThat(result.targetCount()).isEqualTo(DOCS);
        assertThat(result.mismatchedPartitions()).isZero();
        assertThat(result.diffFile()).isNull();
    }

    @Test
    void findsAndNamesAChangedAMissingAndAnExtraDocument() throws Exception {
        Mono.from(target.updateOne(Filters.eq("_id", 1234), Updates.set("name", "changed"))).block();
        Mono.from(target.deleteOne(Filters.eq("_id", 6001))).block();
        Mono.from(target.insertOne(RawBsonDocument.parse("{_id: 40000, name: 'stray'}"))).block();

        VerificationResult result = verify(VerifyOptions.defaults(checkpointDir).withLogFirst(5));

        assertThat(result.status()).isEqualTo(VerificationResult.Status.MISMATCH);
        assertThat(result.sourceCount()).as("equal counts: only the content tells").isEqualTo(result.targetCount());
        assertThat(result.mismatchedPartitions()).isEqualTo(3);
        assertThat(result.different()).isEqualTo(1);
        assertThat(result.missing()).isEqualTo(1);
        assertThat(result.extra()).isEqualTo(1);
        assertThat(result.diffFile()).isEqualTo(checkpointDir.resolve("verify-diff-" + plan.source() + ".jsonl"));
        assertThat(result.toReport()).isEqualTo(new io.dataworks.monitoring.RunReport.Verification("mismatch", (long) DOCS, (long) DOCS, 3,
                "hash", result.diffFile().toString()));
        String ns = plan.source().toString();
        assertThat(Files.readAllLines(result.diffFile())).containsExactlyInAnyOrder(
                "{\"ns\": \"" + ns + "\", \"_id\": 1234, \"kind\": \"different\"}",
                "{\"ns\": \"" + ns + "\", \"_id\": 6001, \"kind\": \"missing\"}",
                "{\"ns\": \"" + ns + "\", \"_id\": 40000, \"kind\": \"extra\"}");
    }

    @Test
    void aFinishedVerificationIsNeverReusedSoChangesAfterItAreFound() throws Exception {
        VerificationResult first = verify(VerifyOptions.defaults(checkpointDir));
        assertThat(first.status()).isEqualTo(VerificationResult.Status.MATCH);

        // tampered after a clean verification: the next one must see it, not replay the stored "match"
        Mono.from(target.deleteOne(Filters.eq("_id", 3))).block();
        VerificationResult second = verify(VerifyOptions.defaults(checkpointDir));
        assertThat(second.resumedPartitions()).isZero();
        assertThat(second.status()).isEqualTo(VerificationResult.Status.MISMATCH);
        assertThat(second.missing()).isEqualTo(1);
        assertThat(Files.readAllLines(second.diffFile())).containsExactly(
                "{\"ns\": \"" + plan.source() + "\", \"_id\": 3, \"kind\": \"missing\"}");

        // repaired: the next verification says so (a stored mismatch is not replayed either)
        Mono.from(target.insertOne(RawBsonDocument.parse(original.get(3).toJson()))).block();
        VerificationResult third = verify(VerifyOptions.defaults(checkpointDir));
        assertThat(third.resumedPartitions()).isZero();
        assertThat(third.status()).isEqualTo(VerificationResult.Status.MATCH);
        assertThat(checkpointDir.resolve("verify-diff-" + plan.source() + ".jsonl")).doesNotExist();
    }

    @Test
    void anInterruptedVerificationResumesWithThePartitionsOfThatRunOnly() throws Exception {
        Mono.from(target.deleteOne(Filters.eq("_id", 3))).block();
        // an interrupted run: partitions 1 and 2 were verified (and matched) before the process died
        CheckpointHeader header = CheckpointHeader.of("", "", plan.source(), plan.target(), "copy",
                io.dataworks.migrations.checkpoint.NamespaceCheckpoint.fingerprintOf(plan), null);
        try (CheckpointStore store = CheckpointStore.files(checkpointDir)) {
            VerifyRecord interrupted = VerifyRecord.open(store, header, "hash", plan.partitions().size(), true);
            interrupted.record(new VerifyRecord.Outcome(1, true, 3000, 3000, 0, 0, 0));
            interrupted.record(new VerifyRecord.Outcome(2, true, 3000, 3000, 0, 0, 0));
        }
        VerificationResult resumed = verify(VerifyOptions.defaults(checkpointDir));
        assertThat(resumed.resumedPartitions()).isEqualTo(2);
        assertThat(resumed.status()).isEqualTo(VerificationResult.Status.MISMATCH);
        assertThat(resumed.missing()).isEqualTo(1);

        VerificationResult fresh = verify(VerifyOptions.defaults(checkpointDir).withResume(false));
        assertThat(fresh.resumedPartitions()).isZero();
        assertThat(fresh.missing()).isEqualTo(1);
    }

    @Test
    void documentsOutsideEveryPartitionAreNamedWhenCountsDiffer() throws Exception {
        // an _id type the plan did not know: no partition range covers it
        Mono.from(target.insertOne(RawBsonDocument.parse("{_id: 'stray-string', name: 'x'}"))).block();
        Mono.from(target.insertOne(RawBsonDocument.parse("{_id: {k: 1}, name: 'y'}"))).block();

        VerificationResult result = verify(VerifyOptions.defaults(checkpointDir));

        assertThat(result.status()).isEqualTo(VerificationResult.Status.MISMATCH);
        assertThat(result.targetCount()).isEqualTo(result.sourceCount() + 2);
        assertThat(result.extra()).isEqualTo(2);
        assertThat(Files.readAllLines(result.diffFile())).containsExactlyInAnyOrder(
                "{\"ns\": \"" + plan.source() + "\", \"_id\": \"stray-string\", \"kind\": \"extra\"}",
                "{\"ns\": \"" + plan.source() + "\", \"_id\": {\"k\": 1}, \"kind\": \"extra\"}");
    }

    @Test
    void mixedIdTypesInOnePartitionAreMergedInServerOrder() throws Exception {
        MongoDatabase db = client.getDatabase("mixed" + System.nanoTime());
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            docs.add(new Document("_id", i));
            docs.add(new Document("_id", "s" + i));
            docs.add(new Document("_id", i + 0.25).append("d", true));
            docs.add(new Document("_id", new ObjectId(new java.util.Date(1_700_000_000_000L + i * 1000L), i)));
            docs.add(new Document("_id", new Document("k", i)));
        }
        insert(db.getCollection("s"), docs);
        insert(db.getCollection("t"), docs);
        MongoCollection<RawBsonDocument> s = db.getCollection("s", RawBsonDocument.class);
        MongoCollection<RawBsonDocument> t = db.getCollection("t", RawBsonDocument.class);
        Mono.from(t.deleteOne(Filters.eq("_id", "s17"))).block();
        Mono.from(t.updateOne(Filters.eq("_id", new Document("k", 5)), Updates.set("x", 1))).block();
        Mono.from(t.insertOne(RawBsonDocument.parse("{_id: {k: 1000}}"))).block();
        NamespacePlan mixed = new NamespacePlan(new Namespace(db.getName(), "s"), new Namespace(db.getName(), "t"), 0, 0,
                "single", List.of(Partition.fullRange(0)));

        VerificationResult result = Verifier.create().verify(mixed, s, t, VerifyOptions.defaults(checkpointDir)).block();

        assertThat(result.missing()).isEqualTo(1);
        assertThat(result.extra()).isEqualTo(1);
        assertThat(result.different()).isEqualTo(1);
        assertThat(Files.readAllLines(result.diffFile())).containsExactlyInAnyOrder(
                "{\"ns\": \"" + mixed.source() + "\", \"_id\": \"s17\", \"kind\": \"missing\"}",
                "{\"ns\": \"" + mixed.source() + "\", \"_id\": {\"k\": 5}, \"kind\": \"different\"}",
                "{\"ns\": \"" + mixed.source() + "\", \"_id\": {\"k\": 1000}, \"kind\": \"extra\"}");
    }

    @Test
    void aStrategysSourceFilterBoundsTheSourceSide() {
        MigrationStrategy firstHalf = new MigrationStrategy() {
            @Override
            public String name() {
                return "first-half";
            }

            @Override
            public boolean transformsDocuments() {
                return false;
            }

            @Override
            public BsonDocument sourceFilter(Namespace ns) {
                return BsonDocument.parse("{name: {$lt: 'doc-5'}}");
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace ns) {
                return List.of(document);
            }
        };
        Mono.from(target.deleteMany(Filters.gte("name", "doc-5"))).block();

        VerificationResult result = verify(VerifyOptions.defaults(checkpointDir).withStrategy(firstHalf));

        assertThat(result.method()).isEqualTo("hash");
        assertThat(result.status()).isEqualTo(VerificationResult.Status.MATCH);
        assertThat(result.sourceCount()).isEqualTo(result.targetCount()).isLessThan(DOCS);
    }

    @Test
    void worksOnThePlannersTypeBracketedPartitions() throws Exception {
        MongoDatabase db = client.getDatabase("planned" + System.nanoTime());
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            docs.add(new Document("_id", i).append("v", i));
            docs.add(new Document("_id", "s" + i).append("v", i));
            docs.add(new Document("_id", new ObjectId(new java.util.Date(1_700_000_000_000L + i * 1000L), i)).append("v", i));
            docs.add(new Document("_id", new org.bson.BsonBinary(java.util.UUID.nameUUIDFromBytes(new byte[] {(byte) i, (byte) (i >> 8)}))).append("v", i));
            docs.add(new Document("_id", new Document("k", i)).append("v", i));
        }
        insert(db.getCollection("s"), docs);
        insert(db.getCollection("t"), docs);
        MongoCollection<RawBsonDocument> s = db.getCollection("s", RawBsonDocument.class);
        MongoCollection<RawBsonDocument> t = db.getCollection("t", RawBsonDocument.class);
        Mono.from(t.updateOne(Filters.eq("_id", "s300"), Updates.set("v", -1))).block();
        Mono.from(t.deleteOne(Filters.eq("_id", 17))).block();
        Mono.from(t.insertOne(RawBsonDocument.parse("{_id: {k: 5000}}"))).block();
        NamespacePlan planned = io.dataworks.migrations.plan.Planner.create(io.dataworks.migrations.plan.PlanOptions.defaults()
                        .withMinDocumentsToSplit(100).withTargetPartitionsPerCollection(8).withRequireIndexedRanges(false))
                .planNamespace(db, "s", new Namespace(db.getName(), "t"), new BsonDocument()).block();
        assertThat(planned.partitions()).hasSizeGreaterThan(4);

        VerificationResult result = Verifier.create().verify(planned, s, t, VerifyOptions.defaults(checkpointDir)).block();

        assertThat(result.missing()).isEqualTo(1);
        assertThat(result.extra()).isEqualTo(1);
        assertThat(result.different()).isEqualTo(1);
        assertThat(Files.readAllLines(result.diffFile())).containsExactlyInAnyOrder(
                "{\"ns\": \"" + planned.source() + "\", \"_id\": \"s300\", \"kind\": \"different\"}",
                "{\"ns\": \"" + planned.source() + "\", \"_id\": 17, \"kind\": \"missing\"}",
                "{\"ns\": \"" + planned.source() + "\", \"_id\": {\"k\": 5000}, \"kind\": \"extra\"}");
    }

    @Test
    void aTransformingStrategyIsVerifiedByItsOwnCheck() throws Exception {
        MigrationStrategy upperCase = new MigrationStrategy() {
            @Override
            public String name() {
                return "upper";
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace ns) {
                BsonDocument copy = document.clone();
                copy.put("name", new BsonString(document.getString("name").getValue().toUpperCase()));
                return List.of(copy);
            }

            @Override
            public String verify(BsonDocument source, BsonDocument target) {
                if (target == null) {
                    return "not copied";
                }
                // works on a changed clone, as transform() may (a RawBsonDocument, or its clone, would refuse put)
                BsonDocument expected = source.clone();
                expected.put("name", new BsonString(source.getString("name").getValue().toUpperCase()));
                return expected.get("name").equals(target.get("name")) ? null : "name is " + target.getString("name").getValue();
            }
        };
        MongoDatabase db = client.getDatabase("strategy" + System.nanoTime());
        List<Document> docs = original.subList(0, 2000);
        insert(db.getCollection("s"), docs);
        List<Document> transformed = new ArrayList<>();
        for (Document d : docs) {
            transformed.add(new Document(d).append("name", d.getString("name").toUpperCase()));
        }
        insert(db.getCollection("t"), transformed);
        MongoCollection<RawBsonDocument> t = db.getCollection("t", RawBsonDocument.class);
        Mono.from(t.updateOne(Filters.eq("_id", 77), Updates.set("name", "doc-77"))).block();
        NamespacePlan p = new NamespacePlan(new Namespace(db.getName(), "s"), new Namespace(db.getName(), "t"), 0, 0,
                "test", List.of(numbers(0, null, 1000), numbers(1, 1000, null)));

        VerificationResult result = Verifier.create()
                .verify(p, db.getCollection("s", RawBsonDocument.class), t, VerifyOptions.defaults(checkpointDir).withStrategy(upperCase))
                .block();

        assertThat(result.method()).isEqualTo("strategy");
        assertThat(result.status()).isEqualTo(VerificationResult.Status.MISMATCH);
        assertThat(result.different()).isEqualTo(1);
        assertThat(result.mismatchedPartitions()).isEqualTo(1);
        assertThat(Files.readAllLines(result.diffFile())).containsExactly(
                "{\"ns\": \"" + p.source() + "\", \"_id\": 77, \"kind\": \"different\", \"reason\": \"name is doc-77\"}");
    }

    private VerificationResult verify(VerifyOptions options) {
        return Verifier.create().verify(plan, source, target, options).block();
    }

    private static Partition numbers(int index, Integer min, Integer max) {
        BsonValue lo = min == null ? null : new BsonInt32(min);
        BsonValue hi = max == null ? null : new BsonInt32(max);
        return new Partition(index, "number", lo, hi);
    }

    private static void insert(MongoCollection<Document> coll, List<Document> docs) {
        Flux.fromIterable(docs).buffer(1000).concatMap(batch -> coll.insertMany(batch)).blockLast();
    }
}
