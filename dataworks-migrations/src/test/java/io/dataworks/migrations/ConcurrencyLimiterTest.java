package io.dataworks.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class ConcurrencyLimiterTest {

    @Test
    void neverLetsMoreThanTheLimitRunAtOnce() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(3);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Flux.range(0, 200)
                .flatMap(i -> limiter.withPermit(Mono.fromCallable(() -> peak.accumulateAndGet(running.incrementAndGet(), Math::max))
                        .delayElement(Duration.ofMillis(1))
                        .map(v -> running.decrementAndGet())), 50)
                .blockLast(Duration.ofSeconds(30));
        assertThat(peak.get()).isEqualTo(3);
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void loweringTheLimitWaitsForReleasesAndRaisingItGrantsWaitersAtOnce() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(2);
        Sinks.Empty<Void> gate = Sinks.empty();
        AtomicInteger started = new AtomicInteger();
        Disposable work = Flux.range(0, 6)
                .flatMap(i -> limiter.withPermit(Mono.fromRunnable(started::incrementAndGet).then(gate.asMono())), 6)
                .subscribe();
        assertThat(started.get()).isEqualTo(2);

        limiter.setLimit(1);               // AIMD's decrease: nothing new starts, nothing running is interrupted
        assertThat(started.get()).isEqualTo(2);
        assertThat(limiter.inFlight()).isEqualTo(2);

        limiter.setLimit(5);               // increase: waiters start at once
        assertThat(started.get()).isEqualTo(5);
        assertThat(limiter.limit()).isEqualTo(5);
        work.dispose();
        assertThat(limiter.inFlight()).isZero();
    }

    @Test
    void aCancelledWaiterGivesUpItsPlace() {
        ConcurrencyLimiter limiter = new ConcurrencyLimiter(1);
        limiter.acquire().block();
        Disposable waiting = limiter.acquire().subscribe();
        waiting.dispose();
        limiter.release();
        assertThat(limiter.inFlight()).isZero();
        assertThat(limiter.acquire().block()).isEqualTo(ConcurrencyLimiter.Permit.INSTANCE);
    }

    @Test
    void rejectsANonPositiveLimit() {
        assertThatThrownBy(() -> new ConcurrencyLimiter(0)).hasMessageContaining("limit must be > 0");
        assertThatThrownBy(() -> new ConcurrencyLimiter(1).setLimit(-1)).hasMessageContaining("limit must be > 0");
    }
}
