import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.RawBsonDocument;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.embedded.EmbeddedMongo;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a range cursor costs on the embedded server with and without its ordered _id index: N documents with int
 * _ids, then the query a partition's cursor sends ({_id: {$gte: lo, $lt: hi}} sorted by _id) for R ranges that split
 * the collection evenly, read to the end, one after the other. Both servers run in this JVM, one after the other.
 *
 * <p>Run with the source launcher against dataworks-core and its dependencies:
 * {@code java -Xmx2g -cp "$(cat cp.txt):dataworks-core/target/classes" bench/RangeQueryBench.java [N] [R...]}
 */
public class RangeQueryBench {

    public static void main(String[] args) {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        List<Integer> splits = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            splits.add(Integer.parseInt(args[i]));
        }
        if (splits.isEmpty()) {
            splits.addAll(List.of(1, 4, 16, 100));
        }
        for (boolean indexed : new boolean[] {false, true}) {
            try (EmbeddedMongo mongo = EmbeddedMongo.builder().orderedIdIndex(indexed).start();
                 MongoClient client = MongoClients.create(mongo.connectionString())) {
                MongoCollection<RawBsonDocument> coll = client.getDatabase("bench").getCollection("c", RawBsonDocument.class);
                long load = System.nanoTime();
                List<RawBsonDocument> batch = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    batch.add(RawBsonDocument.parse("{\"_id\": " + i + ", \"payload\": \"" + "x".repeat(100) + "\"}"));
                    if (batch.size() == 1000) {
                        Mono.from(coll.insertMany(batch, new InsertManyOptions().ordered(false))).block(Duration.ofMinutes(5));
                        batch = new ArrayList<>();
                    }
                }
                System.out.printf("%s: loaded %,d documents in %.1f s%n", indexed ? "ordered _id index" : "scan",
                        total, (System.nanoTime() - load) / 1e9);
                readAll(coll, total, 4); // warm-up
                for (int ranges : splits) {
                    long start = System.nanoTime();
                    long read = readAll(coll, total, ranges);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("%s: %,d documents in %d range(s) of %,d: %.3f s, %.1f ms per range, %,.0f documents/s%n",
                            indexed ? "ordered _id index" : "scan", read, ranges, total / ranges, seconds,
                            seconds * 1000 / ranges, read / seconds);
                }
            }
        }
    }

    private static long readAll(MongoCollection<RawBsonDocument> coll, int total, int ranges) {
        long read = 0;
        int step = total / ranges;
        for (int r = 0; r < ranges; r++) {
            BsonDocument filter = new BsonDocument("_id", new BsonDocument("$gte", new BsonInt32(r * step))
                    .append("$lt", new BsonInt32(r == ranges - 1 ? total : (r + 1) * step)));
            read += Flux.from(coll.find(filter).sort(new BsonDocument("_id", new BsonInt32(1))).batchSize(1000))
                    .count().block(Duration.ofMinutes(5));
        }
        if (read != total) {
            throw new IllegalStateException("read " + read + " of " + total);
        }
        return read;
    }
}
