package io.dataworks.monitoring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How a {@link MonitoringSession} watches a run. Immutable; {@code withX} methods return copies.
 *
 * @param tool        the CLI's name, e.g. {@code flexible-migrate} (the report's {@code tool})
 * @param metricsOut  {@code --metrics-out}: {@code .json} or {@code .csv} file for the snapshot series, or null
 * @param metricsPort {@code --metrics-port}: Prometheus port (0 = any free port), or null for none
 * @param progress    show the progress line / periodic progress log
 * @param interval    time between snapshots (null: 1 second)
 * @param rules       alert rules (null: none), e.g. {@code AlertRule.fromConfig(config::value)}
 * @param stallTimeout {@code /health} says DOWN when no document was written for this long while the run copies
 *                    (null: {@link #DEFAULT_STALL_TIMEOUT})
 * @param redact      the caller's secret masker, applied to everything the session prints or serves as text (the
 *                    progress API, the summary, the report); the CLIs pass {@code MongoUri::maskSecrets}. Null: none
 */
public record MonitoringOptions(String tool, Path metricsOut, Integer metricsPort, boolean progress,
                                Duration interval, List<AlertRule> rules, Duration stallTimeout,
                                UnaryOperator<String> redact) {

    /** Default {@code stallTimeout}: two minutes without a document written while copying. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(2);

    public MonitoringOptions {
        Objects.requireNonNull(tool, "tool");
        interval = interval == null ? PerformanceMonitor.DEFAULT_INTERVAL : interval;
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        rules = rules == null ? List.of() : List.copyOf(rules);
        stallTimeout = stallTimeout == null ? DEFAULT_STALL_TIMEOUT : stallTimeout;
        redact = redact == null ? UnaryOperator.identity() : redact;
        if (stallTimeout.isZero() || stallTimeout.isNegative()) {
            throw new IllegalArgumentException("stallTimeout must be positive, got " + stallTimeout);
        }
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new IllegalArgumentException("--metrics-port must be between 0 and 65535, got " + metricsPort);
        }
        if (metricsOut != null) {
            MetricsExporter.formatOf(metricsOut); // fail before the run, not after it
        }
    }

    /** As the canonical constructor, with the default stall timeout. */
    public MonitoringOptions(String tool, Path metricsOut, Integer metricsPort, boolean progress,
                             Duration interval, List<AlertRule> rules) {
        this(tool, metricsOut, metricsPort, progress, interval, rules, null, null);
    }

    /** No export, no Prometheus, no progress, 1 s interval, no rules. */
    public static MonitoringOptions defaults(String tool) {
        return new MonitoringOptions(tool, null, null, false, null, null, null, null);
    }

    public MonitoringOptions withMetricsOut(Path value) {
        return new MonitoringOptions(tool, value, metricsPort, progress, interval, rules, stallTimeout, redact);
    }

    public MonitoringOptions withMetricsPort(Integer value) {
        return new MonitoringOptions(tool, metricsOut, value, progress, interval, rules, stallTimeout, redact);
    }

    public MonitoringOptions withProgress(boolean value) {
        return new MonitoringOptions(tool, metricsOut, metricsPort, value, interval, rules, stallTimeout, redact);
    }

    public MonitoringOptions withInterval(Duration value) {
        return new MonitoringOptions(tool, metricsOut, metricsPort, progress, value, rules, stallTimeout, redact);
    }

    public MonitoringOptions withRules(List<AlertRule> value) {
        return new MonitoringOptions(tool, metricsOut, metricsPort, progress, interval, value, stallTimeout, redact);
    }

    public MonitoringOptions withRedactor(UnaryOperator<String> value) {
        return new MonitoringOptions(tool, metricsOut, metricsPort, progress, interval, rules, stallTimeout, value);
    }

    public MonitoringOptions withStallTimeout(Duration value) {
        return new MonitoringOptions(tool, metricsOut, metricsPort, progress, interval, rules, value, redact);
    }
}
