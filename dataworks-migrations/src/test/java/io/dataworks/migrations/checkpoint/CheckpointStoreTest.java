package io.dataworks.migrations.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
import org.bson.UuidRepresentation;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;

class CheckpointStoreTest {

    @TempDir
    Path dir;

    private static final List<BsonValue> IDS = List.of(
            new BsonInt32(7), new BsonInt64(1L << 40), new BsonDouble(2.5), new BsonDecimal128(Decimal128.parse("12345.6789")),
            new BsonString("order-1"), new BsonObjectId(new ObjectId()), new BsonDateTime(1_700_000_000_123L),
            new BsonBinary(UUID.randomUUID(), UuidRepresentation.STANDARD), new BsonBinary(BsonBinarySubType.BINARY, new byte[]{1, 2, 3}),
            new BsonTimestamp(1_700_000_000, 5), new BsonRegularExpression("^a.*", "i"), new BsonMinKey(), new BsonMaxKey(),
            new BsonDocument("tenant", new BsonString("t1")).append("n", new BsonInt32(1)));

    private NamespaceCheckpoint checkpointWithEveryIdType() {
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
        try (CheckpointStore store = CheckpointStore.files(dir)) {
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
            assertThat(Files.readString(dir.resolve("shop.orders.checkpoint.json"))).doesNotContain("mongodb://");
        }
        assertThat(Files.list(dir)).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("shop.orders.checkpoint.json", ".lock");
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
    void refusesAFileWhosePlanWasChanged() throws Exception {
        try (CheckpointStore store = CheckpointStore.files(dir)) {
            checkpointWithEveryIdType().saveTo(store);
            Path file = dir.resolve("shop.orders.checkpoint.json");
            Files.writeString(file, Files.readString(file).replace("\"sample\"", "\"splitVector\""), StandardCharsets.UTF_8);

            assertThatThrownBy(() -> NamespaceCheckpoint.load(store, new Namespace("shop", "orders")))
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("--fresh")
                    .hasMessageContaining("fingerprint");
        }
    }

    @Test
    void refusesACheckpointOfTheOlderFormat() throws Exception {
        try (CheckpointStore store = CheckpointStore.files(dir)) {
            Files.writeString(dir.resolve("shop.orders.checkpoint.json"), "{\"version\": 1, \"plan\": {}}");
            assertThatThrownBy(() -> NamespaceCheckpoint.load(store, new Namespace("shop", "orders")))
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("version 1")
                    .hasMessageContaining("--fresh");
        }
    }

    @Test
    void replacesTheFileWithoutLeavingTemporaryFiles() throws Exception {
        try (CheckpointStore store = CheckpointStore.files(dir)) {
            NamespaceCheckpoint checkpoint = checkpointWithEveryIdType();
            for (int i = 0; i < 5; i++) {
                checkpoint.saveTo(store);
            }
        }
        assertThat(Files.list(dir)).hasSize(2); // the record and the lock file
    }

    @Test
    void everyCollectionNameGetsAFileOfItsOwn() throws Exception {
        List<String> names = List.of("a b", "a_b", "a.b", "a%20b", "a^b", "é", "ü", "A", "a", "orders", "Orders", "a/b", "a\\b", "con",
                "x".repeat(250), "x".repeat(249) + "y");
        try (CheckpointStore store = CheckpointStore.files(dir)) {
            for (String name : names) {
                store.write(CheckpointStore.Kind.COPY, new Namespace("db", name), new BsonDocument("name", new BsonString(name)));
            }
            for (String name : names) {
                assertThat(store.read(CheckpointStore.Kind.COPY, new Namespace("db", name)).orElseThrow().getString("name").getValue())
                        .isEqualTo(name);
            }
        }
        try (var files = Files.list(dir)) {
            List<String> fileNames = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).toList();
            assertThat(fileNames).hasSize(names.size());
            // apart even where the file system ignores case
            assertThat(fileNames.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).distinct()).hasSize(names.size());
            assertThat(fileNames).allSatisfy(n -> assertThat(n.length()).isLessThanOrEqualTo(200));
        }
    }

    @Test
    void aSecondRunOnTheSameDirectoryIsRefused() {
        try (CheckpointStore first = CheckpointStore.files(dir)) {
            assertThatThrownBy(() -> CheckpointStore.files(dir))
                    .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                    .hasMessageContaining("in use by another run")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
            assertThat(CheckpointStore.readOnly(dir).read(CheckpointStore.Kind.COPY, new Namespace("db", "c"))).isEmpty();
        }
        CheckpointStore.files(dir).close(); // released: the next run gets it
    }

    @Test
    void aFinishedVerificationIsNeverResumedButAnInterruptedOneIs() {
        CheckpointHeader header = CheckpointHeader.of("src", "dst", new Namespace("db", "c"), new Namespace("db", "c"), "copy", "fp", null);
        try (CheckpointStore store = CheckpointStore.files(dir)) {
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
