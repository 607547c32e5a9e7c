package io.dataworks.migrations.endpoint;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;

import io.dataworks.monitoring.MetricsCollector;

/**
 * A driver command listener on the source client that records how long each {@code find} and {@code getMore} (one
 * cursor batch) took into the run's read-latency figures, for runs that do not copy ({@code --verify-only}). It is
 * added when the client is created, before the run's meters exist, and records nothing until {@link #recordInto} is
 * called. Called on driver threads: it only adds to lock-free counters.
 *
 * <p>A copy times its cursor batches itself ({@code CursorBatches}) and runs without it: with any command listener
 * the driver decodes a copy of every whole reply for the listener's event, a megabyte per batch of 1,000 service
 * orders (a quarter of all the migrator allocated, in humongous objects for G1 at {@code -Xmx256m}).
 */
public final class ReadLatency implements CommandListener {

    private final AtomicReference<MetricsCollector> metrics = new AtomicReference<>();

    /** From now on, batches read are recorded into {@code collector}. */
    public void recordInto(MetricsCollector collector) {
        metrics.set(collector);
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        MetricsCollector collector = metrics.get();
        if (collector == null) {
            return;
        }
        String name = event.getCommandName();
        if ("find".equals(name) || "getMore".equals(name)) {
            collector.batchRead(event.getElapsedTime(TimeUnit.NANOSECONDS));
        }
    }
}
