package io.dataworks.migrations.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;

/**
 * Partition records: what executors of a distributed copy write per partition beside the copy record, and how the copy
 * record takes them in.
 */
class PartitionRecordsTest {

    private static final Namespace ORDERS = new Namespace("shop", "orders");
    private static final Namespace OTHER = new Namespace("shop", "orders.partition-1");

    @TempDir
    Path dir;

    private static NamespacePlan plan() {
        return new NamespacePlan(ORDERS, ORDERS, 300, 3000, "test", List.of(
                new Partition(0, null, null, new BsonInt32(100)),
                new Partition(1, null, new BsonInt32(100), new BsonInt32(200)),
                new Partition(2, null, new BsonInt32(200), null)));
    }

    @Test
    void eachPartitionKeepsItsOwnRecordAndTheCopyRecordTakesThemIn() {
        NamespacePlan plan = plan();
        NamespaceCheckpoint start = NamespaceCheckpoint.start("src", "dst", "copy", plan);
        String fingerprint = start.header().planFingerprint();
        try (CheckpointStore store = CheckpointStore.files(dir)) {
            start.saveTo(store);
            // two "executors" update different partitions of the namespace; neither overwrites the other
            store.writePartition(ORDERS, fingerprint, new PartitionState(0, new BsonInt32(99), 100, 100, true));
            store.writePartition(ORDERS, fingerprint, new PartitionState(2, new BsonInt32(250), 50, 50, false));

            NamespaceCheckpoint loaded = NamespaceCheckpoint.load(store, ORDERS).orElseThrow();
            assertThat(loaded.partitions()).extracting(PartitionProgress::state).containsExactly(
                    new PartitionState(0, new BsonInt32(99), 100, 100, true),
                    new PartitionState(1, null, 0, 0, false),
                    new PartitionState(2, new BsonInt32(250), 50, 50, false));
            assertThat(loaded.documents()).isEqualTo(150);
        }
    }

    @Test
    void aRecordNeverGoesBack() {
        String fingerprint = NamespaceCheckpoint.fingerprintOf(plan());
        try (CheckpointStore store = CheckpointStore.files(dir)) {
            store.writePartition(ORDERS, fingerprint, new PartitionState(1, new BsonInt32(150), 50, 50, false));
            // an attempt that was given up, still writing an earlier state
            store.writePartition(ORDERS, fingerprint, new PartitionState(1, new BsonInt32(120), 20, 20, false));
            assertThat(store.readPartitions(ORDERS, fingerprint).get(1).documents()).isEqualTo(50);

            store.writePartition(ORDERS, fingerprint, new PartitionState(1, new BsonInt32(199), 100, 100, true));
            store.writePartition(ORDERS, fingerprint, new PartitionState(1, new BsonInt32(199), 100, 100, false));
            assertThat(store.readPartitions(ORDERS, fingerprint).get(1).done()).isTrue();
        }
    }

    @Test
    void recordsOfAnotherPlanOrNamespaceAreLeftOutAndDeletingTheCopyRecordDeletesThem() throws Exception {
        String fingerprint = NamespaceCheckpoint.fingerprintOf(plan());
        try (CheckpointStore store = CheckpointStore.files(dir)) {
            store.writePartition(ORDERS, fingerprint, new PartitionState(0, new BsonString("a"), 1, 1, false));
            store.writePartition(ORDERS, "another-plan", new PartitionState(1, new BsonString("b"), 1, 1, false));
            // a namespace whose name looks like a partition file of another one
            store.writePartition(OTHER, fingerprint, new PartitionState(2, new BsonString("c"), 1, 1, false));

            assertThat(store.readPartitions(ORDERS, fingerprint)).containsOnlyKeys(0);
            assertThat(store.readPartitions(OTHER, fingerprint)).containsOnlyKeys(2);

            store.delete(CheckpointStore.Kind.COPY, ORDERS);
            assertThat(store.readPartitions(ORDERS, fingerprint)).isEmpty();
            assertThat(store.readPartitions(ORDERS, "another-plan")).isEmpty();
            assertThat(store.readPartitions(OTHER, fingerprint)).containsOnlyKeys(2);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.contains("partition"))).hasSize(1);
        }
    }
}
