package io.dataworks.generators.template;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * Compile-time settings of a template.
 *
 * @param baseTime what {@code $now} returns and the time part of {@code $objectid}; fixed by default
 *                 ({@link #DEFAULT_BASE_TIME}) so that a seed reproduces a run on any day. Pass
 *                 {@code Instant.now()} to stamp documents with the run's start instead.
 * @param locale   the default Datafaker locale (a {@code $faker} operator may name its own)
 */
public record TemplateOptions(Instant baseTime, Locale locale) {

    /** 2025-01-01T00:00:00Z. */
    public static final Instant DEFAULT_BASE_TIME = Instant.parse("2025-01-01T00:00:00Z");

    public static final TemplateOptions DEFAULTS = new TemplateOptions(DEFAULT_BASE_TIME, Locale.ENGLISH);

    public TemplateOptions {
        Objects.requireNonNull(baseTime, "baseTime");
        Objects.requireNonNull(locale, "locale");
    }

    public TemplateOptions withBaseTime(Instant baseTime) {
        return new TemplateOptions(baseTime, locale);
    }

    public TemplateOptions withLocale(Locale locale) {
        return new TemplateOptions(baseTime, locale);
    }
}
