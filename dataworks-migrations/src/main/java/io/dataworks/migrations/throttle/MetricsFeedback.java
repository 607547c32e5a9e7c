package io.dataworks.migrations.throttle;

import java.time.Duration;
import java.util.Objects;

import io.dataworks.monitoring.MetricsCollector;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Scheduler;

/**
 * Feeds an {@link AimdLimit} from what a writer already records in its {@link MetricsCollector}, so the
 * engine needs no extra hook: every {@code period} it reads the throttle and written-batch counters;
 * new throttles are one {@link AimdLimit#onThrottled()} (the cooldown coalesces bursts anyway),
 * otherwise every new batch written is one {@link AimdLimit#onSuccess()}.
 */
public final class MetricsFeedback {

    private MetricsFeedback() {
    }

    /** Starts sampling; dispose the result to stop. */
    public static Disposable attach(MetricsCollector metrics, AimdLimit aimd, Duration period, Scheduler scheduler) {
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(aimd, "aimd");
        MeterRegistry registry = metrics.registry();
        long[] last = {throttles(registry), writes(registry)};
        return Flux.interval(period, scheduler).subscribe(tick -> {
            long throttles = throttles(registry);
            long writes = writes(registry);
            if (throttles > last[0]) {
                aimd.onThrottled();
            } else {
                for (long i = last[1]; i < writes; i++) {
                    aimd.onSuccess();
                }
            }
            last[0] = throttles;
            last[1] = writes;
        }, error -> org.slf4j.LoggerFactory.getLogger(MetricsFeedback.class)
                .warn("adaptive concurrency stopped adjusting (the limit stays where it is): {}", error.toString()));
    }

    private static long throttles(MeterRegistry registry) {
        FunctionCounter c = registry.find("dataworks.throttled").functionCounter();
        return c == null ? 0 : (long) c.count();
    }

    private static long writes(MeterRegistry registry) {
        FunctionCounter c = registry.find("dataworks.batches").tag("op", "write").functionCounter();
        return c == null ? 0 : (long) c.count();
    }
}
