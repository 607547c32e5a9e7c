package io.dataworks.migrations.checkpoint;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.types.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Accumulators;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.DataWorksException;
import io.dataworks.migrations.NamespaceMapping;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link DeadLetters} in the MongoDB checkpoint store's database: collection {@value #COLLECTION}, one document per
 * refused document, with the same fields as a line of the dead-letter file ({@code namespace}, {@code target},
 * {@code code}, {@code reason}, {@code at}, {@code document}: the document itself as BSON), keyed
 * {@code _id: {namespace, _id}} by the source namespace and the document's {@code _id}, so a rerun refused the same
 * document does not add it twice (a document without {@code _id} gets a fresh key). {@code --fresh} moves the entries
 * of its namespaces to {@value #ARCHIVE}, each with {@code archived: <time>}.
 *
 * <p>Memory: only a count per namespace is held; deduplication is the server's unique {@code _id}.
 */
final class MongoDeadLetters implements DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(MongoDeadLetters.class);

    static final String COLLECTION = "dead_letters";
    static final String ARCHIVE = "dead_letters_archive";
    private static final int ARCHIVE_BATCH = 500;
    /** Setting many entries aside takes longer than one call; each batch is retried on its own failures. */
    private static final java.time.Duration ARCHIVE_TIMEOUT = java.time.Duration.ofMinutes(30);
    /** The largest document an entry can carry: MongoDB's 16 MiB less room for the entry's own fields. */
    static final int MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 - 64 * 1024;

    private final MongoCollection<BsonDocument> entries;
    private final MongoCollection<BsonDocument> archive;
    private final String where;
    private final boolean writable;
    private final Map<String, Long> perNamespace = new HashMap<>();
    private long written;
    private long alreadyThere;

    MongoDeadLetters(MongoCollection<BsonDocument> entries, MongoCollection<BsonDocument> archive, String where, boolean writable) {
        this.entries = entries;
        this.archive = archive;
        this.where = where;
        this.writable = writable;
    }

    /** The unique key of an entry: the source namespace and the document's {@code _id}. */
    static BsonDocument key(String namespace, BsonValue id) {
        return new BsonDocument("namespace", new BsonString(namespace)).append("_id", id);
    }

    @Override
    public void load() {
        List<BsonDocument> counts = MongoCheckpointStore.await(Flux.from(entries.aggregate(List.of(
                        Aggregates.group("$namespace", Accumulators.sum("n", 1))))).collectList(),
                "count the dead letters", where);
        synchronized (this) {
            perNamespace.clear();
            for (BsonDocument count : counts == null ? List.<BsonDocument>of() : counts) {
                if (count.isString("_id") && count.isNumber("n")) {
                    perNamespace.put(count.getString("_id").getValue(), count.getNumber("n").longValue());
                }
            }
        }
    }

    @Override
    public boolean write(NamespaceMapping mapping, RawBsonDocument document, int code, String reason) {
        if (!writable) {
            throw new IllegalStateException("the checkpoint store " + where + " was opened read-only");
        }
        String ns = mapping.source().toString();
        BsonValue id = document.get("_id");
        int bytes = document.getByteLength();
        if (bytes > MAX_DOCUMENT_BYTES) {
            // the entry (document + envelope) would exceed MongoDB's 16 MiB: refuse loudly rather than keep half of it
            throw new DataWorksException(io.dataworks.core.ExitCode.FAILED, ns + " _id " + (id == null ? "?" : id.toString())
                    + " was refused by the target (" + reason + "), and at " + bytes + " bytes it is too large to be kept in "
                    + describe() + ". Nothing was lost: it is still on the source. Rerun with --dead-letter PATH to keep "
                    + "refused documents in a file");
        }
        BsonDocument entry = new BsonDocument("_id", key(ns, id == null ? new BsonObjectId(new ObjectId()) : id))
                .append("namespace", new BsonString(ns))
                .append("target", new BsonString(mapping.target().toString()))
                .append("code", new BsonInt32(code))
                .append("reason", new BsonString(reason == null ? "" : reason))
                .append("at", new BsonDateTime(Instant.now().toEpochMilli()))
                .append("document", document);
        try {
            MongoCheckpointStore.await(entries.insertOne(entry), "keep a refused document of " + ns, where);
        } catch (DataWorksException e) {
            if (isDuplicateKey(e)) {
                synchronized (this) {
                    alreadyThere++;
                }
                return false;
            }
            throw e;
        }
        synchronized (this) {
            written++;
            perNamespace.merge(ns, 1L, Long::sum);
        }
        return true;
    }

    private static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MongoWriteException w && ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<String> archive(Set<String> namespaces, Instant now) {
        if (namespaces.isEmpty()) {
            return Optional.empty();
        }
        BsonDateTime stamp = new BsonDateTime(now.toEpochMilli());
        // batch by batch: copy into the archive, then delete what was copied; a crash in between leaves an entry in
        // both collections, never in none (and a rerun skips what the archive already has)
        Long moved = MongoCheckpointStore.await(Flux.from(entries.find(Filters.in("namespace", namespaces)).batchSize(ARCHIVE_BATCH))
                .buffer(ARCHIVE_BATCH)
                .concatMap(batch -> {
                    List<BsonDocument> copies = batch.stream().map(entry -> entry.clone()
                            .append("_id", new BsonDocument("archived", stamp).append("entry", entry.get("_id")))
                            .append("archived", stamp)).toList();
                    List<BsonValue> ids = batch.stream().map(entry -> entry.get("_id")).toList();
                    return Mono.from(archive.insertMany(copies, new InsertManyOptions().ordered(false)))
                            .onErrorResume(MongoBulkWriteException.class, e -> e.getWriteErrors().stream().allMatch(
                                    w -> ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY)
                                    ? Mono.empty() : Mono.error(e))
                            .then(Mono.from(entries.deleteMany(Filters.in("_id", ids))))
                            .thenReturn((long) batch.size());
                }, 1)
                .reduce(0L, Long::sum), "set the dead letters of " + namespaces + " aside for --fresh", where, ARCHIVE_TIMEOUT);
        synchronized (this) {
            namespaces.forEach(perNamespace::remove);
        }
        if (moved == null || moved == 0) {
            return Optional.empty();
        }
        String to = "collection " + ARCHIVE + " (archived " + now + ")";
        LOG.info("--fresh: {} earlier dead-letter entr{} moved from collection {} to {}, {}", moved, moved == 1 ? "y" : "ies",
                COLLECTION, to, where);
        return Optional.of(to);
    }

    @Override
    public synchronized long entries(String ns) {
        return perNamespace.getOrDefault(ns, 0L);
    }

    @Override
    public synchronized long written() {
        return written;
    }

    @Override
    public synchronized long alreadyThere() {
        return alreadyThere;
    }

    @Override
    public String describe() {
        return "the dead-letter collection " + COLLECTION + " of the checkpoint store, " + where;
    }

    @Override
    public String howToClear() {
        return "fix and load them (each entry's 'document'), then delete those entries";
    }

    @Override
    public Optional<Path> file() {
        return Optional.empty();
    }

    @Override
    public void close() {
        // the store owns the client
    }
}
