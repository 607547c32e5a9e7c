package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MockClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class MonitoringSessionTest {

    @TempDir
    Path dir;

    private final Logger sessionLog = (Logger) LoggerFactory.getLogger(MonitoringSession.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        logged.start();
        sessionLog.addAppender(logged);
        sessionLog.setAdditive(false); // keep the expected alert lines off the console
    }

    @AfterEach
    void releaseLog() {
        sessionLog.detachAppender(logged);
        sessionLog.setAdditive(true);
    }

    @Test
    void finishFillsTheReportWritesTheMetricsFileAndStopsEverything() {
        Path out = dir.resolve("metrics.csv");
        MockClock clock = new MockClock();
        MonitoringOptions options = MonitoringOptions.defaults("flexible-generator")
                .withMetricsOut(out).withInterval(Duration.ofHours(1));
        MonitoringSession session = MonitoringSession.start(options, clock);
        MetricsCollector collector = session.collector();
        collector.total(300);
        for (int i = 0; i < 3; i++) {
            collector.documentsWritten(100, 10_000);
            collector.batchWritten(2_000_000);
            clock.add(Duration.ofSeconds(1));
            session.monitor().sampleNow();
        }
        clock.add(Duration.ofSeconds(1));

        RunReport report = session.finish(RunReport.builder("flexible-generator").seed(42L));

        assertThat(report.tool()).isEqualTo("flexible-generator");
        assertThat(report.status()).isEqualTo(RunReport.COMPLETED);
        assertThat(report.documentsWritten()).isEqualTo(300);
        assertThat(report.bytesWritten()).isEqualTo(30_000);
        assertThat(report.durationSeconds()).isEqualTo(4.0);
        assertThat(report.documentsPerSecond()).isEqualTo(75.0);
        assertThat(report.latencyMillis().p50()).isEqualTo(2.0);
        assertThat(report.peakHeapMb()).isPositive();
        assertThat(report.seed()).isEqualTo(42L);
        assertThat(report.details()).isNull();
        assertThat(session.report()).isSameAs(report);
        assertThat(MetricsExporter.parse("json", session.exportMetrics("json")).summary()).isEqualTo(report);

        MetricsExporter.Export written = MetricsExporter.read(out);
        assertThat(written.summary()).isEqualTo(report);
        assertThat(written.snapshots()).hasSize(4);
        assertThat(written.snapshots().get(3).percentDone()).isEqualTo(100.0);
        assertThat(session.monitor().running()).isFalse();
        assertThatThrownBy(() -> session.finish(RunReport.builder("x"))).isInstanceOf(IllegalStateException.class);
        session.close();
    }

    @Test
    void alertsAreLoggedAsWarnAndListedInTheReport() {
        MockClock clock = new MockClock();
        MonitoringOptions options = MonitoringOptions.defaults("flexible-migrate")
                .withInterval(Duration.ofHours(1))
                .withRules(List.of(AlertRule.throttleRateAbove(1, Duration.ZERO)));
        RunReport report;
        try (MonitoringSession session = MonitoringSession.start(options, clock)) {
            for (int i = 0; i < 5; i++) {
                session.collector().throttled();
            }
            clock.add(Duration.ofSeconds(1));
            session.monitor().sampleNow();
            clock.add(Duration.ofSeconds(1));
            session.monitor().sampleNow();
            assertThat(session.alerts()).extracting(Alert::state)
                    .containsExactly(Alert.State.FIRING, Alert.State.RESOLVED);
            report = session.finish(RunReport.builder("flexible-migrate"));
        }

        assertThat(logged.list).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.WARN);
        assertThat(logged.list.get(0).getFormattedMessage())
                .isEqualTo("ALERT throttle rate above 1.0/s for 0s: now 5.0/s");
        assertThat(logged.list.get(1).getFormattedMessage()).startsWith("RESOLVED throttle rate above 1.0/s");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> alerts = (List<Map<String, Object>>) report.details().get("alerts");
        assertThat(alerts).extracting(a -> a.get("state")).containsExactly("FIRING", "RESOLVED");
        assertThat(report.throttledRequests()).isEqualTo(5);
    }

    @Test
    void samplesOnItsOwnAtTheConfiguredInterval() throws Exception {
        try (MonitoringSession session = MonitoringSession.start(
                MonitoringOptions.defaults("t").withInterval(Duration.ofMillis(20)))) {
            session.collector().documentsWritten(1, 1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
                    .until(() -> session.monitor().snapshots().size() >= 3);
            assertThat(session.prometheusPort()).isEmpty();
            assertThat(session.healthy()).isTrue();
        }
    }

    @Test
    void optionsAreCheckedBeforeTheRun() {
        assertThatThrownBy(() -> MonitoringOptions.defaults("t").withMetricsOut(Path.of("m.xlsx")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(".json or .csv");
        assertThatThrownBy(() -> MonitoringOptions.defaults("t").withMetricsPort(70_000))
                .hasMessageContaining("--metrics-port");
        assertThatThrownBy(() -> MonitoringOptions.defaults("t").withInterval(Duration.ZERO))
                .hasMessageContaining("interval");
        MonitoringOptions d = MonitoringOptions.defaults("t");
        assertThat(d.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(d.rules()).isEmpty();
        assertThat(d.progress()).isFalse();
        assertThat(new MonitoringOptions("t", null, null, true, null, null).interval()).isEqualTo(Duration.ofSeconds(1));
    }
}
