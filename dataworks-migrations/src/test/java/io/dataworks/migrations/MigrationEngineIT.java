package io.dataworks.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.testing.Servers;
import io.dataworks.monitoring.MetricsCollector;

class MigrationEngineIT {

    @TempDir
    Path dir;

    Servers source;
    Servers target;
    MetricsCollector metrics;

    @BeforeEach
    void start() {
        source = Servers.start();
        target = Servers.start();
        metrics = MetricsCollector.create();
    }

    @AfterEach
    void stop() {
        source.close();
        target.close();
    }

    private MigrationSettings.Builder settings() {
        return MigrationSettings.builder(source.client(), source.uri(), target.client(), target.uri())
                .checkpointDir(dir.resolve("checkpoints"))
                .batchSize(100)
                .metrics(metrics);
    }

    private static List<BsonDocument> orders(int from, int count) {
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("customer", new BsonString("c" + (i % 97)))
                    .append("total", new BsonDecimal128(Decimal128.parse(i + ".25"))).append("lines", new BsonArray(List.of(
                            new BsonDocument("sku", new BsonString("s" + i)).append("qty", new BsonInt32(i % 5 + 1))))));
        }
        return docs;
    }

    @Test
    void copiesSeveralNamespacesWithRenamingAndRecordsThemDone() {
        source.insert("shop", "orders", orders(0, 3000));
        source.insert("shop", "customers", orders(0, 700));

        MigrationResult result = MigrationEngine.create(settings().parallelCursors(2).insertWorkers(3)
                .namespaces(List.of(
                        new NamespaceMapping(new Namespace("shop", "orders"), new Namespace("shop2", "orders_v2")),
                        new NamespaceMapping(new Namespace("shop", "customers"), new Namespace("shop2", "customers")))).build())
                .migrate().block(Duration.ofSeconds(60));

        assertThat(target.all("shop2", "orders_v2")).usingElementComparator(Servers.byBytes())
                .containsExactlyElementsOf(source.all("shop", "orders"));
        assertThat(target.count("shop2", "customers")).isEqualTo(700);
        assertThat(result.namespaces()).extracting(MigrationResult.NamespaceResult::documentsCopied).containsExactly(3000L, 700L);
        assertThat(result.documentsFailed()).isZero();
        assertThat(metrics.getCurrentPerformance().documentsWritten()).isEqualTo(3700);
        CheckpointStore store = CheckpointStore.readOnly(dir.resolve("checkpoints"));
        assertThat(NamespaceCheckpoint.load(store, new Namespace("shop", "orders")).orElseThrow().done()).isTrue();

        // A second run finds everything done and writes nothing.
        MetricsCollector again = MetricsCollector.create();
        MigrationEngine.create(settings().metrics(again).namespaces(List.of(
                new NamespaceMapping(new Namespace("shop", "orders"), new Namespace("shop2", "orders_v2")))).build()).migrate().block();
        assertThat(again.getCurrentPerformance().documentsWritten()).isZero();
    }

    @Test
    void copiesEveryCollectionOfTheSourceDatabaseWhenNoneAreNamed() {
        source.insert("app", "a", orders(0, 10));
        source.insert("app", "b", orders(0, 20));
        MigrationEngine.create(settings().sourceDatabase("app").targetDatabase("copy").build()).migrate().block();
        assertThat(target.count("copy", "a")).isEqualTo(10);
        assertThat(target.count("copy", "b")).isEqualTo(20);
    }

    /** Every type the embedded server stores (it refuses MD5 binaries, symbols, DBPointers and code with scope). */
    @Test
    void carriesEveryBsonTypeByteForByte() {
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            BsonDocument doc = new BsonDocument("_id", new BsonInt32(i))
                    .append("zLast", new BsonString("field order is kept"))
                    .append("decimal", new BsonDecimal128(Decimal128.parse("0.1000000000000000000000000000000001")))
                    .append("double", new BsonDouble(-0.0))
                    .append("long", new BsonInt64(Long.MIN_VALUE + i))
                    .append("date", new BsonDateTime(-62_135_596_800_000L + i))
                    .append("uuid", new BsonBinary(UUID.nameUUIDFromBytes(new byte[]{(byte) i}), UuidRepresentation.STANDARD))
                    .append("legacyUuid", new BsonBinary(BsonBinarySubType.UUID_LEGACY, new byte[16]))
                    .append("userBinary", new BsonBinary((byte) 0x80, new byte[]{9, 8, 7}))
                    .append("regex", new BsonRegularExpression("^ab.*c$", "imsx"))
                    .append("ts", new BsonTimestamp(1_700_000_000, i))
                    .append("min", new BsonMinKey()).append("max", new BsonMaxKey())
                    .append("null", BsonNull.VALUE).append("bool", BsonBoolean.TRUE)
                    .append("oid", new BsonObjectId(new ObjectId()))
                    .append("js", new BsonJavaScript("function() { return 1; }"))
                    .append("a.dotted.name", new BsonInt32(1))
                    .append("nested", new BsonDocument("$dollar", new BsonString("kept")).append("b", new BsonArray(List.of(
                            new BsonInt32(1), new BsonString("two"), new BsonDocument()))))
                    .append("aFirst", new BsonString("after zLast"));
            docs.add(doc);
        }
        source.insert("types", "all", docs);

        MigrationEngine.create(settings().sourceDatabase("types").build()).migrate().block(Duration.ofSeconds(30));

        List<RawBsonDocument> copied = target.all("types", "all");
        assertThat(copied).hasSize(50);
        assertThat(copied).usingElementComparator(Servers.byBytes()).containsExactlyElementsOf(source.all("types", "all"));
        assertThat(copied.get(0).keySet()).startsWith("_id", "zLast");
    }

    @Test
    void resumesEachPartitionAfterItsCheckpointedId() {
        source.insert("shop", "orders", orders(0, 2000));
        Namespace ns = new Namespace("shop", "orders");
        NamespacePlan plan = new NamespacePlan(ns, ns, 2000, 0, "manual", List.of(
                new Partition(0, "number", null, new BsonInt32(1000)), new Partition(1, "number", new BsonInt32(1000), null)));
        NamespaceCheckpoint checkpoint = NamespaceCheckpoint.start(source.uri(), target.uri(), "copy", plan);
        checkpoint.partitions().get(0).acknowledge(0, new BsonInt32(499), 500, 500);      // half of partition 0 copied
        checkpoint.partitions().get(1).acknowledge(0, new BsonInt32(1999), 1000, 1000);   // partition 1 copied …
        checkpoint.partitions().get(1).readComplete(1);                              // … and done
        try (CheckpointStore store = CheckpointStore.files(dir.resolve("checkpoints"))) {
            checkpoint.saveTo(store);
        }

        // what the checkpoint says the target acknowledged is there
        target.insert("shop", "orders", orders(0, 500));
        target.insert("shop", "orders", orders(1000, 1000));

        MigrationResult result = MigrationEngine.create(settings().sourceDatabase("shop").build()).migrate().block(Duration.ofSeconds(60));

        assertThat(metrics.getCurrentPerformance().documentsWritten()).as("only the rest of partition 0 is read and written")
                .isEqualTo(500);
        assertThat(metrics.getCurrentPerformance().documentsRead()).isEqualTo(500);
        assertThat(Servers.ids(target.all("shop", "orders"))).containsExactlyElementsOf(Servers.ids(source.all("shop", "orders")));
        assertThat(result.namespaces().get(0).documentsCopied()).isEqualTo(2000);
    }

    @Test
    void refusesToResumeOntoATargetThatLostAcknowledgedDocuments() {
        source.insert("shop", "orders", orders(0, 2000));
        Namespace ns = new Namespace("shop", "orders");
        NamespacePlan plan = new NamespacePlan(ns, ns, 2000, 0, "manual", List.of(
                new Partition(0, "number", null, new BsonInt32(1000)), new Partition(1, "number", new BsonInt32(1000), null)));
        NamespaceCheckpoint checkpoint = NamespaceCheckpoint.start(source.uri(), target.uri(), "copy", plan);
        checkpoint.partitions().get(0).acknowledge(0, new BsonInt32(499), 500, 500);
        checkpoint.partitions().get(1).acknowledge(0, new BsonInt32(1999), 1000, 1000);
        checkpoint.partitions().get(1).readComplete(1);
        try (CheckpointStore store = CheckpointStore.files(dir.resolve("checkpoints"))) {
            checkpoint.saveTo(store);
        }
        target.insert("shop", "orders", orders(0, 300)); // emptied, or another server on the same address

        assertThatThrownBy(() -> MigrationEngine.create(settings().sourceDatabase("shop").build()).migrate().block(Duration.ofSeconds(60)))
                .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("holds 300 documents")
                .hasMessageContaining("1500 acknowledged")
                .hasMessageContaining("--fresh");
        assertThat(metrics.getCurrentPerformance().documentsWritten()).as("nothing copied").isZero();
        assertThat(target.count("shop", "orders")).isEqualTo(300);

        // --fresh copies it all again and the target ends identical
        MigrationEngine.create(settings().sourceDatabase("shop").fresh(true).build()).migrate().block(Duration.ofSeconds(60));
        assertThat(Servers.ids(target.all("shop", "orders"))).containsExactlyElementsOf(Servers.ids(source.all("shop", "orders")));
    }

    @Test
    void insertModeCountsDocumentsAlreadyThereAsSkipped() {
        source.insert("shop", "orders", orders(0, 1000));
        target.insert("shop", "orders", orders(0, 400));
        MigrationEngine.create(settings().sourceDatabase("shop").build()).migrate().block();
        assertThat(target.count("shop", "orders")).isEqualTo(1000);
        assertThat(metrics.getCurrentPerformance().documentsSkipped()).isEqualTo(400);
        assertThat(metrics.getCurrentPerformance().documentsWritten()).isEqualTo(600);
    }

    @Test
    void upsertModeReplacesByMatchFields() {
        source.insert("shop", "orders", orders(0, 300));
        List<BsonDocument> stale = orders(0, 300);
        stale.forEach(d -> d.put("customer", new BsonString("stale")));
        target.insert("shop", "orders", stale);
        MigrationEngine.create(settings().sourceDatabase("shop").writeMode(WriteMode.UPSERT)
                .matchFields(List.of("_id")).build()).migrate().block();
        assertThat(target.all("shop", "orders")).usingElementComparator(Servers.byBytes())
                .containsExactlyElementsOf(source.all("shop", "orders"));
    }

    @Test
    void deadLettersAnOversizedDocumentAndContinues() throws Exception {
        source.insert("shop", "orders", orders(0, 500));
        source.insert("shop", "orders", List.of(new BsonDocument("_id", new BsonInt32(10_000))
                .append("blob", new BsonBinary(new byte[5000]))));

        MigrationResult result = MigrationEngine.create(settings().sourceDatabase("shop").targetMaxDocumentBytes(4096)
                .errorStrategy(ErrorStrategy.CONTINUE).build()).migrate().block();

        assertThat(target.count("shop", "orders")).isEqualTo(500);
        assertThat(result.documentsFailed()).isEqualTo(1);
        assertThat(result.deadLetter()).isEqualTo(dir.resolve("checkpoints/dead-letter.jsonl"));
        List<String> lines = Files.readAllLines(result.deadLetter());
        assertThat(lines).hasSize(1);
        BsonDocument line = BsonDocument.parse(lines.get(0));
        assertThat(line.getString("namespace").getValue()).isEqualTo("shop.orders");
        assertThat(line.get("_id")).isEqualTo(new BsonInt32(10_000));
        assertThat(line.getString("reason").getValue()).contains("larger than the target's limit");
        assertThat(line.getDocument("document").getBinary("blob").getData()).hasSize(5000);
    }

    @Test
    void freshStartsANewDeadLetterFileAndKeepsTheOldOne() throws Exception {
        source.insert("shop", "orders", orders(0, 500));
        source.insert("shop", "orders", List.of(new BsonDocument("_id", new BsonInt32(10_000))
                .append("blob", new BsonBinary(new byte[5000]))));
        MigrationSettings continuing = settings().sourceDatabase("shop").targetMaxDocumentBytes(4096)
                .errorStrategy(ErrorStrategy.CONTINUE).build();
        Path file = MigrationEngine.create(continuing).migrate().block().deadLetter();
        String firstRun = Files.readString(file);

        MigrationResult fresh = MigrationEngine.create(continuing.toBuilder().fresh(true).build()).migrate().block();

        assertThat(fresh.deadLetter()).isEqualTo(file);
        assertThat(Files.readAllLines(file)).as("only this run's entry").hasSize(1);
        try (var archived = Files.list(file.getParent())) {
            List<Path> old = archived.filter(p -> p.getFileName().toString().startsWith("dead-letter.jsonl.")).toList();
            assertThat(old).hasSize(1);
            assertThat(Files.readString(old.get(0))).isEqualTo(firstRun);
        }
    }

    @Test
    void stopsAtTheFirstFailedDocumentWithErrorStrategyStop() {
        source.insert("shop", "orders", orders(0, 500));
        source.insert("shop", "orders", List.of(new BsonDocument("_id", new BsonInt32(10_000))
                .append("blob", new BsonBinary(new byte[5000]))));

        assertThatThrownBy(() -> MigrationEngine.create(settings().sourceDatabase("shop").targetMaxDocumentBytes(4096)
                .errorStrategy(ErrorStrategy.STOP).build()).migrate().block())
                .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.FAILED))
                .hasMessageContaining("1 document(s) could not be written")
                .hasMessageContaining("_id 10000")
                .hasMessageContaining("dead-letter.jsonl")
                .hasMessageContaining("--error-strategy continue");
        NamespaceCheckpoint checkpoint = NamespaceCheckpoint.load(CheckpointStore.readOnly(dir.resolve("checkpoints")), new Namespace("shop", "orders")).orElseThrow();
        assertThat(checkpoint.done()).isFalse();
    }

    @Test
    void giveUpAfterMaxErrors() {
        source.insert("shop", "orders", orders(0, 50));
        List<BsonDocument> big = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            big.add(new BsonDocument("_id", new BsonInt32(10_000 + i)).append("blob", new BsonBinary(new byte[5000])));
        }
        source.insert("shop", "orders", big);
        assertThatThrownBy(() -> MigrationEngine.create(settings().sourceDatabase("shop").targetMaxDocumentBytes(4096)
                .errorStrategy(ErrorStrategy.CONTINUE).maxErrors(3).build()).migrate().block())
                .isInstanceOf(DataWorksException.class)
                .hasMessageContaining("more than --max-errors 3");
    }

    @Test
    void refusesACheckpointWrittenForAnotherTargetUntilFresh() {
        source.insert("shop", "orders", orders(0, 100));
        MigrationEngine.create(settings().sourceDatabase("shop").build()).migrate().block();

        assertThatThrownBy(() -> MigrationEngine.create(settings().sourceDatabase("shop")
                .target(target.client(), "mongodb://elsewhere:27017").build()).migrate().block())
                .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("a different target deployment")
                .hasMessageContaining("--fresh");

        MetricsCollector fresh = MetricsCollector.create();
        MigrationEngine.create(settings().sourceDatabase("shop").metrics(fresh).fresh(true)
                .target(target.client(), "mongodb://elsewhere:27017").build()).migrate().block();
        assertThat(fresh.getCurrentPerformance().documentsSkipped()).isEqualTo(100);
    }

    @Test
    void aTransformingStrategyWritesWhatItReturns() {
        source.insert("shop", "orders", orders(0, 300));
        MigrationStrategy splitter = new MigrationStrategy() {
            @Override
            public String name() {
                return "split";
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace src) {
                int id = document.getInt32("_id").getValue();
                if (id % 3 == 0) {
                    return List.of();
                }
                document.put("migrated", BsonBoolean.TRUE);
                return List.of(document, new BsonDocument("_id", new BsonString("copy-" + id)));
            }
        };
        MigrationEngine.create(settings().sourceDatabase("shop").strategy(splitter).build()).migrate().block();
        assertThat(target.count("shop", "orders")).isEqualTo(400);
        assertThat(Servers.ids(target.all("shop", "orders"))).doesNotContain(new BsonInt32(0), new BsonInt32(3));
        assertThat(target.all("shop", "orders").get(0).getBoolean("migrated").getValue()).isTrue();
    }

    @Test
    void aDuplicateOnAnotherUniqueIndexIsAConflictNotACopy() throws Exception {
        source.insert("shop", "orders", orders(0, 200));
        reactor.core.publisher.Mono.from(target.bson("shop", "orders").createIndex(new BsonDocument("customer", new BsonInt32(1)),
                new com.mongodb.client.model.IndexOptions().unique(true))).block();
        target.insert("shop", "orders", List.of(new BsonDocument("_id", new BsonString("other")).append("customer", new BsonString("c5"))));

        MigrationResult result = MigrationEngine.create(settings().sourceDatabase("shop").errorStrategy(ErrorStrategy.CONTINUE).build())
                .migrate().block();

        // customers c0..c96 repeat, so only the first order of each customer fits the unique index; c5 is taken.
        assertThat(result.documentsFailed()).isEqualTo(200 - 96);
        assertThat(metrics.getCurrentPerformance().documentsSkipped()).isZero();
        assertThat(Files.readAllLines(result.deadLetter())).allMatch(line -> line.contains("customer_1"));
    }

    @Test
    void copiesMixedIdTypesExactlyOnceAndResumesInsideEachTypeBracket() {
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            BsonValue id = switch (i % 5) {
                case 0 -> new BsonInt32(i);
                case 1 -> new BsonString("order-" + i);
                case 2 -> new BsonObjectId(new ObjectId(new java.util.Date(1_700_000_000_000L + i * 1000L), i));
                case 3 -> new BsonBinary(UUID.nameUUIDFromBytes(new byte[]{(byte) i, (byte) (i >> 8)}), UuidRepresentation.STANDARD);
                default -> new BsonDocument("tenant", new BsonString("t" + (i % 7))).append("n", new BsonInt32(i));
            };
            docs.add(new BsonDocument("_id", id).append("i", new BsonInt32(i)));
        }
        source.insert("mixed", "c", docs);

        // A small split threshold so the planner cuts the collection per type bracket and within brackets.
        MigrationSettings mixed = settings().sourceDatabase("mixed").parallelCursors(3).planner(NamespacePlanner.of(
                io.dataworks.migrations.plan.Planner.create(io.dataworks.migrations.plan.PlanOptions.defaults()
                        .withParallelCursors(3).withMinDocumentsToSplit(100).withMinBytesToSplit(1000).withRequireIndexedRanges(false)))).build();
        List<NamespacePlan> plans = MigrationEngine.create(mixed).plan().block();
        assertThat(plans.get(0).partitions()).extracting(Partition::typeBracket).doesNotContainNull()
                .contains("number", "string", "objectId", "object", "binData");
        assertThat(plans.get(0).partitions()).as("cut within brackets too").anyMatch(p -> p.min() != null || p.max() != null);

        // Resume: every partition already copied up to (and including) its first document.
        NamespacePlan plan = plans.get(0);
        NamespaceCheckpoint checkpoint = NamespaceCheckpoint.start(source.uri(), target.uri(), "copy", plan);
        long preCopied = 0;
        for (var progress : checkpoint.partitions()) {
            RawBsonDocument first = reactor.core.publisher.Mono.from(source.raw("mixed", "c")
                    .find(plan.readFilter(progress.partition(), null)).sort(new BsonDocument("_id", new BsonInt32(1))).first()).block();
            if (first != null) {
                reactor.core.publisher.Mono.from(target.raw("mixed", "c").insertOne(first)).block();
                progress.acknowledge(0, first.get("_id"), 1, 1);
                preCopied++;
            }
        }
        try (CheckpointStore store = CheckpointStore.files(dir.resolve("checkpoints"))) {
            checkpoint.saveTo(store);
        }

        MigrationEngine.create(mixed).migrate().block(Duration.ofSeconds(60));

        assertThat(metrics.getCurrentPerformance().documentsRead()).isEqualTo(3000 - preCopied);
        assertThat(metrics.getCurrentPerformance().documentsSkipped()).isZero();
        List<RawBsonDocument> copied = target.all("mixed", "c");
        assertThat(copied).hasSize(3000);
        assertThat(copied).usingElementComparator(Servers.byBytes()).containsExactlyInAnyOrderElementsOf(source.all("mixed", "c"));
    }

    @Test
    void copiesUniqueIndexesBeforeTheDataAndTheOthersAfter() {
        source.insert("shop", "orders", orders(0, 300));
        reactor.core.publisher.Mono.from(source.bson("shop", "orders").createIndex(new BsonDocument("total", new BsonInt32(1)),
                new com.mongodb.client.model.IndexOptions().unique(true).name("total_unique"))).block();
        reactor.core.publisher.Mono.from(source.bson("shop", "orders").createIndex(new BsonDocument("customer", new BsonInt32(1)))).block();

        MigrationResult result = MigrationEngine.create(settings().sourceDatabase("shop").build()).migrate().block();

        List<String> names = reactor.core.publisher.Flux.from(target.bson("shop", "orders").listIndexes(BsonDocument.class))
                .map(spec -> spec.getString("name").getValue()).collectList().block();
        assertThat(names).contains("_id_", "total_unique", "customer_1");
        assertThat(result.namespaces().get(0).indexFailures()).isEmpty();
        assertThat(target.count("shop", "orders")).isEqualTo(300);

        source.insert("shop", "other", orders(0, 10));
        reactor.core.publisher.Mono.from(source.bson("shop", "other").createIndex(new BsonDocument("customer", new BsonInt32(1)))).block();
        MigrationEngine.create(settings().copyIndexes(false).namespaces(List.of(
                new NamespaceMapping(new Namespace("shop", "other"), new Namespace("shop", "other")))).build()).migrate().block();
        assertThat(reactor.core.publisher.Flux.from(target.bson("shop", "other").listIndexes(BsonDocument.class)).count().block()).isEqualTo(1);
    }

    @Test
    void copiesSeveralNamespacesAtOnceWithinTheSharedCursorBudget() {
        for (String name : List.of("a", "b", "c")) {
            source.insert("shop", name, orders(0, 3000));
        }
        // Partition cursors open on the source (a find left open until a getMore returns cursor id 0), per namespace.
        java.util.Map<Integer, String> partitionFinds = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<Integer, Long> getMores = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Map<Long, String> open = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicInteger mostOpen = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Set<String> seenTogether = java.util.concurrent.ConcurrentHashMap.newKeySet();
        com.mongodb.event.CommandListener listener = new com.mongodb.event.CommandListener() {
            @Override
            public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                if (event.getCommandName().equals("find") && !event.getCommand().containsKey("limit")) {
                    partitionFinds.put(event.getRequestId(), event.getCommand().getString("find").getValue());
                } else if (event.getCommandName().equals("getMore")) {
                    getMores.put(event.getRequestId(), event.getCommand().getInt64("getMore").getValue());
                }
            }

            @Override
            public void commandSucceeded(com.mongodb.event.CommandSucceededEvent event) {
                if (!event.getResponse().isDocument("cursor")) {
                    return;
                }
                long id = event.getResponse().getDocument("cursor").getInt64("id").getValue();
                String collection = partitionFinds.remove(event.getRequestId());
                Long continued = getMores.remove(event.getRequestId());
                synchronized (open) {
                    if (collection != null && id != 0) {
                        open.put(id, collection);
                    } else if (continued != null && id == 0) {
                        open.remove(continued);
                    }
                    mostOpen.accumulateAndGet(open.size(), Math::max);
                    if (open.size() > 1) {
                        seenTogether.addAll(open.values());
                    }
                }
            }
        };
        try (com.mongodb.reactivestreams.client.MongoClient src = com.mongodb.reactivestreams.client.MongoClients.create(
                com.mongodb.MongoClientSettings.builder().applyConnectionString(new com.mongodb.ConnectionString(source.uri()))
                        .addCommandListener(listener).build())) {
            MigrationResult result = MigrationEngine.create(settings().source(src, source.uri()).sourceDatabase("shop")
                    .parallelCursors(2).sourceBatchSize(50).copyIndexes(false).build()).migrate().block(Duration.ofSeconds(60));
            assertThat(result.namespaces()).extracting(MigrationResult.NamespaceResult::documentsCopied).containsExactly(3000L, 3000L, 3000L);
        }
        assertThat(mostOpen.get()).as("partition cursors open at once").isEqualTo(2);
        assertThat(seenTogether).as("namespaces read at the same time").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void sendsSortedBatchedFindsAndUnorderedInsertsNoLargerThanTheBatchLimits() {
        source.insert("shop", "orders", orders(0, 1000));
        List<BsonDocument> finds = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<BsonDocument> inserts = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (com.mongodb.reactivestreams.client.MongoClient src = client(source.uri(), "find", finds);
             com.mongodb.reactivestreams.client.MongoClient dst = client(target.uri(), "insert", inserts)) {
            MigrationEngine.create(settings().source(src, source.uri()).target(dst, target.uri()).sourceDatabase("shop").copyIndexes(false)
                    .sourceBatchSize(250).batchSize(100).maxBatchBytes(20_000).build()).migrate().block();
        }
        // The planner's probes carry a limit; the partition reads do not.
        List<BsonDocument> reads = finds.stream().filter(find -> !find.containsKey("limit")).toList();
        assertThat(reads).isNotEmpty().allSatisfy(find -> {
            assertThat(find.getDocument("sort")).isEqualTo(new BsonDocument("_id", new BsonInt32(1)));
            assertThat(find.getInt32("batchSize").getValue()).isLessThanOrEqualTo(250);
        });
        assertThat(inserts).allSatisfy(insert -> {
            assertThat(insert.getBoolean("ordered").getValue()).isFalse();
            assertThat(insert.getArray("documents")).hasSizeLessThanOrEqualTo(100);
            long bytes = insert.getArray("documents").stream()
                    .mapToLong(d -> new RawBsonDocument(d.asDocument(), new org.bson.codecs.BsonDocumentCodec()).getByteBuffer().remaining()).sum();
            assertThat(bytes).isLessThanOrEqualTo(20_000);
        });
        assertThat(inserts.stream().mapToInt(insert -> insert.getArray("documents").size()).sum()).isEqualTo(1000);
    }

    @Test
    void aBatchTooLargeForOneInsertCommandStillLandsWholeAndByteForByte() {
        // four documents of 6 MB in one batch of up to 40 MB: 24 MB cannot travel in one command's body (16 MB + 16 KiB),
        // so the writer sends that batch as insertMany (a document sequence); the small batch after it as one command
        List<BsonDocument> docs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            byte[] payload = new byte[6 * 1024 * 1024];
            java.util.Arrays.fill(payload, (byte) i);
            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("blob", new org.bson.BsonBinary(payload)));
        }
        docs.addAll(orders(10, 50));
        source.insert("shop", "blobs", docs);
        List<BsonDocument> inserts = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (com.mongodb.reactivestreams.client.MongoClient dst = client(target.uri(), "insert", inserts)) {
            MigrationResult result = MigrationEngine.create(settings().target(dst, target.uri()).sourceDatabase("shop")
                    .copyIndexes(false).batchSize(100).maxBatchBytes(40_000_000).build()).migrate().block(Duration.ofSeconds(120));
            assertThat(result.namespaces()).extracting(MigrationResult.NamespaceResult::documentsCopied).containsExactly(54L);
        }
        assertThat(inserts.stream().mapToInt(insert -> insert.getArray("documents").size()).sum()).isEqualTo(54);
        List<String> copied = target.all("shop", "blobs").stream().map(RawBsonDocument::toJson).sorted().toList();
        List<String> original = source.all("shop", "blobs").stream().map(RawBsonDocument::toJson).sorted().toList();
        assertThat(copied).hasSize(54).isEqualTo(original);
    }

    /** A client that records the commands named {@code command} it sends. */
    private static com.mongodb.reactivestreams.client.MongoClient client(String uri, String command, List<BsonDocument> sent) {
        return com.mongodb.reactivestreams.client.MongoClients.create(com.mongodb.MongoClientSettings.builder()
                .applyConnectionString(new com.mongodb.ConnectionString(uri))
                .addCommandListener(new com.mongodb.event.CommandListener() {
                    @Override
                    public void commandStarted(com.mongodb.event.CommandStartedEvent event) {
                        if (event.getCommandName().equals(command)) {
                            sent.add(event.getCommand().clone());
                        }
                    }
                }).build());
    }
}
