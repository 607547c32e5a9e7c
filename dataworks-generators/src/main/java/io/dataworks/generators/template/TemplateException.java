package io.dataworks.generators.template;

import java.util.List;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;

/**
 * A template is malformed: bad JSON, an unknown operator, a bad option value, a reference to a field
 * that does not precede it. Raised by {@link TemplateGenerator#compile} before anything is generated,
 * always with exit code 2 (usage). The message reads {@code <source>: <json path>: <what is wrong>},
 * e.g. {@code orders.json: $.lines.of.price: unknown operator $flot (did you mean $floating?)}.
 *
 * <p>It extends {@link DataWorksException} with {@link ExitCode#USAGE} rather than
 * {@code ConfigException}, which is final; the CLI maps both to exit code 2.
 */
public final class TemplateException extends DataWorksException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final String path;
    private final String detail;
    private final List<TemplateException> problems;

    public TemplateException(String source, String path, String detail) {
        this(source, path, detail, null);
    }

    public TemplateException(String source, String path, String detail, Throwable cause) {
        super(ExitCode.USAGE, source + ": " + path + ": " + detail, cause);
        this.source = source;
        this.path = path;
        this.detail = detail;
        this.problems = List.of(this);
    }

    /**
     * Several mistakes found in one template, reported together (one per line, each with its JSON path);
     * {@link #path()} is the first one's.
     */
    public TemplateException(String source, List<TemplateException> problems) {
        super(ExitCode.USAGE, summary(source, problems), problems.get(0));
        this.source = source;
        this.path = problems.get(0).path();
        this.detail = problems.get(0).detail();
        this.problems = List.copyOf(problems);
    }

    private static String summary(String source, List<TemplateException> problems) {
        StringBuilder sb = new StringBuilder(source).append(": ").append(problems.size()).append(" mistakes:");
        for (TemplateException p : problems) {
            sb.append(System.lineSeparator()).append("  ").append(p.path()).append(": ").append(p.detail());
        }
        return sb.toString();
    }

    /** What is wrong, without the source and the path. */
    public String detail() {
        return detail;
    }

    /** Every mistake found (this one alone when there was one), in template order. */
    public List<TemplateException> problems() {
        return problems;
    }

    /** The template's name (file name, or the name given to {@link TemplateGenerator#compile(String, String)}). */
    public String source() {
        return source;
    }

    /** The JSON path of the offending value, e.g. {@code $.lines.of.price}, or a line/column for bad JSON. */
    public String path() {
        return path;
    }
}
