package io.dataworks.migrations.testing;

import java.util.ArrayList;
import java.util.List;

import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.types.Decimal128;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Test data: order-like documents with {@code _id} 0..n-1. */
public final class Fill {

    private Fill() {
    }

    public static BsonDocument order(int i) {
        return new BsonDocument("_id", new BsonInt32(i)).append("customer", new BsonString("c" + (i % 97)))
                .append("openedAt", new BsonDateTime(1_700_000_000_000L + i * 1000L))
                .append("total", new BsonDecimal128(Decimal128.parse(i + ".25")))
                .append("lines", new BsonArray(List.of(new BsonDocument("sku", new BsonString("s" + i)).append("qty", new BsonInt32(i % 5 + 1)))))
                .append("padding", new BsonString("x".repeat(200)));
    }

    /** Inserts orders {@code from..from+count-1} into {@code db.collection} of the server at {@code uri}. */
    public static void orders(String uri, String db, String collection, int from, int count) {
        try (MongoClient client = MongoClients.create(uri)) {
            var coll = client.getDatabase(db).getCollection(collection, BsonDocument.class);
            Flux.range(0, (count + 999) / 1000)
                    .flatMap(chunk -> {
                        List<BsonDocument> docs = new ArrayList<>();
                        for (int i = from + chunk * 1000; i < Math.min(from + count, from + (chunk + 1) * 1000); i++) {
                            docs.add(order(i));
                        }
                        return Mono.from(coll.insertMany(docs, new InsertManyOptions().ordered(false)));
                    }, 4)
                    .blockLast();
        }
    }
}
