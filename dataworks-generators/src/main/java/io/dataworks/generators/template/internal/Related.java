package io.dataworks.generators.template.internal;

import java.util.Set;
import java.util.function.LongFunction;

import org.bson.Document;

/**
 * What a template of a template set sees of the other collections of its set: {@code $pickFrom} reads
 * any earlier collection's documents (regenerated from their index, never held), {@code $parent} the
 * document of the parent collection that the document being generated belongs to.
 */
public interface Related {

    /** A collection of the set, or null when there is none of that name. */
    Target target(String name);

    /** The parent collection's name, or null when this collection has none. */
    String parentName();

    /** The parent document of the document being generated on this thread. */
    Document currentParent();

    /**
     * One collection: its document count, its top-level field names (what may be read), and document
     * {@code i} exactly as the run writes it.
     */
    record Target(String name, long count, Set<String> fields, LongFunction<Document> document) {
    }
}
