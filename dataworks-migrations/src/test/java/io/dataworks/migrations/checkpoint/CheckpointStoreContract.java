package io.dataworks.migrations.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.NamespaceMapping;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;

/**
 * What every {@link CheckpointStore} must do, run against each implementation: {@link CheckpointStoreTest} (files) and
 * {@code MongoCheckpointStoreIT} (a MongoDB database on a real server).
 */
abstract class CheckpointStoreContract {

    /** The store a run uses: locked or leased until closed. */
    protected abstract CheckpointStore open();

    /** The same records, for reading only, without the lock or lease. */
    protected abstract CheckpointStore openReadOnly();

    static final List<BsonValue> IDS = List.of(
            new BsonInt32(7), new BsonInt64(1L << 40), new BsonDouble(2.5), new BsonDecimal128(Decimal128.parse("12345.6789")),
            new BsonString("order-1"), new BsonObjectId(new ObjectId()), new BsonDateTime(1_700_000_000_123L),
            new BsonBinary(UUID.randomUUID(), UuidRepresentation.STANDARD), new BsonBinary(BsonBinarySubType.BINARY, new byte[]{1, 2, 3}),
            new BsonTimestamp(1_700_000_000, 5), new BsonRegularExpression("^a.*", "i"), new BsonMinKey(), new BsonMaxKey(),
            new BsonDocument("tenant", new BsonString("t1")).append("n", new BsonInt32(1)));

    static NamespaceCheckpoint checkpointWithEveryIdType() {
        List<Partition> partitions = new ArrayList<>();
        for (int i = 0; i < IDS.size(); i++) {
            partitions.add(new Partition(i, i % 2 == 0 ? "number" : null, i == 0 ? null : IDS.get(i - 1), IDS.get(i)));
        }
        NamespacePlan plan = new NamespacePlan(new Namespace("shop", "orders"), new Namespace("shop2", "orders_v2"),
                1234, 56789, "sample", partitions);
        NamespaceCheckpoint checkpoint = NamespaceCheckpoint.start("mongodb://src:27017", "mongodb://dst:27017", "copy", plan);
        for (int i = 0; i < IDS.size(); i++) {
            checkpoint.partitions().get(i).acknowledge(0, IDS.get(i), i + 1, i + 2);
        }
        checkpoint.partitions().get(3).readComplete(1);
        return checkpoint;
    }

    @Test
    void roundTripsThroughItsStoredFormWithEveryIdType() throws Exception {
        NamespaceCheckpoint written = checkpointWithEveryIdType();
        try (CheckpointStore store = open()) {
            written.saveTo(store);
            NamespaceCheckpoint read = NamespaceCheckpoint.load(store, new Namespace("shop", "orders")).orElseThrow();
            assertThat(read.plan()).isEqualTo(written.plan());
            assertThat(read.fingerprint()).isEqualTo(written.fingerprint());
            assertThat(read.partitions()).extracting(PartitionProgress::state)
                    .containsExactlyElementsOf(written.partitions().stream().map(PartitionProgress::state).toList());
            assertThat(read.partitions().get(3).done()).isTrue();
            assertThat(read.targetDocuments()).isEqualTo(written.targetDocuments()).isPositive();
            assertThat(read.mismatch("mongodb://src:27017", "mongodb://dst:27017", new Namespace("shop2", "orders_v2"), "copy",
                    new BsonDocument(), null)).isNull();
            assertThat(store.read(CheckpointStore.Kind.COPY, new Namespace("shop", "orders")).orElseThrow().toJson())
                    .doesNotContain("mongodb://");
        }
    }

    @Test
    void namesWhatDiffers() {
        NamespaceCheckpoint checkpoint = checkpointWithEveryIdType().withTargetUuid("aaaa");
        assertThat(checkpoint.mismatch("mongodb://other:27017", "mongodb://dst:27017", new Namespace("shop", "orders"), "service-order",
                new BsonDocument("status", new BsonString("CLOSED")), "bbbb"))
                .contains("a different source deployment", "target shop2.orders_v2 (now shop.orders)", "strategy 'copy' (now 'service-order')",
                        "source filter {} (now {\"status\": \"CLOSED\"})", "UUID aaaa (now bbbb")
                .doesNotContain("target deployment");
        assertThat(checkpoint.mismatch("mongodb://src:27017", "mongodb://dst:27017", new Namespace("shop2", "orders_v2"), "copy",
                new BsonDocument(), null)).as("a UUID the server does not tell now is not a difference").isNull();
    }

