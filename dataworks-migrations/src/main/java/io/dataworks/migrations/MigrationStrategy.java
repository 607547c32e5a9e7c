package io.dataworks.migrations;

import java.util.List;

import org.bson.BsonDocument;

/**
 * The migration strategy SPI: what happens to each document between the source and the target.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader} (on the classpath and in
 * {@code --plugins DIR}) and selected by {@link #name()}. {@link #transform} is called from several
 * threads at once and must not keep mutable state between calls.
 */
public interface MigrationStrategy {

    /** The name users select it by ({@code --strategy NAME}). */
    String name();

    /** One line for listings. */
    default String description() {
        return "";
    }

    /**
     * Whether {@link #transform} changes documents. When false the engine carries the source's raw
     * BSON bytes to the target untouched and verification compares content hashes; when true
     * verification compares counts and {@link #verify}.
     */
    default boolean transformsDocuments() {
        return true;
    }

    /** Extra source filter, combined with each partition's range; an empty document reads everything. */
    default BsonDocument sourceFilter(Namespace source) {
        return new BsonDocument();
    }

    /** Source projection, or {@code null} to read whole documents. */
    default BsonDocument sourceProjection(Namespace source) {
        return null;
    }

    /**
     * The documents to write for one source document: none (drop it), one, or several. Every returned
     * document must carry an {@code _id}.
     */
    List<BsonDocument> transform(BsonDocument document, Namespace source);

    /**
     * A strategy's own check of one migrated pair, used by verification when {@link #transformsDocuments()}
     * is true: {@code source} is the source document, {@code target} what the target holds under the
     * same {@code _id} (or {@code null}). Returns {@code null} when they agree, or a reason.
     */
    default String verify(BsonDocument source, BsonDocument target) {
        return null;
    }

    /**
     * How target {@code _id}s relate to source {@code _id}s; see {@link IdMapping}. The default: the same {@code _id}
     * (a {@link #transform} that keeps {@code _id}, as most do). A strategy that changes or splits {@code _id}s must
     * override this, with {@link IdMapping#of} or {@link IdMapping#unknown}: verification, {@code --follow} deletes
     * and {@code --reconcile-deletes} rely on it.
     */
    default IdMapping idMapping() {
        return IdMapping.same();
    }

    /** Called before the first document of a namespace is copied. */
    default void beforeNamespace(Namespace source, Namespace target) {
    }

    /** Called after the last document of a namespace was acknowledged by the target. */
    default void afterNamespace(Namespace source, Namespace target) {
    }
}
