package io.dataworks.monitoring;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.dataworks.monitoring.internal.Json;
import io.dataworks.monitoring.internal.SnapshotCsv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Writes the snapshot series and the final {@link RunReport} for {@code --metrics-out}.
 *
 * <ul>
 *   <li>{@code json}: {@code {"snapshots": [...], "summary": {report}}}; instants are ISO-8601 strings,
 *       {@code eta} is seconds, unknown values ({@code percentDone}, {@code eta}) are {@code null}.</li>
 *   <li>{@code csv}: a header and one flat row per snapshot (see the column list in the README), then the
 *       summary as one comment line {@code # summary: {report as one-line JSON}}. One file holds the whole
 *       run; CSV readers skip the line when told that '#' starts a comment
 *       ({@code pandas.read_csv(path, comment='#')}, Jackson {@code CsvSchema.withComments()}).</li>
 * </ul>
 */
public final class MetricsExporter {

    /** Prefix of the CSV line holding the summary. */
    public static final String CSV_SUMMARY_PREFIX = "# summary: ";

    /** What an export holds, as read back by {@link #parse}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Export(List<PerformanceSnapshot> snapshots, RunReport summary) {
        public Export {
            snapshots = snapshots == null ? List.of() : List.copyOf(snapshots);
        }
    }

    private MetricsExporter() {
    }

    /**
     * The series and summary in {@code format} ({@code json} or {@code csv}, case-insensitive).
     *
     * @param summary the final report, or null to export the series alone
     */
    public static String export(String format, List<PerformanceSnapshot> snapshots, RunReport summary) {
        Objects.requireNonNull(snapshots, "snapshots");
        return switch (normalise(format)) {
            case "json" -> Json.pretty(new Export(snapshots, summary)) + "\n";
            case "csv" -> {
                String rows = SnapshotCsv.write(snapshots);
                yield summary == null ? rows : rows + CSV_SUMMARY_PREFIX + summary.toCompactJson() + "\n";
            }
            default -> throw unsupported(format);
        };
    }

    /** Writes {@link #export} to {@code path}, the format chosen by its extension ({@code .json} or {@code .csv}). */
    public static void write(Path path, List<PerformanceSnapshot> snapshots, RunReport summary) {
        Objects.requireNonNull(path, "path");
        String format = formatOf(path);
        RunReport.writeAtomically(path, export(format, snapshots, summary));
    }

    /** {@code json} or {@code csv} from the extension of {@code path}. */
    public static String formatOf(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return "json";
        }
        if (name.endsWith(".csv")) {
            return "csv";
        }
        throw new IllegalArgumentException("--metrics-out " + path
                + ": unknown format, the file name must end in .json or .csv");
    }

    /** Reads back what {@link #export} wrote. */
    public static Export parse(String format, String content) {
        Objects.requireNonNull(content, "content");
        return switch (normalise(format)) {
            case "json" -> Json.read(content, Export.class);
            case "csv" -> new Export(SnapshotCsv.read(content), csvSummary(content));
            default -> throw unsupported(format);
        };
    }

    /** Reads a file written by {@link #write}. */
    public static Export read(Path path) {
        try {
            return parse(formatOf(path), Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static RunReport csvSummary(String content) {
        int at = content.lastIndexOf("\n" + CSV_SUMMARY_PREFIX);
        int start = at >= 0 ? at + 1 : content.startsWith(CSV_SUMMARY_PREFIX) ? 0 : -1;
        if (start < 0) {
            return null;
        }
        int end = content.indexOf('\n', start);
        String json = content.substring(start + CSV_SUMMARY_PREFIX.length(), end < 0 ? content.length() : end);
        return RunReport.fromJson(json);
    }

    private static String normalise(String format) {
        return Objects.requireNonNull(format, "format").trim().toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException unsupported(String format) {
        return new IllegalArgumentException("unknown metrics format '" + format + "': use json or csv");
    }
}