    @Test
    void refusesARecordWhosePlanWasChanged() {
        try (CheckpointStore store = open()) {
            checkpointWithEveryIdType().saveTo(store);
            Namespace ns = new Namespace("shop", "orders");
            BsonDocument changed = store.read(CheckpointStore.Kind.COPY, ns).orElseThrow();
            changed.getDocument("plan").put("partitioner", new BsonString("splitVector"));
            store.write(CheckpointStore.Kind.COPY, ns, changed);

            assertThatThrownBy(() -> NamespaceCheckpoint.load(store, new Namespace("shop", "orders")))
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("--fresh")
                    .hasMessageContaining("fingerprint");
        }
    }

    @Test
    void refusesACheckpointOfTheOlderFormat() {
        try (CheckpointStore store = open()) {
            store.write(CheckpointStore.Kind.COPY, new Namespace("shop", "orders"), BsonDocument.parse("{\"version\": 1, \"plan\": {}}"));
            assertThatThrownBy(() -> NamespaceCheckpoint.load(store, new Namespace("shop", "orders")))
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("version 1")
                    .hasMessageContaining("--fresh");
        }
    }

    @Test
    void everyCollectionNameGetsARecordOfItsOwn() {
        List<String> names = List.of("a b", "a_b", "a.b", "a%20b", "a^b", "é", "ü", "A", "a", "orders", "Orders", "a/b", "a\\b", "con",
                "x".repeat(250), "x".repeat(249) + "y");
        try (CheckpointStore store = open()) {
            for (String name : names) {
                store.write(CheckpointStore.Kind.COPY, new Namespace("db", name), new BsonDocument("name", new BsonString(name)));
            }
            for (String name : names) {
                assertThat(store.read(CheckpointStore.Kind.COPY, new Namespace("db", name)).orElseThrow().getString("name").getValue())
                        .isEqualTo(name);
            }
        }
        try (CheckpointStore store = openReadOnly()) {
            for (String name : names) {
                assertThat(store.read(CheckpointStore.Kind.COPY, new Namespace("db", name)).orElseThrow().getString("name").getValue())
                        .isEqualTo(name);
                assertThat(store.read(CheckpointStore.Kind.VERIFY, new Namespace("db", name))).isEmpty();
            }
        }
    }

    @Test
    void aSecondRunOnTheSameStoreIsRefusedUntilTheFirstCloses() {
        try (CheckpointStore first = open()) {
            first.write(CheckpointStore.Kind.COPY, new Namespace("db", "c"), new BsonDocument("n", new BsonInt32(1)));
            assertThatThrownBy(this::open)
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("in use by another run")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            try (CheckpointStore reader = openReadOnly()) {
                assertThat(reader.read(CheckpointStore.Kind.COPY, new Namespace("db", "c"))).isPresent();
                assertThatThrownBy(() -> reader.write(CheckpointStore.Kind.COPY, new Namespace("db", "c"), new BsonDocument()))
                        .hasMessageContaining("read-only");
            }
        }
        try (CheckpointStore next = open()) { // released: the next run gets it
            assertThat(next.read(CheckpointStore.Kind.COPY, new Namespace("db", "c"))).isPresent();
        }
    }

    @Test
    void deleteForgetsOneNamespaceOnly() {
        Namespace a = new Namespace("db", "a");
        Namespace b = new Namespace("db", "a.b");
        try (CheckpointStore store = open()) {
            for (CheckpointStore.Kind kind : CheckpointStore.Kind.values()) {
                store.write(kind, a, new BsonDocument("kind", new BsonString(kind.label())));
                store.write(kind, b, new BsonDocument("kind", new BsonString(kind.label())));
            }
            assertThat(store.read(CheckpointStore.Kind.FOLLOW, a).orElseThrow().getString("kind").getValue()).isEqualTo("follow");
            store.delete(CheckpointStore.Kind.VERIFY, a);
            assertThat(store.read(CheckpointStore.Kind.VERIFY, a)).isEmpty();
            assertThat(store.read(CheckpointStore.Kind.COPY, a)).isPresent();
            store.delete(a);
            for (CheckpointStore.Kind kind : CheckpointStore.Kind.values()) {
                assertThat(store.read(kind, a)).isEmpty();
                assertThat(store.read(kind, b)).isPresent();
            }
        }
    }

