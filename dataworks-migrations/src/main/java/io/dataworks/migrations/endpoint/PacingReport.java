package io.dataworks.migrations.endpoint;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.dataworks.core.pacing.PacerStats;

/**
 * How one server was paced during a run, for the report: whether the rate was learned, the rate and in-flight limit at
 * the end, and what the pacer was told. The shares are of the answers (requests) and of the documents the pacer saw.
 *
 * @param side          {@code source} or {@code target}
 * @param adaptive      a learned rate ({@code false}: {@code --no-pacing})
 * @param inFlightLimit requests in flight allowed at the end
 * @param stats         the pacer's counts; empty when not adaptive
 */
public record PacingReport(String side, boolean adaptive, int inFlightLimit, Optional<PacerStats> stats) {

    /** The rate the pacer reports while nothing has pushed back: it paces nothing. */
    static final double UNPACED = 1e8;

    public static PacingReport of(Endpoint endpoint) {
        Pacing pacing = endpoint.pacing();
        return new PacingReport(endpoint.side(), pacing.adaptive(), pacing.inFlightLimit(), pacing.stats());
    }

    /** The learned rate, documents per second, when the server ever pushed back (empty: never paced). */
    public Optional<Double> rate() {
        return stats.map(PacerStats::rate).filter(rate -> rate < UNPACED);
    }

    /** As the report's JSON: {@code adaptive, rate, inFlightLimit, cuts, raises, reverts, answers, throttledAnswers, ...}. */
    public Map<String, Object> toReportDetails() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("adaptive", adaptive);
        out.put("inFlightLimit", inFlightLimit);
        stats.ifPresent(s -> {
            out.put("documentsPerSecond", rate().map(Math::round).orElse(null));
            out.put("answers", s.answers());
            out.put("throttledAnswers", s.throttledAnswers());
            out.put("throttledShare", s.answers() == 0 ? 0.0 : round((double) s.throttledAnswers() / s.answers()));
            out.put("documentsSent", s.sentUnits());
            out.put("documentsRefused", s.refusedUnits());
            out.put("cuts", s.decreases());
            out.put("raises", s.increases());
            out.put("reverts", s.reverts());
            out.put("randomRefusalShare", round(s.noiseShare()));
        });
        return out;
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
