package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlertRuleTest {

    @Test
    void noKeysMeansNoRules() {
        assertThat(AlertRule.fromConfig(key -> Optional.empty())).isEmpty();
        assertThat(AlertRule.fromConfig(lookup(Map.of("FRAMEWORK_ALERT_DURATION_SECONDS", "10")))).isEmpty();
        assertThat(AlertRule.fromConfig(lookup(Map.of("FRAMEWORK_ALERT_ERROR_RATE", "  ")))).isEmpty();
    }

    @Test
    void everyKeySwitchesOnItsRuleWithTheSharedDuration() {
        Map<String, String> config = new HashMap<>();
        config.put("FRAMEWORK_ALERT_ERROR_RATE", "0.05");
        config.put("FRAMEWORK_ALERT_MIN_DOCS_PER_SECOND", "1000");
        config.put("FRAMEWORK_ALERT_P99_LATENCY_MS", "250");
        config.put("FRAMEWORK_ALERT_MAX_HEAP_MB", "2048");
        config.put("FRAMEWORK_ALERT_THROTTLE_RATE", "5.5");
        config.put("FRAMEWORK_ALERT_DURATION_SECONDS", "15");

        List<AlertRule> rules = AlertRule.fromConfig(lookup(config));

        Duration d = Duration.ofSeconds(15);
        assertThat(rules).containsExactly(
                AlertRule.errorRateAbove(0.05, d),
                AlertRule.throughputBelow(1000, d),
                AlertRule.p99LatencyAbove(250, d),
                AlertRule.heapAbove(2048, d),
                AlertRule.throttleRateAbove(5.5, d));
    }

    @Test
    void durationDefaultsToThirtySecondsAndErrorRateAcceptsAPercentage() {
        List<AlertRule> rules = AlertRule.fromConfig(lookup(Map.of("FRAMEWORK_ALERT_ERROR_RATE", "2.5%")));
        assertThat(rules).containsExactly(AlertRule.errorRateAbove(0.025, Duration.ofSeconds(30)));
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> AlertRule.fromConfig(lookup(Map.of("FRAMEWORK_ALERT_P99_LATENCY_MS", "fast"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FRAMEWORK_ALERT_P99_LATENCY_MS")
                .hasMessageContaining("'fast'");
        assertThatThrownBy(() -> AlertRule.fromConfig(lookup(Map.of(
                "FRAMEWORK_ALERT_MAX_HEAP_MB", "100", "FRAMEWORK_ALERT_DURATION_SECONDS", "-1"))))
                .hasMessageContaining("FRAMEWORK_ALERT_DURATION_SECONDS");
        assertThatThrownBy(() -> AlertRule.fromConfig(lookup(Map.of("FRAMEWORK_ALERT_ERROR_RATE", "5"))))
                .hasMessageContaining("FRAMEWORK_ALERT_ERROR_RATE")
                .hasMessageContaining("between 0 and 1");
    }

    @Test
    void descriptionsReadWell() {
        assertThat(AlertRule.throughputBelow(100, Duration.ofSeconds(30)).description())
                .isEqualTo("throughput below 100.0 docs/s for 30s");
        assertThat(AlertRule.errorRateAbove(0.05, Duration.ofSeconds(10)).description())
                .isEqualTo("error rate above 5.00% for 10s");
        assertThat(AlertRule.p99LatencyAbove(250, Duration.ZERO).description())
                .isEqualTo("p99 write latency above 250.0 ms for 0s");
    }

    private static java.util.function.Function<String, Optional<String>> lookup(Map<String, String> config) {
        return key -> Optional.ofNullable(config.get(key));
    }
}
