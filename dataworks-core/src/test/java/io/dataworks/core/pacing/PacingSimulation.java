package io.dataworks.core.pacing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.function.LongToDoubleFunction;

/**
 * A discrete-event simulation, in virtual time, of writers inserting batches into a throttling server: no threads,
 * no sleeping, the clock jumps from event to event. The pacer under test reads the same virtual clock.
 *
 * <p>Writers keep at most {@code inFlightLimit} requests in flight (the pacer's, or a fixed number), reserve each
 * request's units from the pacer (when there is one) and send when it says; the server decides at arrival (half the
 * round trip) and answers at the end of it; refused documents are retried after {@code RetryAfterMs} plus up to 5 ms of
 * jitter, through the pacer again. Nothing is lost: every document is eventually accepted.
 */
final class PacingSimulation {

    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;

    /** What the server does with a request of {@code units} documents arriving at {@code now}. */
    interface Server {
        /** Admitted documents (a prefix) and, if fewer than sent, the RetryAfterMs in nanoseconds. */
        long[] arrive(long now, int units);
    }

    /**
     * Cosmos DB's budget: a token bucket of documents per second ({@code budget.applyAsDouble(now)}, so it can step),
     * holding one second's worth; a request is written for the prefix the bucket covers; none covered: refused whole.
     * RetryAfterMs is the time until the bucket covers the refused part. Counts the budget it let go unused.
     */
    static final class BudgetServer implements Server {
        private final LongToDoubleFunction budget;
        private double tokens;
        private long last;
        double refilled;
        double wasted;

        BudgetServer(LongToDoubleFunction budget) {
            this.budget = budget;
            this.tokens = budget.applyAsDouble(0);
        }

        void advance(long now) {
            double rate = budget.applyAsDouble(now);
            double add = (now - last) * rate / SECOND;
            refilled += add;
            double filled = tokens + add;
            if (filled > rate) {
                wasted += filled - rate;
                filled = rate;
            }
            tokens = filled;
            last = now;
        }

        double tokens() {
            return tokens;
        }

        @Override
        public long[] arrive(long now, int units) {
            advance(now);
            long admitted = Math.min(units, (long) Math.floor(tokens));
            tokens -= admitted;
            if (admitted == units) {
                return new long[] {admitted, 0};
            }
            double rate = budget.applyAsDouble(now);
            double missing = Math.min(units - admitted, rate) - tokens;
            long retryAfterMs = Math.max(1, (long) Math.ceil(missing * 1000 / rate));
            return new long[] {admitted, retryAfterMs * MS};
        }
    }

    /** Refuses a random share of requests whole with a fixed RetryAfterMs, whatever the load; no budget. */
    static final class RandomServer implements Server {
        private final double share;
        private final long retryAfter;
        private final Random random;

        RandomServer(double share, Duration retryAfter, long seed) {
            this.share = share;
            this.retryAfter = retryAfter.toNanos();
            this.random = new Random(seed);
        }

        @Override
        public long[] arrive(long now, int units) {
            return random.nextDouble() < share ? new long[] {0, retryAfter} : new long[] {units, 0};
        }
    }

    private record Event(long at, long seq, Runnable action) {
    }

    private record Retry(long due, int units) {
    }

    private final Server server;
    private final Pacer pacer;
    private final int fixedInFlight;
    private final int batch;
    private final long meanLatency;
    private final Random random;
    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final Deque<Retry> retries = new ArrayDeque<>();
    private long seq;
    private long now;
    private long toSend;
    private int inFlight;

    // what happened, per request sent and per second
    final List<Long> sendTimes = new ArrayList<>();
    long requests;
    long throttledRequests;
    long accepted;
    long finishedAt = -1;
    private final long[] acceptedPerSecond;
    private final long[] requestsPerSecond;
    private final long[] throttledPerSecond;
    private final double[] wastedAt;
    private final double[] tokensAt;
    private final String[] pacerAt;

    /**
     * @param pacer         null: a fixed concurrency of {@code fixedInFlight}, no pacing
     * @param totalDocuments documents to write ({@code Long.MAX_VALUE}: for ever)
     */
    PacingSimulation(Server server, Pacer pacer, int fixedInFlight, int batch, Duration meanLatency, long totalDocuments,
                     long seed, int seconds) {
        this.server = server;
        this.pacer = pacer;
        this.fixedInFlight = fixedInFlight;
        this.batch = batch;
        this.meanLatency = meanLatency.toNanos();
        this.toSend = totalDocuments;
        this.random = new Random(seed);
        this.acceptedPerSecond = new long[seconds + 1];
        this.requestsPerSecond = new long[seconds + 1];
        this.throttledPerSecond = new long[seconds + 1];
        this.wastedAt = new double[seconds + 1];
        this.tokensAt = new double[seconds + 1];
        this.pacerAt = new String[seconds + 1];
    }

    /** The clock the pacer must read. */
    long now() {
        return now;
    }

