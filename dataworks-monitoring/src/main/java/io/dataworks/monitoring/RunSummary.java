package io.dataworks.monitoring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end of a run for a person: a few lines for stderr, from the {@link RunReport} (and the final
 * {@link ProgressView} when the engine fed a {@link RunProgress}):
 *
 * <pre>
 * flexible-migrate completed in 1:23.4: 4,000,000 documents, 48,192 docs/s, 0 failed, 340 throttled, 12 retries
 *   src.orders -> dst.orders        1,000,000 docs   0:41.0   24,390 docs/s   verification match   dead letters 0
 *   ...
 *   verification: match (4,000,000 source, 4,000,000 target)
 *   report: /runs/report.json   checkpoints: /runs/ckpt   dead letters: /runs/dead.jsonl
 * </pre>
 *
 * Every figure is the report's own; nothing is printed that the report does not say. The text is not masked here:
 * the caller passes it through its secret masker ({@link MonitoringSession#finish(RunReport.Builder, Path)} does).
 */
public final class RunSummary {

    private RunSummary() {
    }

    /**
     * The summary lines (ending with a line separator).
     *
     * @param progress   the final progress view, or null
     * @param reportPath where the JSON report went ({@code -} for stdout), or null when it was not written
     */
    public static String format(RunReport report, ProgressView progress, Path reportPath) {
        return format(report, progress, reportPath, null);
    }

    /**
     * As {@link #format(RunReport, ProgressView, Path)}; {@code reportError}, when not null, says why the report could
     * not be written to {@code reportPath}.
     */
    public static String format(RunReport report, ProgressView progress, Path reportPath, String reportError) {
        StringBuilder b = new StringBuilder(256);
        String nl = System.lineSeparator();
        b.append(report.tool()).append(' ').append(report.status().replace('_', ' '))
                .append(" in ").append(duration(report.durationSeconds())).append(": ")
                .append(String.format(Locale.ROOT, "%,d documents written, %,.0f docs/s, %.1f MB/s",
                        report.documentsWritten(), report.documentsPerSecond(), report.mbPerSecond()));
        if (report.documentsSkipped() > 0) {
            b.append(String.format(Locale.ROOT, ", %,d already there", report.documentsSkipped()));
        }
        b.append(String.format(Locale.ROOT, ", %,d failed, %,d throttled, %,d retries",
                report.documentsFailed(), report.throttledRequests(), report.retries()));
        if (report.seed() != null) {
            b.append(", seed ").append(report.seed());
        }
        b.append(nl);

        for (String line : namespaceLines(report, progress)) {
            b.append("  ").append(line).append(nl);
        }
        RunReport.Verification v = report.verification();
        if (v != null) {
            b.append("  verification: ").append(v.status());
            if (v.sourceCount() != null && v.targetCount() != null) {
                b.append(String.format(Locale.ROOT, " (%,d source, %,d target", v.sourceCount(), v.targetCount()));
                if (v.mismatchedPartitions() != null && v.mismatchedPartitions() > 0) {
                    b.append(String.format(Locale.ROOT, ", %,d mismatched partitions", v.mismatchedPartitions()));
                }
                b.append(')');
            }
            if (v.diffFile() != null) {
                b.append(", differences in ").append(v.diffFile());
            }
            b.append(nl);
        }
        Map<String, Object> details = report.details() == null ? Map.of() : report.details();
        if (details.get("error") != null) {
            b.append("  error: ").append(details.get("error")).append(nl);
        }
        List<String> where = new ArrayList<>();
        where.add("report: " + (reportPath == null ? "not written (--report PATH, or - for stdout)"
                : reportError != null ? "NOT written to " + reportPath + " (" + reportError + ")"
                : RunReport.isStdout(reportPath) ? "stdout" : reportPath.toString()));
        if (details.get("output") != null) {
            where.add("output: " + details.get("output"));
        }
        if (details.get("checkpointDir") != null) {
            where.add("checkpoints: " + details.get("checkpointDir"));
        }
        if (details.get("deadLetter") != null) {
            where.add("dead letters: " + details.get("deadLetter"));
        }
        b.append("  ").append(String.join("   ", where)).append(nl);
        return b.toString();
    }

    private static List<String> namespaceLines(RunReport report, ProgressView progress) {
        Map<String, ProgressView.Namespace> fed = new LinkedHashMap<>();
        if (progress != null) {
            progress.namespaces().forEach(ns -> fed.put(ns.source(), ns));
        }
        Map<String, Object> details = report.details() == null ? Map.of() : report.details();
        Map<String, String> verification = new LinkedHashMap<>();
        if (details.get("verification") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("source") != null && m.get("status") != null) {
                    verification.put(String.valueOf(m.get("source")), String.valueOf(m.get("status")));
                }
            }
        }
        Map<?, ?> steps = details.get("stepSeconds") instanceof Map<?, ?> m ? m : Map.of();
        List<String[]> rows = new ArrayList<>();
        if (report.namespaces() != null) {
            for (RunReport.NamespaceReport ns : report.namespaces()) {
                ProgressView.Namespace p = fed.get(ns.source());
                Double seconds = steps.get(ns.source()) instanceof Map<?, ?> s && s.get("copy") instanceof Number n
                        ? n.doubleValue() : null;
                String verified = verification.getOrDefault(ns.source(), p == null ? null : p.verification());
                rows.add(row(ns.source() + " -> " + ns.target(), ns.documentsWritten(), seconds, verified,
                        p == null ? null : p.deadLetters()));
            }
        } else {
            for (ProgressView.Namespace p : fed.values()) {
                rows.add(row(p.source() + (p.target() == null ? "" : " -> " + p.target()), p.documentsCopied(),
                        null, p.verification(), p.deadLetters()));
            }
        }
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
        List<String> lines = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(r[0]).append(" ".repeat(width - r[0].length())).append("  ").append(r[1]);
            for (int i = 2; i < r.length; i++) {
                if (r[i] != null) {
                    line.append("   ").append(r[i]);
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static String[] row(String name, long documents, Double seconds, String verification, Long deadLetters) {
        // built by hand, not by String.format: a run of many small collections prints a row for each, and a
        // Formatter per field cost about 0.1 ms a row at the end of such a run, where nothing else runs beside it
        return new String[] {
            name,
            padLeft(grouped(documents), 13) + " docs",
            seconds == null ? null : padLeft(duration(seconds), 8),
            seconds == null || seconds <= 0 ? null : padLeft(grouped(Math.round(documents / seconds)), 9) + " docs/s",
            verification == null ? null : "verification " + verification,
            deadLetters == null ? null : "dead letters " + grouped(deadLetters)};
    }

    /** {@code 1234567} as {@code 1,234,567}, as {@code %,d} in the root locale. */
    static String grouped(long value) {
        String digits = Long.toString(value);
        int sign = value < 0 ? 1 : 0;
        StringBuilder b = new StringBuilder(digits.length() + digits.length() / 3);
        for (int i = 0; i < digits.length(); i++) {
            if (i > sign && (digits.length() - i) % 3 == 0) {
                b.append(',');
            }
            b.append(digits.charAt(i));
        }
        return b.toString();
    }

    private static String padLeft(String text, int width) {
        return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
    }

    /** {@code 12.3 s}, {@code 4:05.0}, {@code 1:02:03}. */
    static String duration(double seconds) {
        if (Double.isNaN(seconds)) {
            return "-";
        }
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long whole = (long) seconds;
        if (whole < 3600) {
            return String.format(Locale.ROOT, "%d:%04.1f", whole / 60, seconds - whole / 60 * 60);
        }
        return String.format(Locale.ROOT, "%d:%02d:%02d", whole / 3600, whole / 60 % 60, whole % 60);
    }
}
