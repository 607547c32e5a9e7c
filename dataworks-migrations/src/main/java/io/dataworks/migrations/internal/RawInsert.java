package io.dataworks.migrations.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.ServerAddress;
import com.mongodb.WriteConcern;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;
import com.mongodb.connection.ServerDescription;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;

import reactor.core.publisher.Mono;

/**
 * One unordered {@code insert} command carrying a batch of raw documents in its body, as they were read: the bytes of
 * each document are copied into the command once, and the answer is read as the server sends it.
 *
 * <p>Why not {@code insertMany}: the driver builds, for every document, a write request, a wrapper, an id-holding
 * writer that walks the document for its {@code _id}, an entry in a map of inserted ids and one in a tree of results,
 * none of which a copy reads; at a million documents that was a third of the client's CPU per document, and the JIT's
 * largest compilations. What the copy needs of the answer is the same either way, and this class gives it in the same
 * form: a {@link MongoBulkWriteException} with the per-document errors (by index) and the write concern error, so the
 * pacing and the sorting-out of refused documents do not know which path wrote.
 *
 * <p>A command's body may be at most the largest document plus 16 KiB (the server's limit, which the driver checks
 * before sending); a batch that would not fit ({@link #fits}) goes through {@code insertMany}, whose document sequence
 * may fill a whole message. What {@code insertMany} adds that this does not: a retryable write's automatic single
 * retry, which the target's request policy does instead (a retried insert finds the documents already written as
 * duplicate {@code _id}s, counted as already on the target), and an {@code _id} for a document without one, which the
 * server adds itself.
 */
final class RawInsert {

    /** What a command's body may hold beyond the largest document (the server's and the driver's headroom). */
    static final long COMMAND_HEADROOM = 16 * 1024;
    /** Bytes of the command around its documents: the collection's name, ordered, writeConcern, the array. */
    private static final long FIXED_OVERHEAD = 1024;
    /** Bytes per document in the array beyond its own: the type byte and the index as a key ("123456\0"). */
    private static final long PER_DOCUMENT_OVERHEAD = 9;

    private RawInsert() {
    }

    /** Whether {@code count} documents of {@code bytes} in all fit one command to a server whose largest document is {@code maxDocumentBytes}. */
    static boolean fits(long bytes, int count, long maxDocumentBytes) {
        return bytes + FIXED_OVERHEAD + PER_DOCUMENT_OVERHEAD * count <= maxDocumentBytes + COMMAND_HEADROOM;
    }

    /**
     * Inserts {@code documents} into {@code target} with one unordered command. Completes empty when all were written;
     * errors with a {@link MongoBulkWriteException} when the server refused some of them (its write errors, by index
     * into {@code documents}) or could not satisfy the write concern; with the driver's exception when the command
     * failed whole.
     */
    static Mono<Void> insert(MongoClient client, MongoCollection<RawBsonDocument> target, List<RawBsonDocument> documents) {
        BsonDocument command = command(target.getNamespace().getCollectionName(), target.getWriteConcern(), documents);
        return Mono.from(client.getDatabase(target.getNamespace().getDatabaseName()).runCommand(command, BsonDocument.class))
                .flatMap(reply -> {
                    MongoBulkWriteException refused = refused(reply, documents.size(), address(client));
                    return refused == null ? Mono.<Void>empty() : Mono.error(refused);
                });
    }

    static BsonDocument command(String collection, WriteConcern writeConcern, List<RawBsonDocument> documents) {
        BsonDocument command = new BsonDocument("insert", new BsonString(collection))
                .append("ordered", BsonBoolean.FALSE);
        if (writeConcern != null && !writeConcern.isServerDefault()) {
            command.append("writeConcern", writeConcern.asDocument());
        }
        return command.append("documents", new BsonArray(documents));
    }

    /**
     * The answer's refusals as the driver's bulk write exception, or null when every document was written. A
     * duplicate {@code _id} is a refusal here as in {@code insertMany}; the caller decides it means "already copied".
     */
    static MongoBulkWriteException refused(BsonDocument reply, int sent, ServerAddress server) {
        List<BulkWriteError> errors = new ArrayList<>();
        for (BsonValue value : reply.getArray("writeErrors", new BsonArray())) {
            BsonDocument error = value.asDocument();
            errors.add(new BulkWriteError(error.getNumber("code", new org.bson.BsonInt32(-1)).intValue(),
                    error.getString("errmsg", new BsonString("")).getValue(),
                    error.getDocument("errInfo", new BsonDocument()), error.getNumber("index").intValue()));
        }
        WriteConcernError concern = null;
        if (reply.isDocument("writeConcernError")) {
            BsonDocument error = reply.getDocument("writeConcernError");
            concern = new WriteConcernError(error.getNumber("code", new org.bson.BsonInt32(-1)).intValue(),
                    error.getString("codeName", new BsonString("")).getValue(),
                    error.getString("errmsg", new BsonString("")).getValue(),
                    error.getDocument("errInfo", new BsonDocument()));
        }
        if (errors.isEmpty() && concern == null) {
            return null;
        }
        // an insert refuses each document it did not write with one error (some servers count every document in n)
        int inserted = sent - errors.size();
        Set<String> labels = new LinkedHashSet<>();
        reply.getArray("errorLabels", new BsonArray()).forEach(label -> labels.add(label.asString().getValue()));
        return new MongoBulkWriteException(BulkWriteResult.acknowledged(inserted, 0, 0, 0, List.of(), List.of()),
                errors, concern, server, labels);
    }

    /** The address the answer most likely came from (a command goes to the primary), for the exception's message. */
    private static ServerAddress address(MongoClient client) {
        List<ServerDescription> servers = client.getClusterDescription().getServerDescriptions();
        return servers.stream().filter(ServerDescription::isPrimary).findFirst()
                .or(() -> servers.stream().findFirst())
                .map(ServerDescription::getAddress)
                .orElseGet(ServerAddress::new);
    }
}
