package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSummaryTest {

    @TempDir
    Path dir;

    @Test
    void aMigrationSummaryGivesEachNamespaceTotalsVerificationAndWhereThingsAre() {
        RunReport report = RunReport.builder("flexible-migrate").documentsWritten(1_500_000).documentsFailed(2)
                .durationSeconds(83.4).documentsPerSecond(17_985.6).mbPerSecond(21.3).throttledRequests(340).retries(12)
                .namespace(new RunReport.NamespaceReport("src.orders", "dst.orders", 1_000_000, 8, "sample"))
                .namespace(new RunReport.NamespaceReport("src.customers", "dst.customers", 500_000, 4, "sample"))
                .verification(RunReport.Verification.of("match", 1_500_000, 1_500_000, 0))
                .detail("stepSeconds", Map.of("src.orders", Map.of("copy", 41.0), "src.customers", Map.of("copy", 20.0)))
                .detail("verification", List.of(Map.of("source", "src.orders", "status", "match"),
                        Map.of("source", "src.customers", "status", "match")))
                .detail("checkpointDir", "/runs/ckpt").detail("deadLetter", "/runs/dead.jsonl")
                .detail("error", "cannot reach mongodb://admin:s3cret@host/")
                .build();
        RunProgress progress = RunProgress.create(new MockClock());
        progress.namespace("src.orders", "dst.orders").deadLetters(2);

        String text = RunSummary.format(report, progress.view(null), Path.of("/runs/report.json"));

        assertThat(text.lines().toList()).containsExactly(
                "flexible-migrate completed in 1:23.4: 1,500,000 documents written, 17,986 docs/s, 21.3 MB/s, 2 failed, 340 throttled, 12 retries",
                "  src.orders -> dst.orders            1,000,000 docs     41.0 s      24,390 docs/s   verification match   dead letters 2",
                "  src.customers -> dst.customers        500,000 docs     20.0 s      25,000 docs/s   verification match",
                "  verification: match (1,500,000 source, 1,500,000 target)",
                "  error: cannot reach mongodb://admin:s3cret@host/", // the session masks, with the caller's masker
                "  report: /runs/report.json   checkpoints: /runs/ckpt   dead letters: /runs/dead.jsonl");
    }

    @Test
    void finishPrintsTheSummaryAndWritesTheReportOnlyWhereAsked() throws Exception {
        MockClock clock = new MockClock();
        Path file = dir.resolve("out/report.json");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (MonitoringSession session = MonitoringSession.start(
                MonitoringOptions.defaults("flexible-generator").withInterval(Duration.ofHours(1)), clock)) {
            session.progress().state(RunProgress.State.COPYING).namespace("t.json", "file out.jsonl").documentsTotal(10).wholeRun();
            session.collector().documentsWritten(10, 100);
            clock.add(Duration.ofSeconds(2));
            RunReport report = session.finish(RunReport.builder("flexible-generator").seed(3L), file,
                    new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(RunReport.fromJson(Files.readString(file))).isEqualTo(report);
            assertThat(session.progressView().state()).isEqualTo("done");
            assertThat(session.progressView().percent()).isEqualTo(100.0);
        }
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(String.join(System.lineSeparator(),
                "flexible-generator completed in 2.0 s: 10 documents written, 5 docs/s, 0.0 MB/s, 0 failed, 0 throttled, 0 retries, seed 3",
                "  t.json -> file out.jsonl             10 docs   dead letters 0",
                "  report: " + file, ""));
    }

    @Test
    void withReportDashTheJsonGoesToOutAndOnlyThere() {
        MockClock clock = new MockClock();
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        try (MonitoringSession session = MonitoringSession.start(MonitoringOptions.defaults("flexible-migrate")
                .withInterval(Duration.ofHours(1)).withRedactor(s -> s.replace("s3cret", "*****")), clock)) {
            session.collector().forNamespace("a.b").documentsWritten(7, 70);
            clock.add(Duration.ofSeconds(1));
            session.finish(RunReport.builder("flexible-migrate").detail("error", "mongodb://u:s3cret@h"), Path.of("-"),
                    new java.io.PrintWriter(out), new java.io.PrintWriter(err));
        }
        RunReport printed = RunReport.fromJson(out.toString());
        assertThat(printed.documentsWritten()).isEqualTo(7);
        assertThat(out.toString()).doesNotContain("s3cret").contains("u:*****@h");
        assertThat(err.toString()).contains("report: stdout").doesNotContain("s3cret").doesNotContain("{");
    }

    @Test
    void aReportThatCannotBeWrittenIsSaidSoInTheSummaryAndThrown() throws Exception {
        Path blocker = Files.writeString(dir.resolve("file"), "x");
        Path report = blocker.resolve("report.json"); // a file's child: cannot be created
        java.io.StringWriter err = new java.io.StringWriter();
        try (MonitoringSession session = MonitoringSession.start(
                MonitoringOptions.defaults("flexible-migrate").withInterval(Duration.ofHours(1)), new MockClock())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.finish(RunReport.builder("flexible-migrate"),
                            report, new java.io.PrintWriter(new java.io.StringWriter()), new java.io.PrintWriter(err)))
                    .isInstanceOf(java.io.UncheckedIOException.class);
        }
        assertThat(err.toString()).contains("report: NOT written to " + report);
    }

    @Test
    void aDashMeansStdout() {
        assertThat(RunReport.isStdout(Path.of("-"))).isTrue();
        assertThat(RunReport.isStdout(Path.of("./-"))).isFalse();
        assertThat(RunReport.isStdout(Path.of("report.json"))).isFalse();
        assertThat(RunReport.isStdout(null)).isFalse();
    }

    @Test
    void groupedNumbersReadAsFormattersDoInTheRootLocale() {
        for (long value : new long[] {0, 7, 999, 1_000, -1_000, 12_345, 999_999, 1_000_000, -123_456_789, Long.MAX_VALUE, Long.MIN_VALUE}) {
            assertThat(RunSummary.grouped(value)).as("%d", value).isEqualTo(String.format(java.util.Locale.ROOT, "%,d", value));
        }
    }
}