    private static RawBsonDocument doc(BsonValue id) {
        BsonDocument doc = new BsonDocument("_id", id).append("payload", new BsonString("x"));
        return new RawBsonDocument(doc, new org.bson.codecs.BsonDocumentCodec());
    }

    @Test
    void deadLettersAreKeptOncePerIdAndNamespaceAndCountedAcrossRuns() {
        NamespaceMapping orders = new NamespaceMapping(new Namespace("shop", "orders"), new Namespace("shop2", "orders"));
        NamespaceMapping users = new NamespaceMapping(new Namespace("shop", "users"), new Namespace("shop2", "users"));
        try (CheckpointStore store = open(); DeadLetters letters = store.deadLetters(null)) {
            letters.load();
            assertThat(letters.write(orders, doc(new BsonInt32(1)), 10334, "too large")).isTrue();
            assertThat(letters.write(orders, doc(new BsonInt32(1)), 10334, "too large")).as("same _id, same namespace").isFalse();
            assertThat(letters.write(users, doc(new BsonInt32(1)), 121, "validation")).isTrue();
            assertThat(letters.write(orders, doc(new BsonString("1")), 121, "validation")).as("another _id type").isTrue();
            assertThat(letters.entries("shop.orders")).isEqualTo(2);
            assertThat(letters.written()).isEqualTo(3);
            assertThat(letters.alreadyThere()).isEqualTo(1);
            assertThat(letters.describe()).contains("dead-letter");
        }
        try (CheckpointStore store = open(); DeadLetters rerun = store.deadLetters(null)) {
            rerun.load();
            assertThat(rerun.entries("shop.orders")).as("an earlier run's entries count").isEqualTo(2);
            assertThat(rerun.entries("shop.users")).isEqualTo(1);
            assertThat(rerun.write(orders, doc(new BsonInt32(1)), 10334, "too large")).isFalse();
            assertThat(rerun.alreadyThere()).isEqualTo(1);

            assertThat(rerun.archive(Set.of("shop.orders"), Instant.parse("2026-11-30T12:00:00Z"))).as("--fresh").isPresent();
        }
        try (CheckpointStore store = open(); DeadLetters fresh = store.deadLetters(null)) {
            fresh.load();
            assertThat(fresh.entries("shop.orders")).as("set aside by --fresh").isZero();
            assertThat(fresh.entries("shop.users")).as("not reset").isEqualTo(1);
            assertThat(fresh.write(orders, doc(new BsonInt32(1)), 10334, "too large")).as("a new entry after --fresh").isTrue();
        }
    }

    @Test
    void aFinishedVerificationIsNeverResumedButAnInterruptedOneIs() {
        CheckpointHeader header = CheckpointHeader.of("src", "dst", new Namespace("db", "c"), new Namespace("db", "c"), "copy", "fp", null);
        try (CheckpointStore store = open()) {
            VerifyRecord interrupted = VerifyRecord.open(store, header, "hash", 4, true);
            interrupted.record(new VerifyRecord.Outcome(0, true, 10, 10, 0, 0, 0));
            interrupted.record(new VerifyRecord.Outcome(2, false, 10, 9, 1, 0, 0));

            VerifyRecord resumed = VerifyRecord.open(store, header, "hash", 4, true);
            assertThat(resumed.runId()).isEqualTo(interrupted.runId());
            assertThat(resumed.done()).containsOnlyKeys(0, 2);
            assertThat(resumed.resumedPartitions()).isEqualTo(2);
            resumed.finish();

            VerifyRecord next = VerifyRecord.open(store, header, "hash", 4, true);
            assertThat(next.runId()).as("a finished run is not reused").isNotEqualTo(interrupted.runId());
            assertThat(next.done()).isEmpty();

            next.record(new VerifyRecord.Outcome(1, true, 1, 1, 0, 0, 0));
            assertThat(VerifyRecord.open(store, header, "hash", 4, false).done()).as("--fresh").isEmpty();
            CheckpointHeader otherPlan = CheckpointHeader.of("src", "dst", header.source(), header.target(), "copy", "fp2", null);
            assertThat(VerifyRecord.open(store, otherPlan, "hash", 4, true).done()).isEmpty();
        }
    }
}