    /** Runs until {@code seconds} of virtual time have passed or every document is written. */
    PacingSimulation run() {
        int seconds = acceptedPerSecond.length - 1;
        for (int s = 1; s <= seconds; s++) {
            long at = s * SECOND;
            int index = s;
            schedule(at, () -> sample(index));
        }
        schedule(0, this::dispatch);
        long end = seconds * SECOND;
        while (!events.isEmpty()) {
            Event event = events.poll();
            if (event.at > end) {
                break;
            }
            now = event.at;
            event.action.run();
            if (finishedAt < 0 && toSend == 0 && retries.isEmpty() && inFlight == 0) {
                finishedAt = now;
                break;
            }
        }
        return this;
    }

    private void sample(int second) {
        pacerAt[second] = pacer == null ? "" : pacer.stats().toString();
        if (server instanceof BudgetServer budget) {
            budget.advance(now);
            wastedAt[second] = budget.wasted;
            tokensAt[second] = budget.tokens();
        }
    }

    private void schedule(long at, Runnable action) {
        events.add(new Event(at, seq++, action));
    }

    private int limit() {
        return pacer == null ? fixedInFlight : pacer.inFlightLimit();
    }

    private void dispatch() {
        while (inFlight < limit()) {
            int units;
            Retry due = retries.peekFirst();
            if (due != null && due.due <= now) {
                retries.pollFirst();
                units = due.units;
            } else if (toSend > 0) {
                units = (int) Math.min(batch, toSend);
                toSend -= units;
            } else {
                if (due != null) {
                    schedule(due.due, this::dispatch);
                }
                return;
            }
            inFlight++;
            long wait = pacer == null ? 0 : pacer.reserve(units).toNanos();
            int sent = units;
            schedule(now + wait, () -> send(sent));
        }
    }

    private void send(int units) {
        sendTimes.add(now);
        requests++;
        requestsPerSecond[second(now)]++;
        // lognormal noise around the mean, now and then a slow one
        double factor = Math.exp(0.4 * random.nextGaussian() - 0.08);
        if (random.nextDouble() < 0.02) {
            factor *= 5;
        }
        long latency = Math.max(MS, (long) (meanLatency * factor));
        long arrival = now + latency / 2;
        schedule(arrival, () -> {
            long[] answer = server.arrive(now, units);
            schedule(arrival + (latency - latency / 2), () -> answered(units, answer[0], answer[1], latency));
        });
    }

    private void answered(int units, long admitted, long retryAfter, long latency) {
        inFlight--;
        accepted += admitted;
        acceptedPerSecond[second(now)] += admitted;
        if (admitted == units) {
            if (pacer != null) {
                pacer.onSuccess(units, Duration.ofNanos(latency));
            }
        } else {
            throttledRequests++;
            throttledPerSecond[second(now)]++;
            if (pacer != null) {
                pacer.onThrottled(units - admitted, units, Duration.ofNanos(retryAfter), Duration.ofNanos(latency));
            }
            long due = now + retryAfter + (long) (random.nextDouble() * 5 * MS);
            addRetry(new Retry(due, (int) (units - admitted)));
            schedule(due, this::dispatch);
        }
        dispatch();
    }

    private void addRetry(Retry retry) {
        // kept in due order; few are pending at once
        List<Retry> all = new ArrayList<>(retries);
        all.add(retry);
        all.sort((a, b) -> Long.compare(a.due, b.due));
        retries.clear();
        retries.addAll(all);
    }

    private int second(long at) {
        return (int) Math.min(acceptedPerSecond.length - 1, at / SECOND);
    }

    /** Budget use in [from, to) seconds: 1 - budget let go unused / budget refilled (needs a {@link BudgetServer}). */
    double budgetUse(int from, int to, LongToDoubleFunction budget) {
        double refill = 0;
        for (int s = from; s < to; s++) {
            refill += budget.applyAsDouble(s * SECOND + SECOND / 2);
        }
        double unused = wastedAt[to] - wastedAt[from] + (tokensAt[to] - tokensAt[from]);
        return 1 - unused / refill;
    }

    /** Documents accepted in [from, to) seconds over the budget of that time (the bucket's level makes it ±1 s). */
    double acceptedShare(int from, int to, LongToDoubleFunction budget) {
        double refill = 0;
        long sum = 0;
        for (int s = from; s < to; s++) {
            refill += budget.applyAsDouble(s * SECOND + SECOND / 2);
            sum += acceptedPerSecond[s];
        }
        return sum / refill;
    }

    double throttledShare(int from, int to) {
        long sent = 0;
        long throttled = 0;
        for (int s = from; s < to; s++) {
            sent += requestsPerSecond[s];
            throttled += throttledPerSecond[s];
        }
        return sent == 0 ? 0 : (double) throttled / sent;
    }

    /** The longest time between two sends, in nanoseconds. */
    long longestSilence() {
        long longest = 0;
        for (int i = 1; i < sendTimes.size(); i++) {
            longest = Math.max(longest, sendTimes.get(i) - sendTimes.get(i - 1));
        }
        return longest;
    }

    String perSecond() {
        StringBuilder out = new StringBuilder();
        for (int s = 0; s < acceptedPerSecond.length - 1; s++) {
            out.append(s).append(": ").append(acceptedPerSecond[s]).append(" docs, ").append(requestsPerSecond[s])
                    .append(" req, ").append(throttledPerSecond[s]).append(" throttled ").append(pacerAt[s + 1]).append('\n');
        }
        return out.toString();
    }
}
