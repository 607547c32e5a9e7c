package io.dataworks.migrations.throttle;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.function.ObjDoubleConsumer;

import io.micrometer.core.instrument.Clock;

/**
 * The AIMD rule on its own, for a limiter that already exists (the engine's write limiter): it turns
 * feedback about requests into a limit and tells {@code onChange} whenever the limit moves.
 *
 * <ul>
 *   <li>{@link #onThrottled()} / {@link #onTimeout()}: limit × {@code decreaseFactor} (floor {@code minLimit}),
 *       at most once per {@code cooldown}: the requests that were in flight together fail together, and
 *       that is one congestion signal, not {@code limit} of them.</li>
 *   <li>{@link #onSuccess()}: +1 after {@code max(successesPerIncrease, limit)} consecutive successes (about
 *       one full window per step), up to {@code maxLimit}.</li>
 * </ul>
 *
 * Thread-safe. {@code onChange} and the gauge are called while the limit's lock is held, so they see the
 * changes in order; they must be quick and must not wait for another thread that calls into this object.
 */
public final class AimdLimit {

    private final LimiterSettings settings;
    private final Clock clock;
    private final ObjDoubleConsumer<String> gauges;
    private final IntConsumer onChange;
    private final long cooldownNanos;

    private final Object lock = new Object();
    private final List<ConcurrencySample> series = new ArrayList<>();
    private int limit;
    private int successStreak;
    private boolean decreasedBefore;
    private long lastDecreaseNanos;
    private int minSeen;
    private int maxSeen;
    private long successes;
    private long throttled;
    private long timeouts;
    private long decreases;
    private long increases;

    private AimdLimit(LimiterSettings settings, Clock clock, ObjDoubleConsumer<String> gauges, IntConsumer onChange) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.gauges = Objects.requireNonNull(gauges, "gauges");
        this.onChange = Objects.requireNonNull(onChange, "onChange");
        this.cooldownNanos = settings.cooldown().toNanos();
        this.limit = settings.initialLimit();
        this.minSeen = limit;
        this.maxSeen = limit;
        series.add(new ConcurrencySample(clock.wallTime(), limit));
        gauges.accept(settings.gaugeName(), limit);
    }

    /**
     * @param gauges   receives {@code (settings.gaugeName(), limit)} whenever the limit changes; pass {@code metricsCollector::gauge}
     * @param onChange receives every new limit, e.g. {@code engine.writeConcurrency()::setLimit}
     */
    public static AimdLimit create(LimiterSettings settings, Clock clock, ObjDoubleConsumer<String> gauges, IntConsumer onChange) {
        return new AimdLimit(settings, clock, gauges, onChange);
    }

    public LimiterSettings settings() {
        return settings;
    }

    public int limit() {
        synchronized (lock) {
            return limit;
        }
    }

    /** Feeds a failed request back; errors that say nothing about load ({@link CongestionSignal#NONE}) are ignored. */
    public void onError(Throwable error) {
        switch (CongestionSignal.of(error)) {
            case THROTTLED -> onThrottled();
            case TIMEOUT -> onTimeout();
            case NONE -> { }
        }
    }

    public void onSuccess() {
        synchronized (lock) {
            successes++;
            successStreak++;
            if (limit < settings.maxLimit() && successStreak >= Math.max(settings.successesPerIncrease(), limit)) {
                successStreak = 0;
                limit++;
                increases++;
                maxSeen = Math.max(maxSeen, limit);
                record();
                changed(limit);
            }
        }
    }

    public void onThrottled() {
        synchronized (lock) {
            throttled++;
        }
        decrease();
    }

    public void onTimeout() {
        synchronized (lock) {
            timeouts++;
        }
        decrease();
    }

    private void decrease() {
        synchronized (lock) {
            successStreak = 0;
            long now = clock.monotonicTime();
            if (decreasedBefore && now - lastDecreaseNanos < cooldownNanos) {
                return;
            }
            decreasedBefore = true;
            lastDecreaseNanos = now;
            int lowered = Math.max(settings.minLimit(), (int) Math.floor(limit * settings.decreaseFactor()));
            if (lowered == limit) {
                return;
            }
            limit = lowered;
            decreases++;
            minSeen = Math.min(minSeen, limit);
            record();
            changed(lowered);
        }
    }

    /** Holds the lock. */
    private void changed(int newLimit) {
        gauges.accept(settings.gaugeName(), newLimit);
        onChange.accept(newLimit);
    }

    /** The counters and the limit over time; {@code inFlight} and {@code waiting} are 0 (no permits here). */
    public LimiterStats stats() {
        return stats(0, 0);
    }

    LimiterStats stats(int inFlight, int waiting) {
        synchronized (lock) {
            return new LimiterStats(limit, minSeen, maxSeen, inFlight, waiting, successes, throttled, timeouts,
                    decreases, increases, series);
        }
    }

    /** Holds the lock. Keeps the series bounded by halving its resolution when full. */
    private void record() {
        if (series.size() >= settings.seriesCapacity()) {
            ConcurrencySample last = series.get(series.size() - 1);
            List<ConcurrencySample> kept = new ArrayList<>(series.size() / 2 + 1);
            for (int i = 0; i < series.size(); i += 2) {
                kept.add(series.get(i));
            }
            if (kept.get(kept.size() - 1) != last) {
                kept.add(last);
            }
            series.clear();
            series.addAll(kept);
        }
        series.add(new ConcurrencySample(clock.wallTime(), limit));
    }
}
