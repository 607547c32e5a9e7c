package io.dataworks.migrations.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.ServerAddress;

import io.micrometer.core.instrument.MockClock;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class AdaptiveConcurrencyLimiterTest {

    private final MockClock clock = new MockClock();
    private final Map<String, Double> gauges = new ConcurrentHashMap<>();

    private AdaptiveConcurrencyLimiter limiter(LimiterSettings settings) {
        return AdaptiveConcurrencyLimiter.create(settings, clock, gauges::put);
    }

    @Test
    void aBurstOfThrottlesHalvesTheLimitOncePerCooldown() {
        AdaptiveConcurrencyLimiter limiter = limiter(LimiterSettings.of(16, 16));

        for (int i = 0; i < 16; i++) {
            limiter.onThrottled();
        }
        assertThat(limiter.limit()).isEqualTo(8);
        assertThat(gauges).containsEntry("concurrency", 8.0);

        clock.add(999, TimeUnit.MILLISECONDS);
        limiter.onThrottled();
        assertThat(limiter.limit()).as("still inside the cooldown").isEqualTo(8);

        clock.add(1, TimeUnit.MILLISECONDS);
        limiter.onTimeout();
        assertThat(limiter.limit()).isEqualTo(4);
        for (int i = 0; i < 5; i++) {
            clock.add(1, TimeUnit.SECONDS);
            limiter.onThrottled();
        }
        assertThat(limiter.limit()).as("floor").isEqualTo(1);
        LimiterStats stats = limiter.stats();
        assertThat(stats.throttled()).isEqualTo(22);
        assertThat(stats.timeouts()).isEqualTo(1);
        assertThat(stats.decreases()).isEqualTo(4);
        assertThat(stats.series()).extracting(ConcurrencySample::limit).containsExactly(16, 8, 4, 2, 1);
    }

    @Test
    void successesRaiseTheLimitOneStepPerWindowUpToTheMaximum() {
        AdaptiveConcurrencyLimiter limiter = limiter(LimiterSettings.of(2, 5).withSuccessesPerIncrease(3));

        for (int i = 0; i < 2; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.limit()).isEqualTo(2);
        limiter.onSuccess();
        assertThat(limiter.limit()).as("3 successes at limit 2").isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.limit()).isEqualTo(4);
        for (int i = 0; i < 3; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.limit()).as("a window of 4 needs 4 successes").isEqualTo(4);
        limiter.onSuccess();
        assertThat(limiter.limit()).isEqualTo(5);
        for (int i = 0; i < 100; i++) {
            limiter.onSuccess();
        }
        assertThat(limiter.limit()).isEqualTo(5);
        assertThat(gauges).containsEntry("concurrency", 5.0);
    }

    @Test
    void aThrottleResetsTheSuccessStreak() {
        AdaptiveConcurrencyLimiter limiter = limiter(LimiterSettings.of(4, 8).withSuccessesPerIncrease(1));
        limiter.onSuccess();
        limiter.onSuccess();
        limiter.onSuccess();
        limiter.onThrottled();
        assertThat(limiter.limit()).isEqualTo(2);
        limiter.onSuccess();
        assertThat(limiter.limit()).isEqualTo(2);
        limiter.onSuccess();
        assertThat(limiter.limit()).isEqualTo(3);
    }

    @Test
    void permitsAreHandedOutFirstComeFirstServedWithoutBlocking() {
        AdaptiveConcurrencyLimiter limiter = limiter(LimiterSettings.of(2, 2));
        List<String> order = new ArrayList<>();
        List<Permit> held = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d")) {
            limiter.acquire().subscribe(p -> {
                order.add(name);
                held.add(p);
            });
        }
        assertThat(order).containsExactly("a", "b");
        assertThat(limiter.stats().waiting()).isEqualTo(2);

        held.get(0).release();
        held.get(0).release(); // twice is harmless
        assertThat(order).containsExactly("a", "b", "c");
        held.get(1).release();
        assertThat(order).containsExactly("a", "b", "c", "d");
        assertThat(limiter.stats().inFlight()).isEqualTo(2);
    }

    @Test
    void aLoweredLimitHoldsBackWaitersUntilEnoughPermitsCameBack() {
        AdaptiveConcurrencyLimiter limiter = limiter(LimiterSettings.of(4, 4));
        List<Permit> held = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            limiter.acquire().subscribe(held::add);
        }
        limiter.onThrottled();
        List<Permit> late = new ArrayList<>();
        limiter.acquire().subscribe(late::add);

        held.get(0).release();
        held.get(1).release();
        assertThat(late).as("2 still in flight, limit 2").isEmpty();
        held.get(2).release();
        assertThat(late).hasSize(1);
    }

    @Test
    void aCancelledWaiterGivesUpItsPlace() {
        AdaptiveConcurrencyLimiter limiter = limiter(LimiterSettings.of(1, 1));
        List<String> got = new ArrayList<>();
        List<Permit> held = new ArrayList<>();
        limiter.acquire().subscribe(held::add);
        Disposable cancelled = limiter.acquire().subscribe(p -> got.add("cancelled"));
        limiter.acquire().subscribe(p -> got.add("next"));
        cancelled.dispose();

        held.get(0).release();
        assertThat(got).containsExactly("next");
        assertThat(limiter.stats().waiting()).isZero();
    }

    @Test
    void runReleasesOnSuccessErrorAndCancelAndFeedsTheOutcomeBack() {
        AdaptiveConcurrencyLimiter limiter = limiter(LimiterSettings.of(4, 4).withSuccessesPerIncrease(100));

        assertThat(limiter.run(() -> Mono.just(1)).block()).isEqualTo(1);
        Mono<Integer> throttled = limiter.run(() -> Mono.error(throttledError()));
        assertThat(throttled.onErrorReturn(-1).block()).isEqualTo(-1);
        Sinks.One<Integer> never = Sinks.one();
        Disposable pending = limiter.run(never::asMono).subscribe();
        assertThat(limiter.stats().inFlight()).isEqualTo(1);
        pending.dispose();

        LimiterStats stats = limiter.stats();
        assertThat(stats.inFlight()).isZero();
        assertThat(stats.successes()).isEqualTo(1);
        assertThat(stats.throttled()).isEqualTo(1);
        assertThat(stats.limit()).isEqualTo(2);
    }

    @Test
    void theSeriesStaysBoundedAndKeepsTheLatestSample() {
        AdaptiveConcurrencyLimiter limiter = limiter(LimiterSettings.of(64, 64).withSuccessesPerIncrease(1)
                .withCooldown(Duration.ZERO).withSeriesCapacity(8));
        for (int i = 0; i < 50; i++) {
            clock.add(10, TimeUnit.MILLISECONDS);
            if (i % 2 == 0) {
                limiter.onThrottled();
            } else {
                for (int k = 0; k < 64; k++) {
                    limiter.onSuccess();
                }
            }
        }
        List<ConcurrencySample> series = limiter.stats().series();
        assertThat(series.size()).isLessThanOrEqualTo(8);
        assertThat(series.get(0).limit()).isEqualTo(64);
        assertThat(series.get(series.size() - 1).limit()).isEqualTo(limiter.limit());
        assertThat(series).isSortedAccordingTo((a, b) -> Long.compare(a.epochMillis(), b.epochMillis()));
    }

    @Test
    void theAimdRuleAloneDrivesAnotherLimiterInOrder() {
        List<Integer> applied = new ArrayList<>();
        AimdLimit aimd = AimdLimit.create(LimiterSettings.of(8, 10).withSuccessesPerIncrease(1), clock, gauges::put, applied::add);

        aimd.onError(throttledError());
        aimd.onError(new IllegalStateException("not about load"));
        for (int i = 0; i < 4 + 5; i++) {
            aimd.onSuccess();
        }
        clock.add(2, TimeUnit.SECONDS);
        aimd.onTimeout();

        assertThat(applied).containsExactly(4, 5, 6, 3);
        assertThat(aimd.stats().series()).extracting(ConcurrencySample::limit).containsExactly(8, 4, 5, 6, 3);
        assertThat(aimd.stats().toReportDetails()).containsEntry("throttled", 1L).containsEntry("timeouts", 1L);
    }

    @Test
    void onlyThrottlesAndTimeoutsCount() {
        assertThat(CongestionSignal.of(throttledError())).isEqualTo(CongestionSignal.THROTTLED);
        assertThat(CongestionSignal.of(new RuntimeException("wrapped", throttledError()))).isEqualTo(CongestionSignal.THROTTLED);
        assertThat(CongestionSignal.of(new MongoSocketReadTimeoutException("slow", new ServerAddress(), new java.io.IOException())))
                .isEqualTo(CongestionSignal.TIMEOUT);
        assertThat(CongestionSignal.of(commandError(50, "ExceededTimeLimit", "operation exceeded time limit")))
                .isEqualTo(CongestionSignal.TIMEOUT);
        assertThat(CongestionSignal.of(commandError(11000, "DuplicateKey", "E11000 duplicate key")))
                .isEqualTo(CongestionSignal.NONE);
    }

    static MongoCommandException throttledError() {
        return commandError(16500, "TooManyRequests", "Request rate is large. RetryAfterMs=12");
    }

    static MongoCommandException commandError(int code, String codeName, String message) {
        BsonDocument response = BsonDocument.parse(
                "{ok: 0, code: " + code + ", codeName: '" + codeName + "', errmsg: '" + message + "'}");
        return new MongoCommandException(response, new ServerAddress());
    }
}
