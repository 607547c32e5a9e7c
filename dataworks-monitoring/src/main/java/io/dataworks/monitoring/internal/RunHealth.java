package io.dataworks.monitoring.internal;

import io.dataworks.monitoring.Health;
import io.dataworks.monitoring.PerformanceSnapshot;
import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Objects;

/**
 * Decides whether a run is healthy from its snapshots, for {@code /health}:
 * <ul>
 *   <li><b>failing</b>: over the last {@code failingWindow} (or since the start when the run is younger), documents
 *       failed and none was written;</li>
 *   <li><b>stalled</b>: while documents are expected to flow ({@code copying}), none was written (or found already
 *       there) for {@code stallTimeout}. The clock starts when the run enters such a stage, so a long plan does not
 *       count as a stall.</li>
 * </ul>
 * Thread-safe. Time comes from the injected clock (monotonic).
 */
public final class RunHealth {

    private final Clock clock;
    private final Duration stallTimeout;
    private final Duration failingWindow;
    private final ArrayDeque<Point> window = new ArrayDeque<>();
    private long lastProgressNanos;
    private long lastCount = -1;
    private boolean expected;

    private record Point(long nanos, long written, long failed) {
    }

    public RunHealth(Clock clock, Duration stallTimeout, Duration failingWindow) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stallTimeout = Objects.requireNonNull(stallTimeout, "stallTimeout");
        this.failingWindow = Objects.requireNonNull(failingWindow, "failingWindow");
        this.lastProgressNanos = clock.monotonicTime();
    }

    /** Takes one snapshot into account; {@code progressExpected}: the run is in a stage that writes documents. */
    public synchronized void onSnapshot(PerformanceSnapshot s, boolean progressExpected) {
        long now = clock.monotonicTime();
        expecting(progressExpected, now);
        long count = s.documentsWritten() + s.documentsSkipped();
        if (count != lastCount) {
            if (lastCount >= 0) {
                lastProgressNanos = now;
            }
            lastCount = count;
        }
        window.addLast(new Point(now, s.documentsWritten(), s.documentsFailed()));
        long horizon = now - failingWindow.toNanos();
        // keep one point at or before the horizon: the base the window is measured from
        while (window.size() > 2) {
            Point second = window.stream().skip(1).findFirst().orElseThrow();
            if (second.nanos() > horizon) {
                break;
            }
            window.removeFirst();
        }
    }

    /** Health now. */
    public synchronized Health check(boolean progressExpected) {
        long now = clock.monotonicTime();
        expecting(progressExpected, now);
        if (window.size() >= 2) {
            Point base = window.peekFirst();
            Point last = window.peekLast();
            long failed = last.failed() - base.failed();
            if (failed > 0 && last.written() == base.written()) {
                return Health.down(String.format(Locale.ROOT,
                        "every write failed in the last %d s (%,d documents failed, none written)",
                        Math.max(1, Math.round((last.nanos() - base.nanos()) / 1e9)), failed));
            }
        }
        long idle = now - lastProgressNanos;
        if (progressExpected && idle > stallTimeout.toNanos()) {
            return Health.down(String.format(Locale.ROOT, "stalled: no document written for %d s (stall timeout %d s)",
                    idle / 1_000_000_000L, stallTimeout.toSeconds()));
        }
        return Health.UP;
    }

    private void expecting(boolean progressExpected, long now) {
        if (progressExpected && !expected) {
            lastProgressNanos = Math.max(lastProgressNanos, now);
        }
        expected = progressExpected;
    }
}
