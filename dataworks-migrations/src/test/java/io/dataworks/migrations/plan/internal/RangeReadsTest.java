package io.dataworks.migrations.plan.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import io.dataworks.migrations.plan.internal.SourceInspector.RangeReads;

/** What the planner reads from an {@code explain} answer: whether an {@code _id} range costs an index scan or a collection scan. */
class RangeReadsTest {

    private static RangeReads of(String json) {
        return SourceInspector.rangeReadsOf(BsonDocument.parse(json));
    }

    @Test
    void anIndexScanUnderAFetchIsIndexed() {
        assertThat(of("""
                {queryPlanner: {winningPlan: {stage: 'FETCH', inputStage: {stage: 'IXSCAN', indexName: '_id_'}}}, ok: 1}"""))
                .isEqualTo(RangeReads.INDEX);
    }

    @Test
    void aCollectionScanWithAnInMemorySortIsAScan() {
        assertThat(of("""
                {queryPlanner: {winningPlan: {stage: 'SORT', inputStage: {stage: 'COLLSCAN', direction: 'forward'}}}, ok: 1}"""))
                .isEqualTo(RangeReads.COLLECTION_SCAN);
    }

    @Test
    void theSlotBasedEnginesPlanShapeIsReadToo() {
        assertThat(of("""
                {queryPlanner: {winningPlan: {queryPlan: {stage: 'FETCH', inputStage: {stage: 'IXSCAN'}}, slotBasedPlan: {}}}}"""))
                .isEqualTo(RangeReads.INDEX);
        assertThat(of("""
                {queryPlanner: {winningPlan: {queryPlan: {stage: 'COLLSCAN'}, slotBasedPlan: {}}}}"""))
                .isEqualTo(RangeReads.COLLECTION_SCAN);
    }

    @Test
    void clusteredAndExpressScansAreIndexed() {
        assertThat(of("{queryPlanner: {winningPlan: {stage: 'CLUSTERED_IXSCAN'}}}")).isEqualTo(RangeReads.INDEX);
        assertThat(of("{queryPlanner: {winningPlan: {stage: 'EXPRESS_IXSCAN'}}}")).isEqualTo(RangeReads.INDEX);
        assertThat(of("{queryPlanner: {winningPlan: {stage: 'IDHACK'}}}")).isEqualTo(RangeReads.INDEX);
        // a clustered collection's range read: a collection scan bounded by the range
        assertThat(of("{queryPlanner: {winningPlan: {stage: 'COLLSCAN', minRecord: 5, maxRecord: 9, direction: 'forward'}}}"))
                .isEqualTo(RangeReads.INDEX);
    }

    @Test
    void aShardedPlanWithOneCollectionScanningShardIsIndexedWhereverAnyShardUsesTheIndex() {
        // mongos nests each shard's plan under shards[]; one shard's index scan is enough to say ranges are indexed
        assertThat(of("""
                {queryPlanner: {winningPlan: {stage: 'SHARD_MERGE_SORT', shards: [
                    {winningPlan: {stage: 'FETCH', inputStage: {stage: 'IXSCAN'}}},
                    {winningPlan: {stage: 'COLLSCAN'}}]}}}"""))
                .isEqualTo(RangeReads.INDEX);
    }

    @Test
    void anAnswerInAFormatNotRecognisedGetsTheBenefitOfTheDoubt() {
        assertThat(of("{ok: 1, explainVersion: '1', command: {find: 'c'}}")).isEqualTo(RangeReads.INDEX);
        assertThat(of("{queryPlanner: {winningPlan: {stage: '$query', indexUsage: 'unknown'}}}")).isEqualTo(RangeReads.INDEX);
    }
}
