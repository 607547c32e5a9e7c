package io.dataworks.core.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class WriteBudgetTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final WriteBudget budget = new WriteBudget(1000, nanos::get);

    private void advanceMillis(long ms) {
        nanos.addAndGet(ms * 1_000_000L);
    }

    @Test
    void admitsOneSecondsWorthAtOnceThenRefusesUntilItRefills() {
        assertThat(budget.tryAcquire(600)).isZero();
        assertThat(budget.tryAcquire(400)).isZero();
        // empty: 1 document short of positive at 1000/s
        assertThat(budget.tryAcquire(100)).isEqualTo(1);
        advanceMillis(50); // 50 documents back
        assertThat(budget.tryAcquire(100)).isZero();
    }

    @Test
    void aLargeRequestGoesIntoDebtAndTheRetryAfterSaysHowLong() {
        assertThat(budget.tryAcquire(3000)).isZero(); // a batch bigger than the budget still passes once
        assertThat(budget.tryAcquire(1)).isEqualTo(2001);   // 2000 in debt + 1 at 1000 per second
        advanceMillis(2001);
        assertThat(budget.tryAcquire(1)).isZero();
    }

    @Test
    void neverHoldsMoreThanOneSecondsWorth() {
        advanceMillis(60_000);
        assertThat(budget.tryAcquire(1000)).isZero();
        assertThat(budget.tryAcquire(1)).isPositive();
    }

    @Test
    void rateCanChangeAtRunTime() {
        budget.tryAcquire(1000);
        budget.setRate(10);
        assertThat(budget.rate()).isEqualTo(10);
        assertThat(budget.tryAcquire(1)).isEqualTo(100); // 1 document at 10 per second
        assertThatThrownBy(() -> budget.setRate(0)).hasMessageContaining("writeBudget");
    }

    @Test
    void countsTheStatementsOfAWriteCommandWithoutLookingAtThem() {
        de.bwaldvogel.mongo.bson.Document insert = new de.bwaldvogel.mongo.bson.Document("insert", "c");
        insert.put("documents", java.util.List.of(1, 2, 3));
        assertThat(ThrottlingMemoryBackend.documentCount("insert", insert)).isEqualTo(3);
        assertThat(ThrottlingMemoryBackend.documentCount("findAndModify", new de.bwaldvogel.mongo.bson.Document())).isEqualTo(1);
    }
}
