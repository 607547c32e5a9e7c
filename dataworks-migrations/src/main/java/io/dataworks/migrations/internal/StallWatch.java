package io.dataworks.migrations.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * Watches a stage for progress: when {@code progress} has not moved for {@code timeout}, it logs a WARN that says
 * which stage is stuck, since when and what it waits for ({@code waitingFor}), and again every further
 * {@code timeout} while it stays stuck. It only reports: the retry budget decides when a stuck request fails.
 */
public final class StallWatch implements Disposable {

    private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

    private final Disposable ticks;

    private StallWatch(Disposable ticks) {
        this.ticks = ticks;
    }

    /**
     * @param stage      the stage's name, for the message
     * @param progress   any counter that moves while the stage makes progress (documents read + written, ...)
     * @param waitingFor what the stage waits for right now, for the message (e.g. "12 bulk writes in flight to the target")
     * @param scheduler  the timer's scheduler ({@code Schedulers.parallel()}; a virtual-time one in tests)
     */
    public static StallWatch start(String stage, Duration timeout, LongSupplier progress, Supplier<String> waitingFor,
                                   Scheduler scheduler) {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(waitingFor, "waitingFor");
        if (timeout.isZero() || timeout.isNegative()) {
            return new StallWatch(reactor.core.Disposables.disposed());
        }
        Duration tick = timeout.dividedBy(4).isZero() ? timeout : timeout.dividedBy(4);
        long[] last = {progress.getAsLong()};
        long[] stillSinceTicks = {0};
        long ticksPerTimeout = Math.max(1, timeout.toNanos() / tick.toNanos());
        Disposable ticks = Flux.interval(tick, tick, scheduler).subscribe(n -> {
            long now = progress.getAsLong();
            if (now != last[0]) {
                last[0] = now;
                stillSinceTicks[0] = 0;
                return;
            }
            stillSinceTicks[0]++;
            if (stillSinceTicks[0] % ticksPerTimeout == 0) {
                LOG.warn("{}: no progress for {} s; waiting for {}", stage,
                        Duration.ofNanos(tick.toNanos() * stillSinceTicks[0]).toSeconds(), waitingFor.get());
            }
        }, error -> LOG.warn("{}: stall watch stopped: {}", stage, error.toString()));
        return new StallWatch(ticks);
    }

    @Override
    public void dispose() {
        ticks.dispose();
    }

    @Override
    public boolean isDisposed() {
        return ticks.isDisposed();
    }
}
