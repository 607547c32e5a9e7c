package io.dataworks.migrations.verify;

import java.util.Comparator;
import java.util.List;

import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import reactor.core.publisher.Flux;

/**
 * A streaming merge-join of two cursors sorted by {@code _id} ({@link BsonIdOrder}): emits, per
 * {@code _id}, the entries of one or both sides. Memory is bounded by the prefetch of both cursors, never
 * by the size of the collection.
 */
public final class SortedIdJoin {

    /** One document of one side: its {@code _id} and the hash of its raw bytes (0 when only {@code _id}s were read). */
    public record Entry(boolean source, BsonValue id, long hash) {

        public static Entry of(boolean source, RawBsonDocument document, boolean hashContent) {
            return new Entry(source, document.get("_id"), hashContent ? ContentDigest.hashOf(document) : 0);
        }
    }

    private static final Comparator<Entry> BY_ID = (a, b) -> BsonIdOrder.INSTANCE.compare(a.id(), b.id());

    private SortedIdJoin() {
    }

    /**
     * @param source entries of the source, sorted by {@code _id}
     * @param target entries of the target, sorted by {@code _id}
     * @return groups of entries with equal {@code _id} (a group of one is a document on one side only)
     */
    public static Flux<List<Entry>> join(Flux<Entry> source, Flux<Entry> target, int prefetch) {
        return Flux.mergeComparing(prefetch, BY_ID, source, target)
                .bufferUntilChanged(Entry::id, (a, b) -> BsonIdOrder.INSTANCE.compare(a, b) == 0);
    }
}
