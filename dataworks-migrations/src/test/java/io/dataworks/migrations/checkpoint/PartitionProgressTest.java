package io.dataworks.migrations.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;

import io.dataworks.migrations.plan.Partition;

class PartitionProgressTest {

    @Test
    void advancesOnlyOverContiguouslyAcknowledgedBatches() {
        PartitionProgress progress = PartitionProgress.start(Partition.fullRange(0));
        progress.acknowledge(1, new BsonInt32(20), 10, 10);
        progress.acknowledge(2, new BsonInt32(30), 10, 10);
        assertThat(progress.lastId()).isNull();
        progress.acknowledge(0, new BsonInt32(10), 10, 10);
        assertThat(progress.lastId()).isEqualTo(new BsonInt32(30));
        assertThat(progress.documents()).isEqualTo(30);
        progress.acknowledge(4, new BsonInt32(50), 10, 10);
        assertThat(progress.lastId()).isEqualTo(new BsonInt32(30));
        progress.readComplete(5);
        assertThat(progress.done()).isFalse();
        progress.acknowledge(3, new BsonInt32(40), 10, 10);
        assertThat(progress.lastId()).isEqualTo(new BsonInt32(50));
        assertThat(progress.done()).isTrue();
    }

    @Test
    void anEmptyPartitionIsDoneWhenReadCompletes() {
        PartitionProgress progress = PartitionProgress.start(Partition.fullRange(0));
        progress.readComplete(0);
        assertThat(progress.done()).isTrue();
    }

    @Test
    void aBatchCannotBeAcknowledgedTwice() {
        PartitionProgress progress = PartitionProgress.start(Partition.fullRange(0));
        progress.acknowledge(0, new BsonInt32(1), 1, 1);
        assertThatThrownBy(() -> progress.acknowledge(0, new BsonInt32(1), 1, 1)).isInstanceOf(IllegalStateException.class);
    }
}
