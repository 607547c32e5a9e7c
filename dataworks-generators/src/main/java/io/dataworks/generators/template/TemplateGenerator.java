package io.dataworks.generators.template;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.random.RandomGenerator;

import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.generators.DocumentGenerator;
import io.dataworks.generators.template.internal.GenContext;
import io.dataworks.generators.template.internal.Related;
import io.dataworks.generators.template.internal.TemplateCompiler;

/**
 * A {@link DocumentGenerator} driven by a JSON template (mgeneratejs-compatible, plus Datafaker
 * expressions, distributions, references and sequences; see the README's template language section).
 *
 * <p>The template is parsed and compiled once, by {@link #compile}: any error surfaces there as a
 * {@link TemplateException} naming the JSON path. {@link #generate} then walks the compiled tree. It is
 * thread-safe and deterministic: document {@code index} depends only on {@code index} and the values
 * drawn from {@code random}, never on the thread or on the documents generated before.
 */
public final class TemplateGenerator implements DocumentGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(TemplateGenerator.class);

    private final String name;
    private final TemplateOptions options;
    private final TemplateCompiler.Compiled compiled;
    private final ThreadLocal<GenContext> contexts;

    private TemplateGenerator(String name, TemplateOptions options, TemplateCompiler.Compiled compiled) {
        this.name = name;
        this.options = options;
        this.compiled = compiled;
        this.contexts = ThreadLocal.withInitial(() -> new GenContext(compiled.maxDepth(), compiled.locales()));
    }

    /** Compiles the template in {@code templateFile} (UTF-8) with {@link TemplateOptions#DEFAULTS}. */
    public static TemplateGenerator compile(Path templateFile) {
        return compile(templateFile, TemplateOptions.DEFAULTS);
    }

    /** Compiles the template in {@code templateFile} (UTF-8). */
    public static TemplateGenerator compile(Path templateFile, TemplateOptions options) {
        Objects.requireNonNull(templateFile, "templateFile");
        String json;
        try {
            json = Files.readString(templateFile, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataWorksException(ExitCode.USAGE, "template " + templateFile + ": no such file", e);
        } catch (IOException e) {
            throw new DataWorksException(ExitCode.USAGE, "cannot read template " + templateFile + ": " + e, e);
        }
        Path fileName = templateFile.getFileName();
        return compile(json, fileName == null ? templateFile.toString() : fileName.toString(), options);
    }

    /** Compiles a template given as text; {@code sourceName} names it in {@link #name()} and in error messages. */
    public static TemplateGenerator compile(String json, String sourceName) {
        return compile(json, sourceName, TemplateOptions.DEFAULTS);
    }

    public static TemplateGenerator compile(String json, String sourceName, TemplateOptions options) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(options, "options");
        TemplateGenerator generator = new TemplateGenerator("template:" + sourceName, options,
                TemplateCompiler.compile(json, sourceName, options));
        generator.warnings().forEach(w -> LOG.warn("{}: {}", sourceName, w));
        return generator;
    }

    /** One collection of a template set, seeing the set's other collections through {@code related}. */
    static TemplateGenerator compile(String json, String sourceName, TemplateOptions options, Related related) {
        TemplateGenerator generator = new TemplateGenerator("template:" + sourceName, options,
                TemplateCompiler.compile(json, sourceName, options, related));
        generator.warnings().forEach(w -> LOG.warn("{}: {}", sourceName, w));
        return generator;
    }

    /**
     * What compiles but may not do what the author meant, each as {@code <json path>: <what>}, e.g. an
     * mgeneratejs handlebars string ({@code "{{chance.name()}}"}), which is written as it is. Also logged
     * at WARN when the template is compiled.
     */
    public List<String> warnings() {
        return compiled.warnings();
    }

    @Override
    public String name() {
        return name;
    }

    /** The options it was compiled with (e.g. to print the base time of {@code $now} in a report). */
    public TemplateOptions options() {
        return options;
    }

    @Override
    public String description() {
        return "documents from the JSON template " + name.substring("template:".length());
    }

    @Override
    public Document generate(long index, RandomGenerator random) {
        GenContext ctx = contexts.get();
        ctx.reset(index, random);
        return (Document) compiled.root().generate(random, ctx);
    }
}
