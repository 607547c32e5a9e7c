package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dataworks.monitoring.RunProgress.NamespaceProgress;
import io.dataworks.monitoring.RunProgress.State;
import io.dataworks.monitoring.internal.Json;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The progress model fed as the migration engine feeds it, with a manual clock. */
class RunProgressTest {

    private final MockClock clock = new MockClock();
    private final MetricsCollector collector = MetricsCollector.create(new SimpleMeterRegistry(), clock, () -> 50.0);
    private final RunProgress progress = RunProgress.create(collector);

    private PerformanceSnapshot second() {
        clock.add(Duration.ofSeconds(1));
        return collector.getCurrentPerformance();
    }

    @Test
    void aMigrationOfFourNamespacesRisesTo100WithAFiniteEtaMidRun() throws Exception {
        progress.state(State.PLANNING);
        List<NamespaceProgress> namespaces = new ArrayList<>();
        long[] totals = {4_000, 3_000, 2_000, 1_000};
        for (int i = 0; i < totals.length; i++) {
            namespaces.add(progress.namespace("src.c" + i, "dst.c" + i).documentsTotal(totals[i]).partitions(0, 4));
        }
        collector.total(10_000);
        progress.state(State.COPYING);
        progress.concurrencyLimit(8);
        progress.pacingRate(1_500);

        List<Double> percents = new ArrayList<>();
        ProgressView mid = null;
        for (int s = 0; s < 10; s++) {
            for (int i = 0; i < namespaces.size(); i++) {
                NamespaceMetrics m = collector.forNamespace("src.c" + i);
                long step = Math.min(totals[i] / 10, totals[i] - m.counts().documentsWritten());
                m.documentsWritten(step, step * 100);
                m.batchWritten(TimeUnit.MILLISECONDS.toNanos(20 + i));
            }
            collector.throttled();
            ProgressView v = progress.view(second());
            percents.add(v.percent());
            if (s == 4) {
                mid = v;
            }
        }
        assertThat(mid).isNotNull();
        assertThat(mid.state()).isEqualTo("copying");
        assertThat(mid.documentsTotal()).isEqualTo(10_000);
        assertThat(mid.documentsCopied()).isEqualTo(5_000);
        assertThat(mid.percent()).isEqualTo(50.0);
        assertThat(mid.etaSeconds()).isEqualTo(5.0); // 5,000 left at 1,000/s
        assertThat(mid.documentsPerSecond()).isEqualTo(1_000.0);
        assertThat(mid.bytesPerSecond()).isEqualTo(100_000.0);
        assertThat(mid.throttledPerSecond()).isEqualTo(1.0);
        assertThat(mid.concurrencyLimit()).isEqualTo(8);
        assertThat(mid.pacingRate()).isEqualTo(1_500.0);
        assertThat(mid.namespaces()).hasSize(4).allSatisfy(ns -> {
            assertThat(ns.percent()).isEqualTo(50.0);
            assertThat(ns.etaSeconds()).isNotNull().isPositive();
            assertThat(ns.partitionsTotal()).isEqualTo(4);
        });
        assertThat(mid.namespaces().get(0).target()).isEqualTo("dst.c0");
        assertThat(percents).isSorted();

        namespaces.forEach(ns -> ns.partitions(4, 4).copyDone());
        progress.state(State.VERIFYING);
        ProgressView end = progress.view(second());
        assertThat(end.percent()).isEqualTo(100.0);
        assertThat(end.etaSeconds()).isEqualTo(0.0);
        assertThat(end.namespaces()).allSatisfy(ns -> assertThat(ns.percent()).isEqualTo(100.0));

        JsonNode json = Json.mapper().readTree(end.toJson());
        for (String field : List.of("state", "percent", "documentsCopied", "documentsTotal", "documentsPerSecond",
                "bytesPerSecond", "etaSeconds", "throttledPerSecond", "pacingRate", "concurrencyLimit", "errors",
                "lagSeconds", "pendingEvents", "canCutover", "namespaces")) {
            assertThat(json.has(field)).as(field).isTrue();
        }
        for (String field : List.of("source", "target", "state", "percent", "documentsCopied", "documentsTotal",
                "partitionsDone", "partitionsTotal")) {
            assertThat(json.get("namespaces").get(0).has(field)).as(field).isTrue();
        }
    }

