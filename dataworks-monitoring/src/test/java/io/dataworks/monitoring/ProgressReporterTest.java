package io.dataworks.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ProgressReporterTest {

    private static final long MB = 1024 * 1024;

    private final MockClock clock = new MockClock();
    private final MetricsCollector collector = MetricsCollector.create(new SimpleMeterRegistry(), clock, () -> 10.0);
    private final PerformanceMonitor monitor = PerformanceMonitor.create(collector, Duration.ofSeconds(1));
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final List<String> logged = new CopyOnWriteArrayList<>();

    private void second(long docs) {
        collector.documentsWritten(docs, docs * 1024);
        clock.add(Duration.ofSeconds(1));
        monitor.sampleNow();
    }

    @Test
    void formatsPercentRatesEtaErrorsAndThrottles() {
        collector.total(10_000);
        collector.documentsWritten(4_000, 40 * MB);
        collector.documentsFailed(200);
        collector.throttled();
        clock.add(Duration.ofSeconds(10));
        PerformanceSnapshot s = collector.getCurrentPerformance();

        assertThat(ProgressReporter.format(s)).isEqualTo(
                " 42.0% 4,200/10,000 docs | 400 docs/s | 4.0 MB/s | ETA 0:00:14 | errors 200 | throttled 1");
    }

    @Test
    void withoutATotalThereIsNoPercentNorEta() {
        collector.documentsWritten(1_234_567, 0);
        clock.add(Duration.ofSeconds(1));
        assertThat(ProgressReporter.format(collector.getCurrentPerformance()))
                .isEqualTo("1,234,567 docs | 1,234,567 docs/s | 0.0 MB/s | errors 0 | throttled 0");
    }

    @Test
    void etaFormat() {
        assertThat(ProgressReporter.formatEta(null)).isEqualTo("--:--:--");
        assertThat(ProgressReporter.formatEta(Duration.ZERO)).isEqualTo("0:00:00");
        assertThat(ProgressReporter.formatEta(Duration.ofMillis(1_001))).isEqualTo("0:00:02");
        assertThat(ProgressReporter.formatEta(Duration.ofSeconds(3_723))).isEqualTo("1:02:03");
        assertThat(ProgressReporter.formatEta(Duration.ofHours(30))).isEqualTo("30:00:00");
    }

    @Test
    void onATerminalOneLineIsRedrawnInPlace() {
        ProgressReporter reporter = ProgressReporter.attach(monitor, settings(true));
        second(100_000);
        second(5);
        reporter.close();
        second(7); // after close: nothing more

        String text = bytes.toString(StandardCharsets.UTF_8);
        String[] frames = text.split("\r", -1);
        assertThat(frames).hasSize(3); // "", first frame, second frame
        assertThat(frames[1]).startsWith("100,000 docs | 100,000 docs/s");
        // the shorter second frame is padded so no trace of the first remains
        assertThat(frames[2]).startsWith("100,005 docs | 5 docs/s").endsWith(System.lineSeparator());
        assertThat(frames[2].stripTrailing()).hasSizeLessThan(frames[1].length());
        assertThat(frames[2].length() - System.lineSeparator().length()).isEqualTo(frames[1].length());
        assertThat(text).doesNotContain("\n" + "100,0"); // never a new line per frame
        assertThat(logged).isEmpty();
    }

    @Test
    void clearLineBlanksTheProgressSoALogLineStartsClean() {
        try (ProgressReporter reporter = ProgressReporter.attach(monitor, settings(true))) {
            second(42);
            reporter.clearLine();
            String text = bytes.toString(StandardCharsets.UTF_8);
            String frame = "42 docs | 42 docs/s | 0.0 MB/s | errors 0 | throttled 0";
            assertThat(text).isEqualTo("\r" + frame + "\r" + " ".repeat(frame.length()) + "\r");
        }
    }

    @Test
    void offATerminalAPlainLineEveryFewSeconds() {
        try (ProgressReporter reporter = ProgressReporter.attach(monitor, settings(false))) {
            for (int i = 0; i < 12; i++) {
                second(10);
            }
            assertThat(reporter).isNotNull();
        }
        assertThat(bytes.size()).isZero();
        assertThat(logged).containsExactly(
                "50 docs | 10 docs/s | 0.0 MB/s | errors 0 | throttled 0",
                "100 docs | 10 docs/s | 0.0 MB/s | errors 0 | throttled 0");
    }

    private ProgressReporter.Settings settings(boolean terminal) {
        return ProgressReporter.Settings.defaults().withTerminal(terminal).withOut(out).withLog(logged::add)
                .withLogEvery(Duration.ofSeconds(5));
    }

    /** Issue 12 bug 6: the final log line (written to System.err, as logback does) was glued to the progress line. */
    @Test
    void aLineWrittenToStderrWhileTheProgressIsDrawnStartsAtTheLeftMarginOnItsOwnLine() {
        PrintStream original = System.err;
        System.setErr(out);
        try {
            ProgressReporter reporter = ProgressReporter.attach(monitor,
                    ProgressReporter.Settings.defaults().withTerminal(true).withLog(logged::add));
            second(42);
            System.err.println("12:00:01.000 INFO  FlexibleGenerator - wrote 42 documents");
            second(8);
            reporter.close();
            assertThat(System.err).isSameAs(out); // the original stream is back
            System.err.println("after the run");
        } finally {
            System.setErr(original);
        }
        List<String> screen = terminal(bytes.toString(StandardCharsets.UTF_8));
        assertThat(screen).containsExactly(
                "12:00:01.000 INFO  FlexibleGenerator - wrote 42 documents",
                "50 docs | 8 docs/s | 0.0 MB/s | errors 0 | throttled 0",
                "after the run");
    }

    @Test
    void onlyATerminalDeviceOnStderrCountsAsATerminal() {
        assertThat(ProgressReporter.isTerminalDevice("/dev/pts/3")).isTrue();
        assertThat(ProgressReporter.isTerminalDevice("/dev/tty1")).isTrue();
        assertThat(ProgressReporter.isTerminalDevice("/tmp/err.log")).isFalse(); // 2> err.log
        assertThat(ProgressReporter.isTerminalDevice("pipe:[41230]")).isFalse();
        assertThat(ProgressReporter.isTerminalDevice("/dev/null")).isFalse();
        // the test JVM's stderr is a pipe or a file, whatever stdout is
        assertThat(ProgressReporter.stderrIsTerminal()).isFalse();
        assertThat(ProgressReporter.Settings.defaults().terminal()).isFalse();
    }

    /** What a terminal shows for this output: '\r' returns to column 0 and overwrites, trailing blanks dropped. */
    static List<String> terminal(String output) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        int col = 0;
        for (char c : output.toCharArray()) {
            if (c == '\n') {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
                col = 0;
            } else if (c == '\r') {
                col = 0;
            } else {
                if (col < line.length()) {
                    line.setCharAt(col, c);
                } else {
                    line.append(c);
                }
                col++;
            }
        }
        if (!line.toString().isBlank()) {
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }
}
