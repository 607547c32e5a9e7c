package io.dataworks.generators.template.internal;

import java.util.List;
import java.util.Locale;
import java.util.random.RandomGenerator;

import org.bson.Document;

import net.datafaker.Faker;
import net.datafaker.service.RandomService;

/**
 * Per-thread, per-document state of a compiled template: the document index, the documents under
 * construction (one per object nesting level, for {@code $ref}), and this thread's Datafaker instances.
 * Not thread-safe; {@code TemplateGenerator} keeps one per thread and {@link #reset}s it per document.
 */
public final class GenContext {

    private final Document[] scopes;
    private final List<Locale> locales;
    private final Faker[] fakers;
    private final SwappableRandom fakerRandom = new SwappableRandom();
    private long index;
    private int elementIndex = -1;

    public GenContext(int maxDepth, List<Locale> locales) {
        this.scopes = new Document[maxDepth + 1];
        this.locales = List.copyOf(locales);
        this.fakers = new Faker[locales.size()];
    }

    /** Prepares for document {@code index}, drawing from {@code random}. */
    public void reset(long index, RandomGenerator random) {
        this.index = index;
        this.elementIndex = -1;
        fakerRandom.delegate(random);
    }

    public long index() {
        return index;
    }

    /** The position of the element being generated in the innermost {@code $array}; -1 outside arrays. */
    int elementIndex() {
        return elementIndex;
    }

    /** Sets the element position, returning the previous one (restored when the array is done). */
    int elementIndex(int i) {
        int previous = elementIndex;
        elementIndex = i;
        return previous;
    }

    void enter(int depth, Document doc) {
        scopes[depth] = doc;
    }

    Document scope(int depth) {
        return scopes[depth];
    }

    /**
     * This thread's Faker for the locale registered in slot {@code slot}, drawing from the current
     * document's random source. Built on first use (that costs milliseconds, once per thread).
     */
    Faker faker(int slot) {
        Faker faker = fakers[slot];
        if (faker == null) {
            faker = new Faker(locales.get(slot), new RandomService(fakerRandom));
            fakers[slot] = faker;
        }
        return faker;
    }
}
