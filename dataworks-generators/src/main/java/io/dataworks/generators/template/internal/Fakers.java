package io.dataworks.generators.template.internal;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.bson.BsonBinarySubType;
import org.bson.types.Binary;

import net.datafaker.Faker;
import net.datafaker.service.RandomService;

/**
 * Datafaker expressions ({@code "#{Name.fullName}"}, mixed text allowed) and the compile-time probe
 * that validates them. At run time every expression draws from the per-thread Faker of its locale,
 * which {@link GenContext} points at the current document's random source.
 */
final class Fakers {

    private final Map<Locale, Faker> probes = new HashMap<>();

    /** A Faker for compile-time checks only, on a throwaway random source. */
    Faker probe(Locale locale) {
        return probes.computeIfAbsent(locale, l -> new Faker(l, new RandomService(new SplittableRandom(0x5EED))));
    }

    Node expression(TemplateCompiler c, String expr, Locale locale, String path) {
        int slot = c.localeSlot(locale);
        String probeValue;
        try {
            probeValue = probe(locale).expression(expr);
        } catch (RuntimeException e) {
            throw c.error(path, "Datafaker expression '" + expr + "' does not resolve: " + rootMessage(e));
        }
        if (probeValue == null || probeValue.contains("#{")) {
            throw c.error(path, "Datafaker expression '" + expr + "' does not resolve (got '" + probeValue + "')");
        }
        return new Expression(slot, expr);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** A Datafaker expression evaluated per document. */
    record Expression(int slot, String expr) implements Node {
        @Override
        public Object generate(RandomGenerator random, GenContext ctx) {
            return ctx.faker(slot).expression(expr);
        }
    }

    /** A UUID as BSON binary subtype 4 (the standard representation), so no codec setting is needed. */
    static Binary uuidBinary(long msb, long lsb) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (msb >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return new Binary(BsonBinarySubType.UUID_STANDARD, bytes);
    }

    /** A random (version 4) UUID drawn from {@code random}. */
    static Binary randomUuid(RandomGenerator random) {
        long msb = (random.nextLong() & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return uuidBinary(msb, lsb);
    }
}
