package io.dataworks.spark;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Test data with several {@code _id} types and BSON types, and the raw-BSON fingerprint of a collection. */
final class Data {

    static final Duration WAIT = Duration.ofMinutes(2);

    private Data() {
    }

    /** Document {@code i}: most {@code _id}s are ints, every 10th a string, every 7th an ObjectId, every 13th a long. */
    static BsonDocument document(int i) {
        BsonValue id = i % 10 == 0 ? new BsonString("s-" + i)
                : i % 7 == 0 ? new BsonObjectId(new ObjectId(1_700_000_000 + i, i))
                : i % 13 == 0 ? new BsonInt64(10_000_000_000L + i)
                : new BsonInt32(i);
        return new BsonDocument("_id", id).append("customer", new BsonString("c" + (i % 97)))
                .append("openedAt", new BsonDateTime(1_700_000_000_000L + i * 1000L))
                .append("total", new BsonDecimal128(Decimal128.parse(i + ".25")))
                .append("lines", new BsonArray(List.of(new BsonDocument("sku", new BsonString("s" + i)).append("qty", new BsonInt32(i % 5 + 1)))))
                .append("padding", new BsonString("x".repeat(100)));
    }

    static void fill(String uri, String db, String collection, int count) {
        try (MongoClient client = MongoClients.create(uri)) {
            var coll = client.getDatabase(db).getCollection(collection, BsonDocument.class);
            Flux.range(0, (count + 999) / 1000)
                    .flatMap(chunk -> {
                        List<BsonDocument> docs = new ArrayList<>();
                        for (int i = chunk * 1000; i < Math.min(count, (chunk + 1) * 1000); i++) {
                            docs.add(document(i));
                        }
                        return Mono.from(coll.insertMany(docs, new InsertManyOptions().ordered(false)));
                    }, 2)
                    .blockLast(WAIT);
        }
    }

    /**
     * Count and SHA-256 of every document's raw BSON bytes in {@code _id} order, streamed: two collections with the same
     * fingerprint hold byte-identical documents, none twice.
     */
    static String fingerprint(String uri, String db, String collection) {
        try (MongoClient client = MongoClients.create(uri)) {
            MessageDigest sha = sha256();
            long[] count = new long[1];
            Flux.from(client.getDatabase(db).getCollection(collection, RawBsonDocument.class).find().sort(Sorts.ascending("_id"))
                            .batchSize(2000))
                    .doOnNext(doc -> {
                        var buffer = doc.getByteBuffer();
                        byte[] bytes = new byte[buffer.remaining()];
                        buffer.get(bytes);
                        sha.update(bytes);
                        count[0]++;
                    })
                    .blockLast(WAIT);
            return count[0] + ":" + HexFormat.of().formatHex(sha.digest());
        }
    }

    static long count(String uri, String db, String collection) {
        try (MongoClient client = MongoClients.create(uri)) {
            return Mono.from(client.getDatabase(db).getCollection(collection).countDocuments()).block(WAIT);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
