package io.dataworks.monitoring;

import java.time.Instant;
import java.util.Objects;

/**
 * A rule started or stopped holding: {@link State#FIRING} once when it has held for its duration,
 * {@link State#RESOLVED} once when it no longer holds.
 *
 * @param value   the watched figure at that moment
 * @param at      time of the snapshot that changed the state
 * @param message one line for a log, e.g. {@code "ALERT throughput below 100.0 docs/s for 30s: 12.0 docs/s"}
 */
public record Alert(AlertRule rule, State state, double value, Instant at, String message) {

    public enum State { FIRING, RESOLVED }

    public Alert {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(message, "message");
    }
}
