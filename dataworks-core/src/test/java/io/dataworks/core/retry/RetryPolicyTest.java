package io.dataworks.core.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoSocketReadException;
import com.mongodb.MongoWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteError;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.error.ErrorClassification;
import io.dataworks.core.error.ErrorClassifier;
import io.dataworks.core.error.ErrorKind;
import io.dataworks.core.error.RetriesExhaustedException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The policy's timing under virtual time: no test here sleeps. */
class RetryPolicyTest {

    private static final ServerAddress SERVER = new ServerAddress("127.0.0.1", 27017);

    private static final RetryConfig NO_JITTER =
            new RetryConfig(5, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMinutes(1), 0.0);

    private final List<Retried> retries = new CopyOnWriteArrayList<>();
    private final RetryListener recorder = (kind, attempt, delay) -> retries.add(new Retried(kind, attempt, delay));
    private final AtomicInteger subscriptions = new AtomicInteger();

    record Retried(ErrorKind kind, long attempt, Duration delay) {
    }

    static MongoCommandException throttled(long retryAfterMs) {
        return new MongoCommandException(new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(16500))
                .append("codeName", new BsonString("TooManyRequests"))
                .append("errmsg", new BsonString("Error=16500, RetryAfterMs=" + retryAfterMs + ", Details='Request rate is large'")),
                SERVER);
    }

    static MongoSocketReadException transientError() {
        return new MongoSocketReadException("Prematurely reached end of stream", SERVER);
    }

    /** Fails with {@code error} the first {@code failures} times it is subscribed, then emits "ok". */
    private Mono<String> failing(int failures, Throwable error) {
        return Mono.defer(() -> subscriptions.incrementAndGet() <= failures ? Mono.error(error) : Mono.just("ok"));
    }

    @Test
    void throttledWaitsAtLeastRetryAfterMs() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER.withJitter(0.5), recorder);

        StepVerifier.withVirtualTime(() -> policy.apply(failing(2, throttled(500))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1000)) // two waits of >= 500 ms each, though the backoff is 100 ms
                .thenAwait(Duration.ofMillis(500))      // each at most 500 * 1.5
                .expectNext("ok")
                .verifyComplete();

        assertThat(subscriptions).hasValue(3);
        assertThat(retries).extracting(Retried::kind).containsExactly(ErrorKind.THROTTLED, ErrorKind.THROTTLED);
        assertThat(retries).extracting(Retried::attempt).containsExactly(1L, 2L);
        assertThat(retries).allSatisfy(r -> assertThat(r.delay()).isBetween(Duration.ofMillis(500), Duration.ofMillis(750)));
    }

    @Test
    void throttledWaitsWhatTheServerSaysNotAnExponentialBackoff() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER, recorder);

        StepVerifier.withVirtualTime(() -> policy.apply(failing(4, throttled(150))))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(4 * 150 - 1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .verifyComplete();

        // RetryAfterMs=150 every time: not 150, 200, 400, 800 as the back-off would have it
        assertThat(retries).extracting(r -> r.delay().toMillis()).containsExactly(150L, 150L, 150L, 150L);
    }

    @Test
    void aServerGivenWaitGetsAtMostTenPercentJitter() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER.withJitter(0.5), recorder);
        ErrorClassification throttled = ErrorClassifier.classify(throttled(200));
        assertThat(policy.delay(throttled, 5, 0.999)).isBetween(Duration.ofMillis(200), Duration.ofMillis(220));
        assertThat(policy.delay(throttled, 5, 0.0)).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void transientBacksOffExponentiallyUpToMaxBackoff() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER, recorder);

        StepVerifier.withVirtualTime(() -> policy.apply(failing(5, transientError())))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(100 + 200 + 400 + 800 + 1000 - 1))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("ok")
                .verifyComplete();

        assertThat(retries).extracting(r -> r.delay().toMillis()).containsExactly(100L, 200L, 400L, 800L, 1000L);
        assertThat(retries).extracting(Retried::kind).containsOnly(ErrorKind.TRANSIENT);
    }

    @Test
    void jitterOnlyAddsToTheBackoff() {
        RetryPolicy policy = RetryPolicy.of(NO_JITTER.withJitter(0.5));
        for (long retry = 1; retry <= 5; retry++) {
            Duration base = policy.backoff(retry);
            for (double random : new double[] {0.0, 0.5, 0.999}) {
                Duration d = policy.delay(io.dataworks.core.error.ErrorClassifier.classify(transientError()), retry, random);
                assertThat(d).isBetween(base, base.plus(base.dividedBy(2)));
            }
        }
        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(60)).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.backoff(Long.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void stopsAfterMaxAttempts() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER.withMaxAttempts(3), recorder);
        MongoSocketReadException last = transientError();

        StepVerifier.withVirtualTime(() -> policy.apply(failing(Integer.MAX_VALUE, last)))
                .expectSubscription()
                .thenAwait(Duration.ofMinutes(1))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(RetriesExhaustedException.class).isInstanceOf(DataWorksException.class)
                            .hasMessageStartingWith("gave up after 4 attempts (maxAttempts 3 reached): TRANSIENT")
                            .hasCause(last);
                    assertThat(((DataWorksException) e).exitCode()).isEqualTo(ExitCode.FAILED);
                    assertThat(((RetriesExhaustedException) e).attempts()).isEqualTo(4);
                })
                .verify();

        assertThat(subscriptions).hasValue(4);
        assertThat(retries).hasSize(3);
    }

    @Test
    void stopsWhenTheNextWaitWouldPassMaxTotalWait() {
        RetryConfig config = new RetryConfig(100, Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofSeconds(5), 0);
        RetryPolicy policy = new RetryPolicy(config, recorder);

        StepVerifier.withVirtualTime(() -> policy.apply(failing(Integer.MAX_VALUE, transientError())))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(3))  // waits 1 s + 2 s; a third wait of 4 s would make 7 s > 5 s
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RetriesExhaustedException.class)
                        .hasMessageContaining("gave up after 3 attempts (maxTotalWait 5000 ms reached)"))
                .verify();

        assertThat(retries).extracting(r -> r.delay().toSeconds()).containsExactly(1L, 2L);
    }

    @Test
    void longRetryAfterIsHonouredAndStillCountsAgainstTheTotalWait() {
        RetryConfig config = NO_JITTER.withMaxTotalWait(Duration.ofSeconds(90));
        RetryPolicy policy = new RetryPolicy(config, recorder);

        StepVerifier.withVirtualTime(() -> policy.apply(failing(Integer.MAX_VALUE, throttled(60_000))))
                .expectSubscription()
                .expectNoEvent(Duration.ofSeconds(60))
                .expectErrorMessage("gave up after 2 attempts (maxTotalWait 90000 ms reached): THROTTLED (code 16500, "
                        + "retry after 60000 ms): Error=16500, RetryAfterMs=60000, Details='Request rate is large'")
                .verify(Duration.ofSeconds(5));
        assertThat(retries).hasSize(1);
    }

    @Test
    void permanentAndDuplicateKeyFailuresAreNotRetried() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER, recorder);
        MongoWriteException duplicate = new MongoWriteException(new WriteError(11000, "E11000 duplicate key", new BsonDocument()), SERVER, java.util.Set.of());
        IllegalStateException bug = new IllegalStateException("bug");

        StepVerifier.create(policy.apply(failing(1, duplicate))).expectErrorSatisfies(e -> assertThat(e).isSameAs(duplicate)).verify();
        StepVerifier.create(policy.apply(failing(2, bug))).expectErrorSatisfies(e -> assertThat(e).isSameAs(bug)).verify();

        assertThat(subscriptions).hasValue(2);
        assertThat(retries).isEmpty();
    }

    @Test
    void zeroMaxAttemptsNeverRetries() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER.withMaxAttempts(0), recorder);
        StepVerifier.create(policy.apply(failing(1, transientError())))
                .expectErrorMessage("gave up after 1 attempts (maxAttempts 0 reached): TRANSIENT: "
                        + "MongoSocketReadException: Prematurely reached end of stream")
                .verify();
        assertThat(retries).isEmpty();
    }

    @Test
    void eachSubscriptionHasItsOwnBudget() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER.withMaxAttempts(2), recorder);
        reactor.util.retry.Retry retry = policy.toRetry();
        AtomicInteger calls = new AtomicInteger();
        Mono<String> twoFailuresEach = Mono.defer(() -> calls.incrementAndGet() % 3 != 0 ? Mono.error(transientError()) : Mono.just("ok"));

        StepVerifier.withVirtualTime(() -> twoFailuresEach.retryWhen(retry).then(twoFailuresEach.retryWhen(retry)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(5))
                .expectNext("ok")
                .verifyComplete();
        assertThat(retries).extracting(Retried::attempt).containsExactly(1L, 2L, 1L, 2L);
    }

    @Test
    void fluxStartsCountingAgainAfterProgress() {
        RetryPolicy policy = new RetryPolicy(NO_JITTER.withMaxAttempts(1), recorder);
        AtomicInteger calls = new AtomicInteger();
        // every subscription emits one element, then fails; three rounds then completes
        Flux<Integer> cursor = Flux.defer(() -> {
            int n = calls.incrementAndGet();
            return n <= 3 ? Flux.just(n).concatWith(Flux.error(transientError())) : Flux.just(n);
        });

        StepVerifier.withVirtualTime(() -> policy.apply(cursor))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(5))
                .expectNext(1, 2, 3, 4)
                .verifyComplete();
        assertThat(retries).extracting(Retried::attempt).containsExactly(1L, 1L, 1L);
    }

    @Test
    void listenersChainAndPolicyIsCopyOnWrite() {
        AtomicInteger other = new AtomicInteger();
        RetryPolicy base = RetryPolicy.of(NO_JITTER);
        RetryPolicy withListener = base.withListener(recorder.andThen((k, a, d) -> other.incrementAndGet()));
        assertThat(base.listener()).isSameAs(RetryListener.NONE);
        assertThat(withListener.withConfig(NO_JITTER.withMaxAttempts(9)).config().maxAttempts()).isEqualTo(9);
        assertThat(withListener.config()).isEqualTo(NO_JITTER);

        StepVerifier.withVirtualTime(() -> withListener.apply(failing(2, transientError())))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext("ok")
                .verifyComplete();
        assertThat(retries).hasSize(2);
        assertThat(other).hasValue(2);
    }
}
