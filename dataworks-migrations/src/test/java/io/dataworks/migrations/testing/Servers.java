package io.dataworks.migrations.testing;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** An in-process wire-protocol server and a client on it, for engine tests. */
public final class Servers implements AutoCloseable {

    private final MongoServer server;
    private final MongoClient client;
    private final String uri;

    private Servers(MongoServer server, String uri) {
        this.server = server;
        this.uri = uri;
        this.client = MongoClients.create(uri);
    }

    public static Servers start() {
        MongoServer server = new MongoServer(new MemoryBackend());
        InetSocketAddress address = server.bind();
        return new Servers(server, "mongodb://127.0.0.1:" + address.getPort());
    }

    public MongoClient client() {
        return client;
    }

    public String uri() {
        return uri;
    }

    public MongoCollection<RawBsonDocument> raw(String db, String collection) {
        return client.getDatabase(db).getCollection(collection, RawBsonDocument.class);
    }

    public MongoCollection<BsonDocument> bson(String db, String collection) {
        return client.getDatabase(db).getCollection(collection, BsonDocument.class);
    }

    public void insert(String db, String collection, List<BsonDocument> docs) {
        for (int from = 0; from < docs.size(); from += 1000) {
            Mono.from(bson(db, collection).insertMany(docs.subList(from, Math.min(docs.size(), from + 1000)))).block();
        }
    }

    public long count(String db, String collection) {
        return Mono.from(bson(db, collection).countDocuments()).block();
    }

    /** Every document's raw bytes, ordered by {@code _id} as the server sorts them. */
    public List<RawBsonDocument> all(String db, String collection) {
        return Flux.from(raw(db, collection).find().sort(new BsonDocument("_id", new org.bson.BsonInt32(1)))).collectList().block();
    }

    public static List<BsonValue> ids(List<RawBsonDocument> docs) {
        List<BsonValue> ids = new ArrayList<>();
        docs.forEach(d -> ids.add(d.get("_id")));
        return ids;
    }

    public static Comparator<RawBsonDocument> byBytes() {
        return Comparator.comparing(d -> java.util.HexFormat.of().formatHex(bytes(d)));
    }

    public static byte[] bytes(RawBsonDocument doc) {
        return java.util.Arrays.copyOf(doc.getByteBuffer().array(), doc.getByteBuffer().remaining());
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }
}
