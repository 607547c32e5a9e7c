package io.dataworks.migrations.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.MongoSocketReadException;

import io.dataworks.core.pacing.PacerStats;
import reactor.core.publisher.Mono;

class PacingTest {

    private static final String THROTTLED = "Request rate is large. More Request Units may be needed, so no changes were made. "
            + "Please retry this request later. Learn more: http://aka.ms/request-rate-too-large RetryAfterMs=20";

    @Test
    void aBulkWriteTakenInPartTellsThePacerHowManyDocumentsWereRefused() {
        Pacing pacing = Pacing.adaptive(8);
        List<BulkWriteError> errors = new ArrayList<>();
        for (int i = 6; i < 10; i++) {
            errors.add(new BulkWriteError(16500, THROTTLED, new BsonDocument(), i));
        }
        MongoBulkWriteException partial = new MongoBulkWriteException(BulkWriteResult.acknowledged(6, 0, 0, 0, List.of(), List.of()),
                errors, null, new ServerAddress(), java.util.Set.of());

        pacing.send(10, Mono.error(partial)).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(5));

        PacerStats stats = pacing.stats().orElseThrow();
        assertThat(stats.answers()).isEqualTo(1);
        assertThat(stats.throttledAnswers()).isEqualTo(1);
        assertThat(stats.sentUnits()).isEqualTo(10);
        assertThat(stats.refusedUnits()).isEqualTo(4);
    }

    @Test
    void aWriteTheWriterReportsAsPartlyWrittenIsTakenInPartNotRefusedWhole() {
        // what the copy's BatchWriter answers after sorting out a bulk write's document errors: the pacer must see the
        // six documents written, or every partial write of a Cosmos DB budget looks like a whole refusal
        Pacing pacing = Pacing.adaptive(8);

        pacing.send(10, Mono.error(new PartlyWritten(16500, THROTTLED, 4))).onErrorResume(e -> Mono.empty())
                .block(Duration.ofSeconds(5));
        pacing.send(10, Mono.error(new PartlyWritten(11600, "interrupted at shutdown", 0))).onErrorResume(e -> Mono.empty())
                .block(Duration.ofSeconds(5));

        PacerStats stats = pacing.stats().orElseThrow();
        assertThat(stats.answers()).isEqualTo(2);
        assertThat(stats.throttledAnswers()).as("only the throttled one").isEqualTo(1);
        assertThat(stats.sentUnits()).isEqualTo(20);
        assertThat(stats.refusedUnits()).isEqualTo(4);
    }

    @Test
    void aRequestRefusedWholeCountsAllItsDocumentsAndOtherFailuresNone() {
        Pacing pacing = Pacing.adaptive(8);
        MongoCommandException refused = new MongoCommandException(new BsonDocument("ok", new org.bson.BsonInt32(0))
                .append("code", new org.bson.BsonInt32(16500)).append("errmsg", new org.bson.BsonString(THROTTLED)), new ServerAddress());

        pacing.send(50, Mono.error(refused)).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(5));
        pacing.send(50, Mono.error(new MongoSocketReadException("reset", new ServerAddress()))).onErrorResume(e -> Mono.empty())
                .block(Duration.ofSeconds(5));
        pacing.send(30, Mono.just("ok")).block(Duration.ofSeconds(5));

        PacerStats stats = pacing.stats().orElseThrow();
        assertThat(stats.answers()).as("the dropped connection says nothing about the rate").isEqualTo(2);
        assertThat(stats.throttledAnswers()).isEqualTo(1);
        assertThat(stats.sentUnits()).isEqualTo(80);
        assertThat(stats.refusedUnits()).isEqualTo(50);
    }

    @Test
    void aFixedPacingKeepsItsLimitWhateverTheServerAnswers() {
        Pacing pacing = Pacing.fixed(3);
        MongoCommandException refused = new MongoCommandException(new BsonDocument("ok", new org.bson.BsonInt32(0))
                .append("code", new org.bson.BsonInt32(16500)).append("errmsg", new org.bson.BsonString(THROTTLED)), new ServerAddress());
        for (int i = 0; i < 20; i++) {
            pacing.send(10, Mono.error(refused)).onErrorResume(e -> Mono.empty()).block(Duration.ofSeconds(5));
        }
        assertThat(pacing.adaptive()).isFalse();
        assertThat(pacing.stats()).isEmpty();
        assertThat(pacing.inFlightLimit()).isEqualTo(3);
        assertThat(pacing.acquire(1_000_000).block(Duration.ofSeconds(1))).as("no rate to wait for").isNull();
    }

    @Test
    void neverMoreRequestsInFlightThanTheLimit() {
        Pacing pacing = Pacing.fixed(2);
        java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger most = new java.util.concurrent.atomic.AtomicInteger();
        reactor.core.publisher.Flux.range(0, 20)
                .flatMap(i -> pacing.send(1, Mono.defer(() -> {
                    most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    return Mono.delay(Duration.ofMillis(5)).then(Mono.fromRunnable(inFlight::decrementAndGet));
                })), 10)
                .blockLast(Duration.ofSeconds(10));
        assertThat(most.get()).isEqualTo(2);
    }
}
