package io.dataworks.core.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

import de.bwaldvogel.mongo.MongoDatabase;
import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.bson.Document;

/**
 * mongo-java-server's in-memory collection with an ordered index on {@code _id}, as every MongoDB collection has: a
 * query that is a range on {@code _id} ({@link IdRange}) sorted by {@code _id} reads only the index entries within the
 * range, in order, instead of scanning and sorting the whole collection. The query's own matcher still decides each
 * document, so the answer is exactly the scan's; only the cost differs.
 *
 * <p>Thread-safe as its parent: every public method of the collection holds its lock, and the index is only touched
 * under it.
 */
final class IdOrderedCollection extends MemoryCollection {

    private static final String ID = "_id";

    /** _id -> position in the parent's document list. */
    private final NavigableMap<Object, Integer> byId = new TreeMap<>(IdOrder.INSTANCE);

    IdOrderedCollection(MongoDatabase database, String collectionName, CollectionOptions options, CursorRegistry cursorRegistry) {
        super(database, collectionName, options, cursorRegistry);
    }

    @Override
    protected Integer addDocumentInternal(Document document) {
        Integer position = super.addDocumentInternal(document);
        if (document.containsKey(ID)) {
            byId.put(document.get(ID), position);
        }
        return position;
    }

    @Override
    protected void removeDocument(Integer position) {
        Document document = getDocument(position);
        if (document != null && document.containsKey(ID)) {
            byId.remove(document.get(ID));
        }
        super.removeDocument(position);
    }

    @Override
    protected QueryResult queryDocuments(Document query, Document orderBy, int numberToSkip, int limit, int batchSize,
                                         Document fieldSelector) {
        int direction = idSortDirection(orderBy);
        IdRange range = direction == 0 ? null : IdRange.of(query);
        if (range == null) {
            return super.queryDocuments(query, orderBy, numberToSkip, limit, batchSize, fieldSelector);
        }
        List<Document> inRange = new ArrayList<>();
        NavigableMap<Object, Integer> entries = slice(range);
        for (Integer position : (direction > 0 ? entries : entries.descendingMap()).values()) {
            inRange.add(getDocument(position));
        }
        // already in _id order: no comparator, the matcher filters, skip/limit/projection as the parent does them
        return matchDocumentsFromStream(query, inRange.stream(), numberToSkip, limit, batchSize, null, fieldSelector);
    }

    /**
     * The {@code _id}s that cut the collection into chunks of about half {@code maxChunkBytes}, as mongod's
     * {@code splitVector} finds them: every {@code maxChunkBytes / (2 × average document size)}-th key in index order,
     * the first excluded.
     */
    synchronized List<Object> splitKeys(long maxChunkBytes) {
        int documents = byId.size();
        if (documents == 0) {
            return List.of();
        }
        double averageBytes = Math.max(1.0, (double) getDataSize() / documents);
        long keysPerChunk = Math.max(1, (long) (maxChunkBytes / (2 * averageBytes)));
        List<Object> keys = new ArrayList<>();
        long n = 0;
        for (Object key : byId.keySet()) {
            if (n > 0 && n % keysPerChunk == 0) {
                keys.add(key);
            }
            n++;
        }
        return keys;
    }

    /** Whether the index is used for {@code query} sorted by {@code orderBy}: for explain. */
    static boolean servesFromIndex(Document query, Document orderBy) {
        return idSortDirection(orderBy) != 0 && IdRange.of(query) != null;
    }

    /** 1 or -1 when {@code orderBy} is exactly {@code {_id: ±1}}, else 0. */
    static int idSortDirection(Document orderBy) {
        if (orderBy == null || orderBy.size() != 1 || !(orderBy.get(ID) instanceof Number direction)) {
            return 0;
        }
        return Integer.signum(direction.intValue());
    }

    /**
     * The entries within the range, bounds included, widened to the keys the matcher's comparison ties with a bound
     * (the index orders ties that the matcher does not tell apart, and they sit next to the bound).
     */
    private NavigableMap<Object, Integer> slice(IdRange range) {
        Object from = range.lower();
        if (from != null) {
            for (Object key = byId.lowerKey(from); key != null && IdOrder.bson(key, range.lower()) == 0; key = byId.lowerKey(key)) {
                from = key;
            }
        }
        Object to = range.upper();
        if (to != null) {
            for (Object key = byId.higherKey(to); key != null && IdOrder.bson(key, range.upper()) == 0; key = byId.higherKey(key)) {
                to = key;
            }
        }
        if (from == null) {
            return to == null ? byId : byId.headMap(to, true);
        }
        if (to == null) {
            return byId.tailMap(from, true);
        }
        return IdOrder.INSTANCE.compare(from, to) > 0 ? new TreeMap<>(IdOrder.INSTANCE) : byId.subMap(from, true, to, true);
    }
}
