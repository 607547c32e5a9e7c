package io.dataworks.migrations.endpoint;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.retry.RetryListener;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.Namespace;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One side of a migration (the source or the target) as every stage sees it: the driver client, the retry policy
 * every request goes through ({@link #requests()}: throttled requests wait the server's {@code RetryAfterMs},
 * transient failures back off), and the scheduler for blocking work (file I/O, checkpoints, plug-in code), which must
 * never run on the driver's callback threads. One per side per run, shared by all stages; thread-safe.
 *
 * <p>Work sent to the server is paced ({@link #pacing()}): a rate learned from its throttling answers and a limit on
 * requests in flight, shared by every stage, so stages running at once share one budget.
 *
 * <p>Every retry is counted in the metrics ({@code retries} by kind) and reported: a WARN at the first retry and then
 * at most one every {@value #WARN_EVERY_SECONDS} seconds, with the count since the last, so that a dead or
 * throttling server is visible long before the retry budget runs out.
 */
public final class Endpoint {

    private static final Logger LOG = LoggerFactory.getLogger(Endpoint.class);
    static final long WARN_EVERY_SECONDS = 10;

    private final String side;
    private final MongoClient client;
    private final RetryPolicy retry;
    private final Requests requests;
    private final Pacing pacing;
    private final AtomicLong retriesSinceWarn = new AtomicLong();
    private final AtomicLong lastWarnNanos = new AtomicLong(Long.MIN_VALUE);

    private Endpoint(String side, MongoClient client, RetryPolicy policy, MetricsCollector metrics, Duration requestTimeout,
                     Pacing pacing) {
        this.side = Objects.requireNonNull(side, "side");
        this.pacing = Objects.requireNonNull(pacing, "pacing");
        this.client = Objects.requireNonNull(client, "client");
        Objects.requireNonNull(metrics, "metrics");
        RetryListener given = policy.listener();
        this.retry = policy.withListener((kind, attempt, delay) -> {
            metrics.retry(kind.name().toLowerCase(Locale.ROOT));
            warn(kind.name(), attempt, delay);
            given.onRetry(kind, attempt, delay);
        });
        Requests retrying = Requests.retrying(retry);
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        // a single request (a command, a count, a lookup) unanswered for requestTimeout is abandoned and retried as a
        // transient failure; cursors are not timed this way (a slow consumer is not a slow server)
        this.requests = new Requests() {
            @Override
            public <T> reactor.core.publisher.Mono<T> mono(reactor.core.publisher.Mono<T> request) {
                return retrying.mono(reactor.core.publisher.Mono.defer(() -> request).timeout(requestTimeout));
            }

            @Override
            public <T> reactor.core.publisher.Mono<T> paced(java.util.function.LongSupplier units,
                                                            reactor.core.publisher.Mono<T> request) {
                // the timeout is the request's own: waiting for the pacer is not the server being slow
                return retrying.mono(reactor.core.publisher.Mono.defer(() -> pacing.send(units.getAsLong(),
                        reactor.core.publisher.Mono.defer(() -> request).timeout(requestTimeout))));
            }

            @Override
            public long documentsPerRequest() {
                return pacing.maxUnitsPerRequest();
            }

            @Override
            public <T> reactor.core.publisher.Flux<T> flux(reactor.core.publisher.Flux<T> request) {
                return retrying.flux(request);
            }

            @Override
            public <T extends org.bson.BsonDocument> reactor.core.publisher.Flux<T> pacedSortedById(
                    java.util.function.Function<org.bson.BsonValue, org.reactivestreams.Publisher<T>> open) {
                if (!pacing.adaptive()) {
                    return sortedById(open);
                }
                return reactor.core.publisher.Flux.defer(() -> {
                    java.util.concurrent.atomic.AtomicLong read = new java.util.concurrent.atomic.AtomicLong();
                    return sortedById(after -> reactor.core.publisher.Flux.from(open.apply(after))
                            .doOnError(error -> pacing.readRefused(READ_PACE_DOCUMENTS, error)))
                            .delayUntil(document -> {
                                if (read.incrementAndGet() % READ_PACE_DOCUMENTS != 0) {
                                    return reactor.core.publisher.Mono.empty();
                                }
                                pacing.read(READ_PACE_DOCUMENTS, Duration.ZERO);
                                return pacing.acquire(READ_PACE_DOCUMENTS);
                            });
                });
            }
        };
    }

    /**
     * @param side    {@code source} or {@code target}, for messages
     * @param policy  the retry policy (its listener is still told of every retry)
     * @param metrics where retries are counted
     * @param requestTimeout how long one request may go unanswered before it is abandoned and retried
     * @param pacing  how fast this server is sent work, shared by every stage
     */
    public static Endpoint of(String side, MongoClient client, RetryPolicy policy, MetricsCollector metrics,
                              Duration requestTimeout, Pacing pacing) {
        return new Endpoint(side, client, Objects.requireNonNull(policy, "policy"), metrics, requestTimeout, pacing);
    }

    private void warn(String kind, long attempt, Duration delay) {
        long since = retriesSinceWarn.incrementAndGet();
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if ((last == Long.MIN_VALUE || now - last >= Duration.ofSeconds(WARN_EVERY_SECONDS).toNanos())
                && lastWarnNanos.compareAndSet(last, now)) {
            retriesSinceWarn.addAndGet(-since);
            LOG.warn("{}: request failed ({}), retrying in {} ms (attempt {} of this request; {} retr{} on the {} since the last "
                    + "warning)", side, kind, delay.toMillis(), attempt, since, since == 1 ? "y" : "ies", side);
        }
    }

    public String side() {
        return side;
    }

    public MongoClient client() {
        return client;
    }

    /** The retry policy with this endpoint's counting and warnings, for operators that need a Reactor {@code Retry}. */
    public RetryPolicy retryPolicy() {
        return retry;
    }

    /** How every stage sends requests to this server. */
    public Requests requests() {
        return requests;
    }

    /** The pacing of this server: every write (and every cursor batch) of every stage goes through it. */
    public Pacing pacing() {
        return pacing;
    }

    /** Where blocking work of the stages using this endpoint runs (never the driver's threads). */
    public Scheduler blocking() {
        return Schedulers.boundedElastic();
    }

    /** A collection of raw BSON documents. */
    public MongoCollection<RawBsonDocument> collection(Namespace ns) {
        return client.getDatabase(ns.database()).getCollection(ns.collection(), RawBsonDocument.class);
    }

    @Override
    public String toString() {
        return "Endpoint[" + side + "]";
    }
}