    @Test
    void percentNeverGoesBackwardsWhenTheEstimateGrows() {
        NamespaceProgress ns = progress.namespace("a.b", "c.d").documentsTotal(100);
        ns.documentsCopied(80);
        assertThat(progress.view(second()).percent()).isEqualTo(80.0);
        ns.documentsTotal(1_000); // a better estimate arrived
        ProgressView after = progress.view(second());
        assertThat(after.percent()).isEqualTo(80.0);
        assertThat(after.namespaces().get(0).percent()).isEqualTo(80.0);
        ns.documentsCopied(900);
        assertThat(progress.view(second()).percent()).isEqualTo(90.0);
    }

    @Test
    void canCutoverOnlyAfterTheLagStayedLowForTheHoldWithNothingPendingAndACleanVerification() {
        progress.namespace("a.b", "a.b").copyDone();
        progress.cutover(5.0, Duration.ofSeconds(30));
        progress.verification("match", 0);
        progress.state(State.FOLLOWING);
        progress.lagSeconds(12).pendingEvents(40);
        assertThat(progress.view(second()).canCutover()).isFalse();

        progress.lagSeconds(3).pendingEvents(0);
        clock.add(Duration.ofSeconds(20));
        ProgressView early = progress.view(second());
        assertThat(early.canCutover()).isFalse();
        assertThat(early.cutover().checks()).filteredOn(c -> !c.ok()).extracting(ProgressView.Check::name)
                .containsExactly("lag");

        progress.lagSeconds(7); // a spike restarts the hold
        clock.add(Duration.ofSeconds(20));
        progress.lagSeconds(2);
        clock.add(Duration.ofSeconds(29));
        assertThat(progress.view(collector.getCurrentPerformance()).canCutover()).isFalse();
        clock.add(Duration.ofSeconds(1));
        ProgressView ready = progress.view(collector.getCurrentPerformance());
        assertThat(ready.canCutover()).isTrue();
        assertThat(ready.lagSeconds()).isEqualTo(2.0);
        assertThat(ready.pendingEvents()).isZero();

        progress.pendingEvents(3);
        assertThat(progress.view(second()).canCutover()).isFalse();
        progress.pendingEvents(0).verification("mismatch", 2);
        ProgressView mismatch = progress.view(second());
        assertThat(mismatch.canCutover()).isFalse();
        assertThat(mismatch.cutover().checks()).filteredOn(c -> !c.ok()).extracting(ProgressView.Check::detail)
                .containsExactly("mismatch (2 mismatches)");
    }

    @Test
    void anEngineThatOnlyRecordsPerNamespaceStillShowsItsNamespacesAndStage() {
        collector.total(1_000);
        collector.forNamespace("shop.orders").documentsWritten(250, 1_000);
        collector.gauge("followLagSeconds", 4.5);
        collector.gauge("concurrency", 6);
        ProgressView v = progress.view(second());
        assertThat(v.state()).isEqualTo("copying");
        assertThat(v.percent()).isEqualTo(25.0);
        assertThat(v.lagSeconds()).isEqualTo(4.5);
        assertThat(v.concurrencyLimit()).isEqualTo(6);
        assertThat(v.namespaces()).singleElement().satisfies(ns -> {
            assertThat(ns.source()).isEqualTo("shop.orders");
            assertThat(ns.documentsCopied()).isEqualTo(250);
            assertThat(ns.percent()).isNull();
        });
    }

    @Test
    void theSessionServesTheProgressThroughTheCallersMasker() {
        try (MonitoringSession session = MonitoringSession.start(MonitoringOptions.defaults("flexible-migrate")
                .withInterval(Duration.ofHours(1)).withRedactor(s -> s.replace("s3cret", "*****")), clock)) {
            session.failed("cannot connect to mongodb://admin:s3cret@db.example.com:27017");
            assertThat(session.progressJson()).doesNotContain("s3cret").contains("admin:*****@")
                    .contains("\"state\":\"failed\"");
            assertThat(session.health().reason()).isEqualTo("cannot connect to mongodb://admin:*****@db.example.com:27017");
        }
    }
}
