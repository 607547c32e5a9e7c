package io.dataworks.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.ForwardingCheckpointStore;
import io.dataworks.migrations.checkpoint.NamespaceCheckpoint;
import io.dataworks.migrations.testing.Servers;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a run of many small collections costs per collection, counted on the wire and in the checkpoint store: the
 * source's indexes are listed once per collection (not once per index step), and a small collection's checkpoint is
 * written once, when it is done (not after planning, at every interval and again at the end).
 */
class SmallCollectionsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int COLLECTIONS = 30;
    private static final int DOCUMENTS = 20;

    @TempDir
    Path dir;

    @Test
    void eachSmallCollectionCostsOneIndexListingAndOneCheckpointWrite() {
        Map<String, AtomicInteger> listIndexes = new ConcurrentHashMap<>();
        // command name -> collection -> how many times the source was sent it
        Map<String, Map<String, AtomicInteger>> sent = new ConcurrentHashMap<>();
        CommandListener listener = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                String name = event.getCommandName();
                if (name.equals("listIndexes")) {
                    listIndexes.computeIfAbsent(event.getCommand().getString("listIndexes").getValue(), k -> new AtomicInteger())
                            .incrementAndGet();
                }
                if (event.getCommand().isString(name)) {
                    sent.computeIfAbsent(name, k -> new ConcurrentHashMap<>())
                            .computeIfAbsent(event.getCommand().getString(name).getValue(), k -> new AtomicInteger()).incrementAndGet();
                }
            }
        };
        try (Servers source = Servers.start();
             Servers target = Servers.start();
             MongoClient watched = MongoClients.create(MongoClientSettings.builder()
                     .applyConnectionString(new ConnectionString(source.uri())).addCommandListener(listener).build())) {
            for (int c = 0; c < COLLECTIONS; c++) {
                List<BsonDocument> docs = new ArrayList<>();
                for (int i = 0; i < DOCUMENTS; i++) {
                    docs.add(new BsonDocument("_id", new BsonInt32(i)).append("sku", new BsonString("c" + c + "-" + i)));
                }
                source.insert("many", String.format("c%03d", c), docs);
            }
            // one collection with a unique and a plain index: both index steps have work, from one listing
            Mono.from(source.bson("many", "c000").createIndex(new BsonDocument("sku", new BsonInt32(1)), new IndexOptions().unique(true)))
                    .then(Mono.from(source.bson("many", "c000").createIndex(new BsonDocument("_id", new BsonInt32(1))
                            .append("sku", new BsonInt32(-1))))).block(TIMEOUT);
            CountingStore store = new CountingStore(CheckpointStore.files(dir.resolve("checkpoints")));

            MigrationResult result;
            try {
                result = MigrationEngine.create(MigrationSettings.builder(watched, source.uri(), target.client(), target.uri())
                        .sourceDatabase("many").targetDatabase("copy").checkpointDir(dir.resolve("checkpoints"))
                        // an interval shorter than the run: an unchanged (finished) checkpoint is still not rewritten
                        .checkpointInterval(Duration.ofMillis(100))
                        .build(), store).migrate().block(TIMEOUT);
            } finally {
                store.close();
            }

            assertThat(result.namespaces()).hasSize(COLLECTIONS)
                    .allSatisfy(ns -> assertThat(ns.documentsCopied()).isEqualTo(DOCUMENTS))
                    .allSatisfy(ns -> assertThat(ns.partitions()).isEqualTo(1));
            assertThat(listIndexes).as("one listIndexes per source collection").hasSize(COLLECTIONS)
                    .allSatisfy((collection, count) -> assertThat(count.get()).as(collection).isEqualTo(1));
            // planning a small collection: one collStats (documents and bytes), no separate count; the smallest and the
            // largest _id (one _id type: no $type probes), then the one cursor that copies it
            assertThat(sent.get("collStats")).as("one collStats per source collection").hasSize(COLLECTIONS)
                    .allSatisfy((collection, count) -> assertThat(count.get()).as(collection).isEqualTo(1));
            assertThat(sent).as("no count command: collStats has the count").doesNotContainKey("count");
            assertThat(sent.get("find")).as("finds per source collection").hasSize(COLLECTIONS)
                    .allSatisfy((collection, count) -> assertThat(count.get()).as(collection).isEqualTo(3));
            // One write when it is done. A tick of the interval may land between a collection's acknowledged batch and
            // its end (its progress is then written once more); every finished one used to be rewritten at every tick.
            assertThat(store.copyWrites).as("a checkpoint write per small collection").hasSize(COLLECTIONS)
                    .allSatisfy((ns, count) -> assertThat(count.get()).as(ns).isBetween(1, 2));
            assertThat(store.copyWrites.values().stream().mapToInt(AtomicInteger::get).sum()).isLessThanOrEqualTo(COLLECTIONS + 3);
            CheckpointStore stored = CheckpointStore.readOnly(dir.resolve("checkpoints"));
            for (int c = 0; c < COLLECTIONS; c++) {
                NamespaceCheckpoint cp = NamespaceCheckpoint.load(stored, new Namespace("many", String.format("c%03d", c))).orElseThrow();
                assertThat(cp.done()).isTrue();
                assertThat(cp.documents()).isEqualTo(DOCUMENTS);
            }
            List<String> targetIndexes = Flux.from(target.bson("copy", "c000").listIndexes(BsonDocument.class))
                    .map(spec -> spec.getString("name").getValue()).collectList().block(TIMEOUT);
            assertThat(targetIndexes).contains("sku_1", "_id_1_sku_-1");
            assertThat(target.count("copy", "c029")).isEqualTo(DOCUMENTS);
        }
    }

    /**
     * A namespace that takes long does not hold back the ones after it: the first collection's copy waits (up to a
     * minute) until every other one is done, which only happens when the others go ahead without it. When the
     * namespaces went through the copy in turn, the others waited behind the first one and this wait ran out.
     */
    @Test
    void aSlowNamespaceDoesNotHoldBackTheOthers() throws Exception {
        int collections = 24;
        java.util.concurrent.CountDownLatch othersDone = new java.util.concurrent.CountDownLatch(collections - 1);
        java.util.concurrent.atomic.AtomicBoolean othersFinishedFirst = new java.util.concurrent.atomic.AtomicBoolean();
        MigrationStrategy holdFirst = new MigrationStrategy() {
            @Override
            public String name() {
                return "hold-first";
            }

            @Override
            public boolean transformsDocuments() {
                return false;
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace source) {
                return List.of(document);
            }

            @Override
            public void beforeNamespace(Namespace source, Namespace target) {
                if (source.collection().equals("c000")) {
                    try {
                        othersFinishedFirst.set(othersDone.await(60, java.util.concurrent.TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }

            @Override
            public void afterNamespace(Namespace source, Namespace target) {
                if (!source.collection().equals("c000")) {
                    othersDone.countDown();
                }
            }
        };
        try (Servers source = Servers.start(); Servers target = Servers.start()) {
            for (int c = 0; c < collections; c++) {
                List<BsonDocument> docs = new ArrayList<>();
                for (int i = 0; i < DOCUMENTS; i++) {
                    docs.add(new BsonDocument("_id", new BsonInt32(i)));
                }
                source.insert("many", String.format("c%03d", c), docs);
            }
            MigrationResult result = MigrationEngine.create(MigrationSettings.builder(source.client(), source.uri(),
                            target.client(), target.uri())
                    .sourceDatabase("many").targetDatabase("copy").checkpointDir(dir.resolve("checkpoints"))
                    .strategy(holdFirst).build()).migrate().block(Duration.ofSeconds(120));

            assertThat(othersFinishedFirst).as("the other namespaces were copied while the first one waited").isTrue();
            // the results keep the namespaces' order, whatever order they finished in
            assertThat(result.namespaces()).extracting(ns -> ns.source().collection()).first().isEqualTo("c000");
            assertThat(result.namespaces()).extracting(ns -> ns.source().collection())
                    .isSortedAccordingTo(java.util.Comparator.naturalOrder()).hasSize(collections);
            assertThat(result.namespaces()).allSatisfy(ns -> assertThat(ns.documentsCopied()).isEqualTo(DOCUMENTS));
        }
    }

    /** A store that counts the copy records written per namespace. */
    private static final class CountingStore extends ForwardingCheckpointStore {
        final Map<String, AtomicInteger> copyWrites = new ConcurrentHashMap<>();

        CountingStore(CheckpointStore delegate) {
            super(delegate);
        }

        @Override
        public void write(Kind kind, Namespace source, BsonDocument record) {
            if (kind == Kind.COPY) {
                copyWrites.computeIfAbsent(source.toString(), k -> new AtomicInteger()).incrementAndGet();
            }
            delegate.write(kind, source, record);
        }
    }
}
