package io.dataworks.migrations.endpoint;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;

import io.dataworks.core.error.ErrorClassification;
import io.dataworks.core.error.ErrorClassifier;
import io.dataworks.core.error.ErrorKind;
import io.dataworks.core.pacing.Pacer;
import io.dataworks.core.pacing.PacerStats;
import io.dataworks.migrations.ConcurrencyLimiter;
import reactor.core.publisher.Mono;

/**
 * How fast one server is sent work: the {@link Pacer} of its endpoint (a rate of documents per second learned from the
 * server's answers, see its control law) and a limit on requests in flight that follows the pacer's suggestion. Every
 * stage and worker that writes to (or reads batches from) the server shares it, so a copy, a verification and a
 * follow running against one Cosmos DB account share one budget. Thread-safe.
 *
 * <p>{@link #fixed(int)} is the switch-off ({@code --no-pacing}): no rate, a constant number of requests in flight.
 */
public final class Pacing {

    private final Pacer pacer;
    private final ConcurrencyLimiter inFlight;
    private final int maxInFlight;

    private Pacing(Pacer pacer, int maxInFlight) {
        this.pacer = pacer;
        this.maxInFlight = maxInFlight;
        this.inFlight = new ConcurrencyLimiter(pacer == null ? maxInFlight : Math.min(maxInFlight, pacer.inFlightLimit()));
    }

    /** A learned rate and at most {@code maxInFlight} requests in flight (fewer while the pacer says so). */
    public static Pacing adaptive(int maxInFlight) {
        return new Pacing(Pacer.builder().maxInFlight(maxInFlight).build(), maxInFlight);
    }

    /** A pacing of the given pacer (tests drive it with a virtual clock). */
    public static Pacing of(Pacer pacer, int maxInFlight) {
        return new Pacing(Objects.requireNonNull(pacer, "pacer"), maxInFlight);
    }

    /** No rate: {@code inFlight} requests in flight, whatever the server answers. */
    public static Pacing fixed(int inFlight) {
        return new Pacing(null, inFlight);
    }

    public boolean adaptive() {
        return pacer != null;
    }

    /**
     * {@code request}, carrying {@code units} documents, sent when a slot in flight is free and the rate lets
     * {@code units} through; its answer is told to the pacer: written in full, refused whole ({@code 16500}), or taken
     * in part (a bulk write whose documents were refused with {@code 16500} in part). The returned Mono ends as the
     * request does; retrying is the caller's (the endpoint's {@link Requests}), and each retry is paced again.
     */
    public <T> Mono<T> send(long units, Mono<T> request) {
        Objects.requireNonNull(request, "request");
        if (units <= 0) {
            return inFlight.withPermit(request);
        }
        return inFlight.withPermit(Mono.defer(() -> {
            Mono<Void> rate = pacer == null ? Mono.empty() : pacer.acquire(units);
            return rate.then(Mono.defer(() -> {
                long start = System.nanoTime();
                return request
                        .doOnSuccess(answer -> answered(units, null, start))
                        .doOnError(error -> answered(units, error, start));
            }));
        }));
    }

    /**
     * Tells the pacer of a batch read from the server (a cursor's batch of {@code units} documents that took
     * {@code latency}): cursors are not sent through {@link #send}, their batches are paced by {@link #acquire}.
     */
    public void read(long units, Duration latency) {
        if (pacer != null && units > 0) {
            pacer.onSuccess(units, latency);
        }
    }

    /** Waits until the rate lets {@code units} through (a cursor's next batch); immediate when not adaptive. */
    public Mono<Void> acquire(long units) {
        return pacer == null || units <= 0 ? Mono.empty() : pacer.acquire(units);
    }

    /** A read of about {@code units} documents refused whole by the server (a throttled {@code getMore}). */
    public void readRefused(long units, Throwable error) {
        readRefused(units, error, Duration.ZERO);
    }

