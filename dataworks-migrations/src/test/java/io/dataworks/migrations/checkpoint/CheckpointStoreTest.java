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
            checkpoint.partitions().get(i).acknowledge(0, IDS.get(i), i + 1);
        }
        checkpoint.partitions().get(3).readComplete(1);
        return checkpoint;
    }

    @Test
    void roundTripsThroughItsStoredFormWithEveryIdType() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        NamespaceCheckpoint written = checkpointWithEveryIdType();
        store.save(written);

        NamespaceCheckpoint read = store.load(new Namespace("shop", "orders")).orElseThrow();
        assertThat(read.plan()).isEqualTo(written.plan());
        assertThat(read.fingerprint()).isEqualTo(written.fingerprint());
        assertThat(read.partitions()).extracting(PartitionProgress::state)
                .containsExactlyElementsOf(written.partitions().stream().map(PartitionProgress::state).toList());
        assertThat(read.partitions().get(3).done()).isTrue();
        assertThat(read.mismatch("mongodb://src:27017", "mongodb://dst:27017", new Namespace("shop2", "orders_v2"), "copy",
                new BsonDocument())).isNull();
        assertThat(Files.list(dir)).extracting(p -> p.getFileName().toString()).containsExactly("shop.orders.checkpoint.json");
        assertThat(Files.readString(store.fileFor(new Namespace("shop", "orders")))).doesNotContain("mongodb://");
    }

    @Test
    void namesWhatDiffers() {
        NamespaceCheckpoint checkpoint = checkpointWithEveryIdType();
        assertThat(checkpoint.mismatch("mongodb://other:27017", "mongodb://dst:27017", new Namespace("shop", "orders"), "service-order",
                new BsonDocument("status", new BsonString("CLOSED"))))
                .contains("a different source deployment", "target shop2.orders_v2 (now shop.orders)", "strategy 'copy' (now 'service-order')",
                        "source filter {} (now {\"status\": \"CLOSED\"})")
                .doesNotContain("target deployment");
    }

    @Test
    void refusesAFileWhosePlanWasChanged() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        store.save(checkpointWithEveryIdType());
        Path file = store.fileFor(new Namespace("shop", "orders"));
        Files.writeString(file, Files.readString(file).replace("\"sample\"", "\"splitVector\""), StandardCharsets.UTF_8);

        assertThatThrownBy(() -> store.load(new Namespace("shop", "orders")))
                .isInstanceOfSatisfying(DataWorksException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE))
                .hasMessageContaining("--fresh")
                .hasMessageContaining("fingerprint");
    }

    @Test
    void replacesTheFileWithoutLeavingTemporaryFiles() throws Exception {
        CheckpointStore store = new CheckpointStore(dir);
        NamespaceCheckpoint checkpoint = checkpointWithEveryIdType();
        for (int i = 0; i < 5; i++) {
            store.save(checkpoint);
        }
        assertThat(Files.list(dir)).hasSize(1);
    }
}
