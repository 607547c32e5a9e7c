package io.dataworks.monitoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A condition on {@link PerformanceSnapshot}s that must hold for {@code duration} before it fires.
 * Rates and latencies are those of the last monitoring interval, so a rule reacts to what is
 * happening now, not to the run's average.
 *
 * @param kind      what is compared
 * @param threshold the limit, in the unit of the kind
 * @param duration  how long the condition must hold without interruption before the alert fires
 *                  ({@link Duration#ZERO}: at the first snapshot where it holds)
 */
public record AlertRule(Kind kind, double threshold, Duration duration) {

    /** Configuration key of the time a rule must hold, in seconds, for every rule read by {@link #fromConfig}. */
    public static final String DURATION_KEY = "FRAMEWORK_ALERT_DURATION_SECONDS";
    /** Used when {@link #DURATION_KEY} is not set. */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);

    /** What a rule compares, and the configuration key that switches it on. */
    public enum Kind {
        /** Failed / (written + failed) over the last interval above the threshold (a fraction, 0..1). */
        ERROR_RATE_ABOVE("FRAMEWORK_ALERT_ERROR_RATE", "error rate", "", true),
        /** Documents written per second over the last interval below the threshold. */
        THROUGHPUT_BELOW("FRAMEWORK_ALERT_MIN_DOCS_PER_SECOND", "throughput", " docs/s", false),
        /** p99 batch write latency over the last interval above the threshold (ms). */
        P99_LATENCY_ABOVE("FRAMEWORK_ALERT_P99_LATENCY_MS", "p99 write latency", " ms", true),
        /** Heap in use above the threshold (MB). */
        HEAP_ABOVE("FRAMEWORK_ALERT_MAX_HEAP_MB", "heap used", " MB", true),
        /** Throttled requests per second over the last interval above the threshold. */
        THROTTLE_RATE_ABOVE("FRAMEWORK_ALERT_THROTTLE_RATE", "throttle rate", "/s", true);

        private final String configKey;
        private final String label;
        private final String unit;
        private final boolean above;

        Kind(String configKey, String label, String unit, boolean above) {
            this.configKey = configKey;
            this.label = label;
            this.unit = unit;
            this.above = above;
        }

        /** The {@code FRAMEWORK_ALERT_*} key whose value is this kind's threshold. */
        public String configKey() {
            return configKey;
        }

        /** True when the rule holds above the threshold, false when it holds below. */
        public boolean above() {
            return above;
        }

        /** The figure of {@code snapshot} this kind watches. */
        public double valueOf(PerformanceSnapshot snapshot) {
            return switch (this) {
                case ERROR_RATE_ABOVE -> snapshot.errorRate();
                case THROUGHPUT_BELOW -> snapshot.documentsPerSecond();
                case P99_LATENCY_ABOVE -> snapshot.intervalLatency().p99Millis();
                case HEAP_ABOVE -> snapshot.heapUsedMb();
                case THROTTLE_RATE_ABOVE -> snapshot.throttlesPerSecond();
            };
        }

        String format(double value) {
            if (this == ERROR_RATE_ABOVE) {
                return String.format(Locale.ROOT, "%.2f%%", value * 100.0);
            }
            return String.format(Locale.ROOT, "%.1f%s", value, unit);
        }
    }

    public AlertRule {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(duration, "duration");
        if (Double.isNaN(threshold) || threshold < 0) {
            throw new IllegalArgumentException("threshold must be a number >= 0, got " + threshold);
        }
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must not be negative, got " + duration);
        }
        if (kind == Kind.ERROR_RATE_ABOVE && threshold > 1) {
            throw new IllegalArgumentException("an error-rate threshold is a fraction between 0 and 1, got " + threshold);
        }
    }

    /** Failed / (written + failed) above {@code fraction} (0..1) for {@code duration}. */
    public static AlertRule errorRateAbove(double fraction, Duration duration) {
        return new AlertRule(Kind.ERROR_RATE_ABOVE, fraction, duration);
    }

    /** Fewer than {@code docsPerSecond} documents written per second for {@code duration}. */
    public static AlertRule throughputBelow(double docsPerSecond, Duration duration) {
        return new AlertRule(Kind.THROUGHPUT_BELOW, docsPerSecond, duration);
    }

    /** p99 batch write latency above {@code millis} for {@code duration}. */
    public static AlertRule p99LatencyAbove(double millis, Duration duration) {
        return new AlertRule(Kind.P99_LATENCY_ABOVE, millis, duration);
    }

    /** Heap in use above {@code mb} MB for {@code duration}. */
    public static AlertRule heapAbove(double mb, Duration duration) {
        return new AlertRule(Kind.HEAP_ABOVE, mb, duration);
    }

    /** More than {@code perSecond} throttled requests per second for {@code duration}. */
    public static AlertRule throttleRateAbove(double perSecond, Duration duration) {
        return new AlertRule(Kind.THROTTLE_RATE_ABOVE, perSecond, duration);
    }

    /**
     * The rules switched on by configuration: one per {@code FRAMEWORK_ALERT_*} threshold key that is set
     * (see {@link Kind#configKey()}), each holding for {@code FRAMEWORK_ALERT_DURATION_SECONDS} (default 30).
     * An error rate may be written as a fraction ({@code 0.05}) or a percentage ({@code 5%}).
     *
     * @param lookup the configuration, e.g. {@code DataWorksConfig::value}
     * @throws IllegalArgumentException naming the key when a value is not a valid number
     */
    public static List<AlertRule> fromConfig(Function<String, Optional<String>> lookup) {
        Objects.requireNonNull(lookup, "lookup");
        Duration duration = value(lookup, DURATION_KEY)
                .map(v -> Duration.ofMillis(Math.round(number(DURATION_KEY, v) * 1000.0)))
                .orElse(DEFAULT_DURATION);
        List<AlertRule> rules = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            Optional<String> raw = value(lookup, kind.configKey());
            if (raw.isEmpty()) {
                continue;
            }
            String v = raw.get();
            double threshold = kind == Kind.ERROR_RATE_ABOVE && v.endsWith("%")
                    ? number(kind.configKey(), v.substring(0, v.length() - 1).trim()) / 100.0
                    : number(kind.configKey(), v);
            try {
                rules.add(new AlertRule(kind, threshold, duration));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(kind.configKey() + ": " + e.getMessage(), e);
            }
        }
        return List.copyOf(rules);
    }

    /** The figure of {@code snapshot} this rule watches. */
    public double valueOf(PerformanceSnapshot snapshot) {
        return kind.valueOf(snapshot);
    }

    /** Whether the condition holds for this value (ignoring the duration). */
    public boolean holds(double value) {
        return kind.above() ? value > threshold : value < threshold;
    }

    /**
     * Whether the condition holds in this snapshot (ignoring the duration). A throughput rule does not
     * hold once every expected document is done: the run is verifying or finishing, not slow.
     */
    public boolean holds(PerformanceSnapshot snapshot) {
        if (kind == Kind.THROUGHPUT_BELOW && snapshot.totalKnown() && snapshot.percentDone() >= 100.0) {
            return false;
        }
        return holds(valueOf(snapshot));
    }

    /** E.g. {@code "throughput below 100.0 docs/s for 30s"}. */
    public String description() {
        return kind.label + (kind.above() ? " above " : " below ") + kind.format(threshold)
                + " for " + duration.toSeconds() + "s";
    }

    /** {@code value} in the unit of this rule, e.g. {@code "12.5 docs/s"}. */
    public String format(double value) {
        return kind.format(value);
    }

    private static Optional<String> value(Function<String, Optional<String>> lookup, String key) {
        Optional<String> v = lookup.apply(key);
        return v == null ? Optional.empty() : v.map(String::trim).filter(s -> !s.isEmpty());
    }

    private static double number(String key, String value) {
        try {
            double d = Double.parseDouble(value);
            if (Double.isNaN(d) || Double.isInfinite(d) || d < 0) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + value + "' is not a number >= 0", e);
        }
    }
}
