package io.dataworks.migrations.throttle;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A consistent view of a limiter, for the report ({@link #toReportDetails()}) and for tests.
 *
 * @param series the limit over time, bounded: when full, every other sample is dropped, so the series
 *               keeps covering the whole run at a coarser resolution
 */
public record LimiterStats(
        int limit,
        int minLimitSeen,
        int maxLimitSeen,
        int inFlight,
        int waiting,
        long successes,
        long throttled,
        long timeouts,
        long decreases,
        long increases,
        List<ConcurrencySample> series) {

    public LimiterStats {
        series = List.copyOf(series);
    }

    /** Throttled requests per successful one (0 when nothing succeeded yet). */
    public double throttledPerSuccess() {
        return successes == 0 ? 0 : (double) throttled / successes;
    }

    /** The shape the report's {@code details} map takes. */
    public Map<String, Object> toReportDetails() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("limit", limit);
        m.put("minLimit", minLimitSeen);
        m.put("maxLimit", maxLimitSeen);
        m.put("throttled", throttled);
        m.put("timeouts", timeouts);
        m.put("decreases", decreases);
        m.put("increases", increases);
        m.put("series", series.stream().map(s -> List.of(s.epochMillis(), s.limit())).toList());
        return m;
    }
}
