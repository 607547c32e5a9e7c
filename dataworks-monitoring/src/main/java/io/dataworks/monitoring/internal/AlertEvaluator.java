package io.dataworks.monitoring.internal;

import io.dataworks.monitoring.Alert;
import io.dataworks.monitoring.AlertRule;
import io.dataworks.monitoring.PerformanceSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Keeps the state of each rule across snapshots: when it started holding and whether it fired.
 * A rule fires once when it has held, without interruption, for its duration (measured between
 * snapshot timestamps) and resolves once at the first snapshot where it no longer holds.
 * Not thread-safe: the monitor calls it under its own lock.
 */
public final class AlertEvaluator {

    private final List<RuleState> rules = new ArrayList<>();

    public void add(AlertRule rule) {
        rules.add(new RuleState(Objects.requireNonNull(rule, "rule")));
    }

    public List<AlertRule> rules() {
        return rules.stream().map(r -> r.rule).toList();
    }

    /** The alerts this snapshot causes, usually none. */
    public List<Alert> evaluate(PerformanceSnapshot snapshot) {
        List<Alert> alerts = List.of();
        for (RuleState state : rules) {
            Alert alert = state.evaluate(snapshot);
            if (alert != null) {
                if (alerts.isEmpty()) {
                    alerts = new ArrayList<>(2);
                }
                alerts.add(alert);
            }
        }
        return alerts;
    }

    private static final class RuleState {
        final AlertRule rule;
        Instant holdingSince;
        boolean firing;

        RuleState(AlertRule rule) {
            this.rule = rule;
        }

        Alert evaluate(PerformanceSnapshot snapshot) {
            // A zero-length interval (two samples at the same instant) says nothing about rates.
            if (snapshot.intervalSeconds() <= 0 && rule.kind() != AlertRule.Kind.HEAP_ABOVE) {
                return null;
            }
            double value = rule.valueOf(snapshot);
            Instant at = snapshot.timestamp();
            boolean noBatch = rule.kind() == AlertRule.Kind.P99_LATENCY_ABOVE && snapshot.intervalLatency().count() == 0;
            if (noBatch && holdingSince == null) {
                return null; // idle, and not slow before: nothing to say
            }
            if (noBatch || rule.holds(snapshot)) {
                if (holdingSince == null) {
                    holdingSince = at;
                }
                if (!firing && Duration.between(holdingSince, at).compareTo(rule.duration()) >= 0) {
                    firing = true;
                    return new Alert(rule, Alert.State.FIRING, value, at, "ALERT " + rule.description() + ": now "
                            + (noBatch ? "no batch completed in the last " + Math.round(snapshot.intervalSeconds()) + " s"
                            : rule.format(value)));
                }
                return null;
            }
            holdingSince = null;
            if (firing) {
                firing = false;
                return new Alert(rule, Alert.State.RESOLVED, value, at,
                        "RESOLVED " + rule.description() + ": now " + rule.format(value));
            }
            return null;
        }
    }
}
