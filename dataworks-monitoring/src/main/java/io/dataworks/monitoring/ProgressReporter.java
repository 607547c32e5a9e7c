package io.dataworks.monitoring;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows progress from the monitor's snapshots: when stderr is a terminal, one line on stderr redrawn in place
 * with {@code '\r'} at every snapshot; otherwise (CI, a pipe, {@code 2> file}) a plain INFO log line every few
 * seconds, and no carriage return ever reaches the file. Whether stdout is a terminal does not matter: stdout
 * carries documents or the report.
 *
 * <p>While the line is drawn on {@code System.err}, {@code System.err} is replaced by a stream that blanks the
 * line before anything else is written (a log line, an alert), so that output starts at the left margin and is
 * never glued to the progress; the next snapshot draws the line again. {@link #close()} puts the original back.
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

        /** A terminal when stderr is one ({@link #stderrIsTerminal()}), stderr, SLF4J INFO, every 5 seconds. */
        public static Settings defaults() {
            return new Settings(stderrIsTerminal(), System.err, LOG::info, DEFAULT_LOG_EVERY);
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
    private boolean closed;
    /** Others wrote a partial line since the progress was last drawn: start the next draw on a new line. */
    private boolean foreignMidLine;
    /** The {@code System.err} this reporter replaced, to restore at close; null when it did not. */
    private PrintStream replacedErr;
    private PrintStream guardedErr;

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
        if (settings.terminal() && settings.out() == System.err) {
            reporter.guardSystemErr();
        }
        monitor.addSnapshotListener(reporter.listener);
        return reporter;
    }

    /**
     * A stream for everyone else who writes to the progress line's terminal: it blanks the line first. Installed as
     * {@code System.err} when the line goes to {@code System.err}.
     */
    public synchronized PrintStream sharedStream() {
        if (guardedErr == null) {
            guardedErr = new PrintStream(new Guard(settings.out()), true, StandardCharsets.UTF_8);
        }
        return guardedErr;
    }

    private synchronized void guardSystemErr() {
        replacedErr = System.err;
        System.setErr(sharedStream());
    }

    /** What others write goes through here: the progress line is blanked before it. */
    private final class Guard extends OutputStream {
        private final PrintStream raw;

        Guard(PrintStream raw) {
            this.raw = raw;
        }

        @Override
        public void write(int b) {
            synchronized (ProgressReporter.this) {
                blank();
                raw.write(b);
                foreignMidLine = b != '\n';
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len <= 0) {
                return;
            }
            synchronized (ProgressReporter.this) {
                blank();
                raw.write(b, off, len);
                foreignMidLine = b[off + len - 1] != '\n';
            }
        }

        @Override
        public void flush() {
            raw.flush();
        }
    }

    /** True when stderr (file descriptor 2) is a terminal; where {@code /proc} is missing, when there is a console. */
    public static boolean stderrIsTerminal() {
        try {
            return isTerminalDevice(Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString());
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    /** Whether a file descriptor's link target ({@code /dev/pts/3}, {@code /tmp/err.log}, {@code pipe:[42]}) is a terminal. */
    static boolean isTerminalDevice(String target) {
        return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    }

    /** Shows one snapshot (called by the monitor; public for callers that sample themselves). */
    public synchronized void onSnapshot(PerformanceSnapshot snapshot) {
        if (closed) {
            return;
        }
        String line = format(snapshot);
        if (settings.terminal()) {
            int pad = Math.max(0, lastLength - line.length());
            settings.out().print((foreignMidLine ? "\n" : "\r") + line + " ".repeat(pad));
            settings.out().flush();
            foreignMidLine = false;
            lastLength = line.length();
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
        if (!closed) {
            blank();
        }
    }

    private void blank() {
        if (settings.terminal() && lastLength > 0) {
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
        if (lastLength > 0) {
            settings.out().println(); // end the progress line: what follows starts on a line of its own
            settings.out().flush();
            lastLength = 0;
        }
        if (replacedErr != null && System.err == guardedErr) {
            System.setErr(replacedErr);
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
