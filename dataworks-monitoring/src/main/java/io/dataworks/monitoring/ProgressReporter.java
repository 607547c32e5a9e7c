package io.dataworks.monitoring;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows progress from the monitor's snapshots: on a terminal, one line on stderr redrawn in place
 * with {@code '\r'} at every snapshot; otherwise (CI, a pipe) a plain INFO log line every few seconds.
 * stdout is left alone so the CLIs can print their report there.
 *
 * <pre>
 *  42.0% 420,000/1,000,000 docs | 12,345 docs/s | 3.4 MB/s | ETA 0:00:47 | errors 0 | throttled 12
 * </pre>
 */
public final class ProgressReporter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

    /**
     * Where and how often progress goes.
     *
     * @param terminal redraw one line on {@code out} (true) or log through {@code log} (false)
     * @param out      the terminal stream
     * @param log      receives the plain lines when not on a terminal
     * @param logEvery time between two plain lines (snapshot time, so a manual clock drives it)
     */
    public record Settings(boolean terminal, PrintStream out, Consumer<String> log, Duration logEvery) {
        /** Default time between two plain log lines. */
        public static final Duration DEFAULT_LOG_EVERY = Duration.ofSeconds(5);

        public Settings {
            Objects.requireNonNull(out, "out");
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(logEvery, "logEvery");
        }

        /** A terminal when {@link System#console()} is there, stderr, SLF4J INFO, every 5 seconds. */
        public static Settings defaults() {
            return new Settings(System.console() != null, System.err, LOG::info, DEFAULT_LOG_EVERY);
        }

        public Settings withTerminal(boolean value) {
            return new Settings(value, out, log, logEvery);
        }

        public Settings withOut(PrintStream value) {
            return new Settings(terminal, value, log, logEvery);
        }

        public Settings withLog(Consumer<String> value) {
            return new Settings(terminal, out, value, logEvery);
        }

        public Settings withLogEvery(Duration value) {
            return new Settings(terminal, out, log, value);
        }
    }

    private final PerformanceMonitor monitor;
    private final Settings settings;
    private final Consumer<PerformanceSnapshot> listener = this::onSnapshot;
    private Instant lastLogged;
    private int lastLength;
    private boolean drawn;
    private boolean closed;

    private ProgressReporter(PerformanceMonitor monitor, Settings settings) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Reports every snapshot of {@code monitor} with the default settings. */
    public static ProgressReporter attach(PerformanceMonitor monitor) {
        return attach(monitor, Settings.defaults());
    }

    public static ProgressReporter attach(PerformanceMonitor monitor, Settings settings) {
        ProgressReporter reporter = new ProgressReporter(monitor, settings);
        monitor.addSnapshotListener(reporter.listener);
        return reporter;
    }

    /** Shows one snapshot (called by the monitor; public for callers that sample themselves). */
    public synchronized void onSnapshot(PerformanceSnapshot snapshot) {
        if (closed) {
            return;
        }
        String line = format(snapshot);
        if (settings.terminal()) {
            int pad = Math.max(0, lastLength - line.length());
            settings.out().print("\r" + line + " ".repeat(pad));
            settings.out().flush();
            lastLength = line.length();
            drawn = true;
        } else if (lastLogged == null
                ? snapshot.elapsedSeconds() >= settings.logEvery().toMillis() / 1000.0
                : Duration.between(lastLogged, snapshot.timestamp()).compareTo(settings.logEvery()) >= 0) {
            settings.log().accept(line);
            lastLogged = snapshot.timestamp();
        }
    }

    /**
     * On a terminal, blanks the progress line so that a log line written next (an alert) starts at the
     * left margin instead of after the progress; the next snapshot draws the line again.
     */
    public synchronized void clearLine() {
        if (settings.terminal() && drawn && !closed && lastLength > 0) {
            settings.out().print("\r" + " ".repeat(lastLength) + "\r");
            settings.out().flush();
            lastLength = 0;
        }
    }

    /** Stops reporting; on a terminal, ends the progress line so what follows starts on a new line. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        monitor.removeSnapshotListener(listener);
        if (drawn) {
            settings.out().println();
            settings.out().flush();
        }
    }

    /** The progress line for one snapshot. */
    public static String format(PerformanceSnapshot s) {
        StringBuilder b = new StringBuilder(128);
        if (s.totalKnown()) {
            b.append(String.format(Locale.ROOT, "%5.1f%% %,d/%,d docs", s.percentDone(), s.documentsDone(), s.total()));
        } else {
            b.append(String.format(Locale.ROOT, "%,d docs", s.documentsDone()));
        }
        b.append(String.format(Locale.ROOT, " | %,.0f docs/s | %.1f MB/s", s.documentsPerSecond(), s.mbPerSecond()));
        if (s.totalKnown()) {
            b.append(" | ETA ").append(formatEta(s.eta()));
        }
        b.append(String.format(Locale.ROOT, " | errors %,d | throttled %,d", s.documentsFailed(), s.throttles()));
        return b.toString();
    }

    /** {@code h:mm:ss}, or {@code --:--:--} when unknown. */
    public static String formatEta(Duration eta) {
        if (eta == null) {
            return "--:--:--";
        }
        long seconds = (eta.toMillis() + 999) / 1000;
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }
}
