package io.dataworks.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class CosmosBudgetTest {

    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final CosmosBudget budget = new CosmosBudget(100, nanos::get);

    private void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    private static double[] costs(int n, double each) {
        double[] costs = new double[n];
        Arrays.fill(costs, each);
        return costs;
    }

    @Test
    void admitsTheLongestCoveredPrefixAndSaysWhenTheRestIsCovered() {
        CosmosBudget.Admission first = budget.admitPrefix(costs(30, 5));
        assertThat(first.admitted()).isEqualTo(20);
        assertThat(first.retryAfterMs()).isEqualTo(500); // 50 RU at 100 RU/s
        assertThat(budget.tokens()).isZero();
        advanceMillis(499);
        assertThat(budget.admitPrefix(costs(10, 5)).admitted()).isEqualTo(9);
        advanceMillis(50);
        assertThat(budget.admitPrefix(costs(1, 5))).isEqualTo(new CosmosBudget.Admission(1, 0));
    }

    @Test
    void aRequestLargerThanTheBucketPassesWhenTheBucketIsFullAndWaitsOtherwise() {
        CosmosBudget.Admission partial = budget.admitPrefix(new double[] {10, 250});
        assertThat(partial.admitted()).isEqualTo(1);
        assertThat(partial.retryAfterMs()).as("until the bucket is full: 10 RU").isEqualTo(100);
        advanceMillis(100);
        assertThat(budget.admitPrefix(new double[] {250}).admitted()).isEqualTo(1);
        assertThat(budget.tokens()).isEqualTo(-150);
    }

    @Test
    void readsRunWhileTheBucketHoldsTheirMinimumAndAreChargedAfterwards() {
        assertThat(budget.admitRead(1)).isZero();
        budget.charge(130);
        assertThat(budget.admitRead(1)).isEqualTo(310); // from -30 to 1 at 100 RU/s
        advanceMillis(310);
        assertThat(budget.admitRead(1)).isZero();
    }

    @Test
    void refillsToOneSecondsWorthAtMostAndFollowsRateChanges() {
        budget.charge(100);
        advanceMillis(10_000);
        assertThat(budget.tokens()).isEqualTo(100);
        assertThat(budget.unused()).as("9 s of budget found the bucket full").isEqualTo(900);
        budget.setRate(40);
        assertThat(budget.tokens()).isEqualTo(40);
        assertThat(budget.rate()).isEqualTo(40);
        assertThatThrownBy(() -> budget.setRate(0)).hasMessageContaining("cosmosBudget");
    }
}
