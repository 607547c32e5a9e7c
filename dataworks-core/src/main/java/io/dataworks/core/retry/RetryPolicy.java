package io.dataworks.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.error.ErrorClassification;
import io.dataworks.core.error.ErrorClassifier;
import io.dataworks.core.error.ErrorKind;
import io.dataworks.core.error.RetriesExhaustedException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.retry.Retry;

/**
 * The one retry policy for every MongoDB request. Immutable; {@code withX} returns a copy.
 *
 * <ul>
 * <li>Only {@link ErrorKind#retryable() retryable} failures are retried (classified by {@link ErrorClassifier});
 * any other failure propagates at once, unchanged.</li>
 * <li>Retry {@code n} (from 1) waits {@code backoff(n) = min(maxBackoff, initialBackoff * 2^(n-1))}, plus up to
 * {@code jitter * wait}. A {@code THROTTLED} failure that says when to come back ({@code RetryAfterMs}, Cosmos DB)
 * waits exactly that, plus at most 10 % jitter, not a back-off the server did not ask for; a wait is never shorter
 * than what the server asked for.</li>
 * <li>After {@code maxAttempts} retries in a row (retries after a {@code RetryAfterMs} do not count: a throttling
 * server is not failing, it says when it has room), or when the next wait would take the waits of the request
 * past {@code maxTotalWait}, the request fails with {@link RetriesExhaustedException}
 * ({@code DataWorksException}, exit code FAILED, "gave up after N attempts (...)", cause = last failure).</li>
 * <li>Every retry is reported to the {@link RetryListener} before the wait.</li>
 * <li>Waits run on {@link Schedulers#parallel()}, so {@code StepVerifier.withVirtualTime} controls them.</li>
 * </ul>
 *
 * "In a row": for a {@link Flux} that emits between failures (a long cursor, a change stream) the count and the
 * total wait start again after each successful emission; for a {@link Mono} that is the whole request.
 *
 * @param config   limits and backoff
 * @param listener told about each retry
 */
public record RetryPolicy(RetryConfig config, RetryListener listener) {

    public RetryPolicy {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(listener, "listener");
    }

    /** The policy of {@code config}, reporting to nobody. */
    public static RetryPolicy of(RetryConfig config) {
        return new RetryPolicy(config, RetryListener.NONE);
    }

    public RetryPolicy withListener(RetryListener value) {
        return new RetryPolicy(config, value);
    }

    public RetryPolicy withConfig(RetryConfig value) {
        return new RetryPolicy(value, listener);
    }

    /** {@code mono} resubscribed on retryable failures as described in the class comment. */
    public <T> Mono<T> apply(Mono<T> mono) {
        Objects.requireNonNull(mono, "mono");
        return mono.retryWhen(toRetry());
    }

    /** {@code flux} resubscribed on retryable failures; it starts over from its beginning each time. */
    public <T> Flux<T> apply(Flux<T> flux) {
        Objects.requireNonNull(flux, "flux");
        return flux.retryWhen(toRetry());
    }

    /** The policy as a Reactor {@link Retry}; each subscription keeps its own count and total wait. */
    public Retry toRetry() {
        return Retry.from(signals -> {
            // per subscription; retry signals arrive one at a time
            long[] waitedNanos = {0};
            long[] counted = {0};
            return signals.concatMap(signal -> {
                Throwable failure = signal.failure();
                ErrorClassification error = ErrorClassifier.classify(failure);
                if (!error.retryable()) {
                    return Mono.error(failure);
                }
                long inARow = signal.totalRetriesInARow();
                if (inARow == 0) {
                    waitedNanos[0] = 0;
                    counted[0] = 0;
                }
                long retry = inARow + 1;
                int attemptsMade = (int) Math.min(Integer.MAX_VALUE, retry);
                // a server that says when to come back (RetryAfterMs) is not failing: such retries are bounded by
                // maxTotalWait only, so a long stretch of throttling under a small budget does not exhaust maxAttempts
                boolean serverSaidWhen = error.kind() == ErrorKind.THROTTLED && error.retryAfter().isPresent();
                if (!serverSaidWhen && ++counted[0] > config.maxAttempts()) {
                    return Mono.error(new RetriesExhaustedException(attemptsMade, "maxAttempts " + config.maxAttempts(),
                            error, failure));
                }
                Duration delay = delay(error, retry, ThreadLocalRandom.current().nextDouble());
                long total = saturatedAdd(waitedNanos[0], delay.toNanos());
                if (total > config.maxTotalWait().toNanos()) {
                    return Mono.error(new RetriesExhaustedException(attemptsMade,
                            "maxTotalWait " + config.maxTotalWait().toMillis() + " ms", error, failure));
                }
                waitedNanos[0] = total;
                listener.onRetry(error.kind(), retry, delay);
                return Mono.delay(delay, Schedulers.parallel()).thenReturn(retry);
            });
        });
    }

    /** The wait before retry {@code retry} (from 1) after {@code error}; {@code random} in [0, 1) scales the jitter. */
    Duration delay(ErrorClassification error, long retry, double random) {
        if (error.kind() == ErrorKind.THROTTLED && error.retryAfter().isPresent()) {
            // the server said when: wait that long, plus a little jitter so that refused writers do not return together
            Duration wait = error.retryAfter().get();
            return wait.plusNanos((long) (wait.toNanos() * Math.min(config.jitter(), SERVER_WAIT_JITTER) * random));
        }
        Duration wait = backoff(retry);
        long jitterNanos = (long) (wait.toNanos() * config.jitter() * random);
        return wait.plusNanos(jitterNanos);
    }

    /** At most this share of a server-given {@code RetryAfterMs} is added as jitter. */
    static final double SERVER_WAIT_JITTER = 0.1;

    /** {@code min(maxBackoff, initialBackoff * 2^(retry-1))}, without overflow. */
    Duration backoff(long retry) {
        Duration max = config.maxBackoff();
        Duration wait = config.initialBackoff();
        for (long i = 1; i < retry && wait.compareTo(max) < 0 && !wait.isZero(); i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(max) > 0 ? max : wait;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
