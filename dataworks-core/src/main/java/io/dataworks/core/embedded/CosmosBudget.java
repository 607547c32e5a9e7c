package io.dataworks.core.embedded;

import java.util.function.LongSupplier;

/**
 * Cosmos DB's provisioned throughput: a token bucket of request units refilled at {@code ruPerSecond} and holding at
 * most one second's worth.
 *
 * <ul>
 *   <li>A write names the cost of each of its documents; the longest prefix the bucket covers is admitted and
 *       charged, the rest is refused with the time until the bucket covers the rest ({@code RetryAfterMs}). A request
 *       whose first document alone costs more than the bucket can ever hold passes once the bucket is full, into
 *       debt, so that nothing is refused forever.</li>
 *   <li>A read is admitted while the bucket holds its minimum charge and is charged afterwards by what it returned
 *       (possibly into debt, as Cosmos DB charges a query after the fact); while the bucket is in debt reads are
 *       refused with the time until it is not.</li>
 * </ul>
 *
 * "Time until the bucket covers X" is {@code (min(X, capacity) - tokens) / rate}, rounded up to whole milliseconds and
 * at least 1: a client that waits that long and sends the same request finds it covered, unless others spent the
 * budget first.
 *
 * <p>Thread-safe; one short critical section per request.
 */
final class CosmosBudget {

    private static final double NANOS_PER_SECOND = 1e9;

    private final LongSupplier nanoClock;
    private double ruPerSecond;
    private double tokens;
    private long lastRefill;
    private double unused;

    /** How much of a write was admitted (and charged), and when the rest can pass; 0 when all passed. */
    record Admission(int admitted, long retryAfterMs) {
    }

    /** Starts full. */
    CosmosBudget(double ruPerSecond, LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.lastRefill = nanoClock.getAsLong();
        this.ruPerSecond = checkRate(ruPerSecond);
        this.tokens = ruPerSecond;
    }

    synchronized Admission admitPrefix(double[] costs) {
        refill();
        int admitted = 0;
        double charged = 0;
        while (admitted < costs.length
                && (charged + costs[admitted] <= tokens || (admitted == 0 && tokens >= ruPerSecond))) {
            charged += costs[admitted];
            admitted++;
        }
        tokens -= charged;
        if (admitted == costs.length) {
            return new Admission(admitted, 0);
        }
        double rest = 0;
        for (int i = admitted; i < costs.length; i++) {
            rest += costs[i];
        }
        return new Admission(admitted, millisUntilCovered(rest));
    }

    /** 0 when a read may run now (charge it with {@link #charge(double)} afterwards), else the RetryAfterMs. */
    synchronized long admitRead(double minimum) {
        refill();
        return tokens >= minimum ? 0 : millisUntilCovered(minimum);
    }

    synchronized void charge(double requestUnits) {
        refill();
        tokens -= requestUnits;
    }

    synchronized void setRate(double ruPerSecond) {
        refill();
        this.ruPerSecond = checkRate(ruPerSecond);
        this.tokens = Math.min(tokens, ruPerSecond);
    }

    synchronized double rate() {
        return ruPerSecond;
    }

    /** Request units the bucket let go because it was full: throughput nobody used. */
    synchronized double unused() {
        refill();
        return unused;
    }

    synchronized double tokens() {
        refill();
        return tokens;
    }

    private long millisUntilCovered(double cost) {
        double missing = Math.min(cost, ruPerSecond) - tokens;
        return Math.max(1, (long) Math.ceil(missing * 1000.0 / ruPerSecond));
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        long elapsed = now - lastRefill;
        if (elapsed > 0) {
            double filled = tokens + elapsed * ruPerSecond / NANOS_PER_SECOND;
            if (filled > ruPerSecond) {
                unused += filled - ruPerSecond;
                filled = ruPerSecond;
            }
            tokens = filled;
            lastRefill = now;
        }
    }

    private static double checkRate(double ruPerSecond) {
        if (!(ruPerSecond > 0) || Double.isInfinite(ruPerSecond)) {
            throw new IllegalArgumentException("cosmosBudget must be > 0 RU per second, was " + ruPerSecond);
        }
        return ruPerSecond;
    }
}
