package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The migration side of the live page in headless Chromium: four namespaces, verification, dead letters and the
 * follow stage with its lag chart and cut-over checklist, fed into a session exactly as the migration engine feeds
 * {@link RunProgress} (the real generator run is in {@code DashboardBrowserIT}). Screenshot in {@code target/dashboard/}.
 */
class LivePageBrowserIT {

    @TempDir
    Path dir;

    @Test
    void followStageShowsLagChecklistVerificationAndDeadLetters() throws Exception {
        Optional<Path> chromium = chromium();
        Assumptions.assumeTrue(chromium.isPresent(), "skipped: Chromium is not installed here (set CHROMIUM_BIN, or "
                + "apt-get install -y chromium chromium-driver, as .ci/run does where apt is available)");
        MockClock clock = new MockClock();
        clock.add(Duration.ofMillis(System.currentTimeMillis())); // wall time near now, for the charts' axis
        try (MonitoringSession session = MonitoringSession.start(MonitoringOptions.defaults("flexible-migrate")
                .withMetricsPort(0).withInterval(Duration.ofHours(1)), clock)) {
            MetricsCollector metrics = session.collector();
            RunProgress progress = session.progress();
            String[] names = {"orders", "customers", "products", "invoices"};
            long[] totals = {120_000, 40_000, 8_000, 60_000};
            progress.state(RunProgress.State.COPYING);
            for (int i = 0; i < names.length; i++) {
                progress.namespace("shop." + names[i], "shop_atlas." + names[i]).documentsTotal(totals[i]).partitions(0, 8);
            }
            for (int s = 1; s <= 40; s++) {
                for (int i = 0; i < names.length; i++) {
                    RunProgress.NamespaceProgress ns = progress.namespace("shop." + names[i], "shop_atlas." + names[i]);
                    long step = Math.min(totals[i] / 30, totals[i] - metrics.forNamespace("shop." + names[i]).counts().documentsWritten());
                    metrics.forNamespace("shop." + names[i]).documentsWritten(step, step * 900);
                    metrics.forNamespace("shop." + names[i]).batchWritten(TimeUnit.MILLISECONDS.toNanos(30 + (s * 7 + i * 13) % 60));
                    ns.partitions(Math.min(8, s * 8 / 30), 8);
                    if (step == 0) {
                        ns.copyDone().state(RunProgress.State.FOLLOWING);
                    }
                }
                for (int t = 0; t < (s % 5) * 3; t++) {
                    metrics.throttled();
                }
                progress.pacingRate(6_000 + 150 * (s % 7)).concurrencyLimit(4 + s % 5);
                if (s == 31) {
                    progress.verification("match", 0);
                    progress.namespace("shop.orders", "shop_atlas.orders").verification("match", 0).deadLetters(3);
                    progress.deadLetters(3).cutover(5.0, Duration.ofSeconds(3)).state(RunProgress.State.FOLLOWING);
                }
                if (s > 31) {
                    progress.lagSeconds(Math.max(0.4, 14 - (s - 31) * 1.7)).pendingEvents(s < 38 ? 40 - s : 0);
                }
                clock.add(Duration.ofSeconds(1));
                session.monitor().sampleNow();
            }
            ProgressView view = session.progressView();
            assertThat(view.canCutover()).as(view.toJson()).isTrue();

            String base = "http://127.0.0.1:" + session.prometheusPort().getAsInt() + "/";
            String dom = runChromium(chromium.get(), base, "--dump-dom");
            assertThat(dom).contains("data-ready=\"true\"").contains("data-state=\"following\"");
            assertThat(dom).contains("ready to cut over");
            assertThat(dom).containsPattern("<li class=\"ok\"><b>lag</b>");
            assertThat(dom).containsPattern("<li class=\"ok\"><b>pending</b> 0 events pending");
            assertThat(dom).contains("Verification: <b>match</b>").contains("Dead letters: <b>3</b>");
            for (String name : names) {
                assertThat(dom).containsPattern("class=\"ns-row\" data-source=\"shop." + name + "\" data-percent=\"100\"");
            }
            assertThat(dom).containsPattern("id=\"chart-lag\" data-points=\"[1-9]\\d*\"");
            assertThat(dom).containsPattern("id=\"chart-pacing\" data-points=\"[1-9]\\d*\"");

            Path artefacts = Path.of("target", "dashboard").toAbsolutePath();
            Files.createDirectories(artefacts);
            Path png = artefacts.resolve("dashboard-follow.png");
            Files.deleteIfExists(png);
            runChromium(chromium.get(), base, "--screenshot=" + png);
            byte[] bytes = Files.readAllBytes(png);
            assertThat(new String(bytes, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
            assertThat(bytes.length).isGreaterThan(20_000);
        }
    }

    private String runChromium(Path binary, String url, String what) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(dir, "chromium");
        List<String> command = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile,
                "--window-size=1280,1560", "--virtual-time-budget=5000", what, url);
        Path out = dir.resolve("chromium.out");
        Path err = dir.resolve("chromium.err");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Chromium did not finish within 90 s: " + Files.readString(err));
        }
        assertThat(process.exitValue()).as("chromium exit code; stderr: %s", Files.readString(err)).isZero();
        return Files.readString(out);
    }

    static Optional<Path> chromium() {
        return Stream.of(System.getenv("CHROMIUM_BIN"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
                .filter(c -> c != null && !c.isBlank()).map(Path::of).filter(Files::isExecutable).findFirst();
    }
}
