package io.dataworks.generators.template;

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

    public TemplateException(String source, String path, String detail) {
        this(source, path, detail, null);
    }

    public TemplateException(String source, String path, String detail, Throwable cause) {
        super(ExitCode.USAGE, source + ": " + path + ": " + detail, cause);
        this.source = source;
        this.path = path;
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