    /**
     * A read of about {@code units} documents, asked for {@code age} ago, refused whole by the server: the age tells
     * the pacer whether it was asked for before or after its last cut.
     */
    public void readRefused(long units, Throwable error, Duration age) {
        ErrorClassification classified = ErrorClassifier.classify(error);
        if (pacer != null && units > 0 && classified.kind() == ErrorKind.THROTTLED) {
            pacer.onThrottled(units, units, classified.retryAfter().orElse(Duration.ZERO), age);
        }
    }

    private void answered(long units, Throwable error, long startNanos) {
        if (pacer == null) {
            return;
        }
        Duration latency = Duration.ofNanos(System.nanoTime() - startNanos);
        if (error == null) {
            pacer.onSuccess(units, latency);
        } else if (error instanceof PartlyWritten partly) {
            // a writer that sorted out the per-document errors and retries the rest (the copy's BatchWriter)
            takenInPart(units, partly.throttled(), ErrorClassifier.classify(partly).retryAfter().orElse(Duration.ZERO), latency);
        } else if (error instanceof MongoBulkWriteException bulk) {
            long refused = 0;
            Duration retryAfter = Duration.ZERO;
            for (BulkWriteError writeError : bulk.getWriteErrors()) {
                ErrorClassification classified = ErrorClassifier.classify(writeError);
                if (classified.kind() == ErrorKind.THROTTLED) {
                    refused++;
                    Optional<Duration> asked = classified.retryAfter();
                    if (asked.isPresent() && asked.get().compareTo(retryAfter) > 0) {
                        retryAfter = asked.get();
                    }
                }
            }
            takenInPart(units, refused, retryAfter, latency);
        } else {
            ErrorClassification classified = ErrorClassifier.classify(error);
            if (classified.kind() == ErrorKind.THROTTLED) {
                pacer.onThrottled(units, units, classified.retryAfter().orElse(Duration.ZERO), latency);
            }
            // other failures (transient, permanent) say nothing about the rate
        }
        int limit = Math.max(1, Math.min(maxInFlight, pacer.inFlightLimit()));
        if (limit != inFlight.limit()) {
            inFlight.setLimit(limit);
        }
    }

    /** A request of {@code units} the server answered in part: {@code throttled} of them refused for its budget. */
    private void takenInPart(long units, long throttled, Duration retryAfter, Duration latency) {
        if (throttled > 0) {
            pacer.onThrottled(Math.min(throttled, units), units, retryAfter, latency);
        } else {
            pacer.onSuccess(units, latency);
        }
    }

    /**
     * The most documents one request should carry: a quarter of a second of the learned rate, once the server pushed
     * back ({@code Long.MAX_VALUE} before, and when not adaptive). A Cosmos DB bucket holds one second of its budget:
     * a bulk insert that costs most of it is taken in part whenever another request got there first, so requests are
     * kept well below it.
     */
    public long maxUnitsPerRequest() {
        if (pacer == null) {
            return Long.MAX_VALUE;
        }
        double rate = pacer.rate();
        return rate >= PacingReport.UNPACED ? Long.MAX_VALUE : Math.max(1, (long) (rate * REQUEST_SECONDS));
    }

    /** Seconds of the learned rate one request may carry at most. */
    static final double REQUEST_SECONDS = 0.25;

    /** The pacer's state and counts; empty when not adaptive. */
    public Optional<PacerStats> stats() {
        return pacer == null ? Optional.empty() : Optional.of(pacer.stats());
    }

    /** Documents per second let through now; {@code NaN} when not adaptive. */
    public double rate() {
        return pacer == null ? Double.NaN : pacer.rate();
    }

    public int inFlightLimit() {
        return inFlight.limit();
    }

    public int inFlight() {
        return inFlight.inFlight();
    }

    @Override
    public String toString() {
        return pacer == null
                ? "fixed, " + inFlight.inFlight() + " of " + inFlight.limit() + " requests in flight"
                : "paced at " + Math.round(pacer.rate()) + " documents/s, " + inFlight.inFlight() + " of "
                        + inFlight.limit() + " requests in flight";
    }
}
