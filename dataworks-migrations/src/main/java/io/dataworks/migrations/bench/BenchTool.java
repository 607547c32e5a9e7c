package io.dataworks.migrations.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.generators.template.TemplateGenerator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Helpers for {@code bench/migration.sh}, run from the shaded jar:
 * <pre>
 * fill    URI DB COLLECTION TOTAL TEMPLATE          fills a collection with template documents (seed 42)
 * ceiling URI TOTAL TEMPLATE CONCURRENCY[,C2...]    the target's raw ingest rate: pre-built raw documents,
 *                                                   unordered insertMany of 1000, at each concurrency; prints JSON
 * </pre>
 * Not part of the product's interface.
 */
public final class BenchTool {

    private static final int BATCH = 1000;
    private static final long SEED = 42;

    private BenchTool() {
    }

    public static void main(String[] args) {
        if (args.length >= 5 && args[0].equals("fill")) {
            fill(args[1], args[2], args[3], Long.parseLong(args[4]), Path.of(args[5]));
        } else if (args.length >= 5 && args[0].equals("ceiling")) {
            ceiling(args[1], Long.parseLong(args[2]), Path.of(args[3]), args[4]);
        } else {
            System.err.println("usage: BenchTool fill URI DB COLLECTION TOTAL TEMPLATE | ceiling URI TOTAL TEMPLATE C1[,C2...]");
            System.exit(2);
        }
    }

    static void fill(String uri, String db, String collection, long total, Path template) {
        TemplateGenerator generator = TemplateGenerator.compile(template);
        long start = System.nanoTime();
        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> coll = client.getDatabase(db).getCollection(collection);
            Flux.range(0, (int) ((total + BATCH - 1) / BATCH))
                    .flatMap(chunk -> Mono.from(coll.insertMany(documents(generator, chunk, total), new InsertManyOptions().ordered(false))), 4)
                    .blockLast();
        }
        System.out.printf(Locale.ROOT, "filled %s.%s with %d documents in %.1f s%n", db, collection, total,
                (System.nanoTime() - start) / 1e9);
    }

    private static List<Document> documents(TemplateGenerator generator, int chunk, long total) {
        List<Document> docs = new ArrayList<>(BATCH);
        for (long i = (long) chunk * BATCH; i < Math.min(total, (long) (chunk + 1) * BATCH); i++) {
            docs.add(generator.generate(i, new SplittableRandom(SEED * 1_000_003L + i)));
        }
        return docs;
    }

    static void ceiling(String uri, long total, Path template, String concurrencies) {
        TemplateGenerator generator = TemplateGenerator.compile(template);
        Codec<Document> codec = MongoClientSettings.getDefaultCodecRegistry().get(Document.class);
        List<List<RawBsonDocument>> batches = new ArrayList<>();
        long bytes = 0;
        for (int chunk = 0; (long) chunk * BATCH < total; chunk++) {
            List<RawBsonDocument> batch = new ArrayList<>(BATCH);
            for (Document doc : documents(generator, chunk, total)) {
                RawBsonDocument raw = new RawBsonDocument(doc, codec);
                bytes += raw.getByteBuffer().remaining();
                batch.add(raw);
            }
            batches.add(batch);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        double best = 0;
        int bestConcurrency = 0;
        try (MongoClient client = MongoClients.create(uri)) {
            for (String c : concurrencies.split(",")) {
                int concurrency = Integer.parseInt(c.trim());
                MongoCollection<RawBsonDocument> coll = client.getDatabase("bench_ceiling").getCollection("c" + concurrency, RawBsonDocument.class);
                Mono.from(coll.drop()).block();
                long start = System.nanoTime();
                Flux.fromIterable(batches)
                        .flatMap(batch -> Mono.from(coll.insertMany(batch, new InsertManyOptions().ordered(false))), concurrency, 1)
                        .blockLast();
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = total / seconds;
                result.put("docsPerSecondAtConcurrency" + concurrency, Math.round(rate));
                if (rate > best) {
                    best = rate;
                    bestConcurrency = concurrency;
                }
                Mono.from(coll.drop()).block();
            }
        }
        result.put("documents", total);
        result.put("bytes", bytes);
        result.put("bestConcurrency", bestConcurrency);
        result.put("docsPerSecond", Math.round(best));
        result.put("mbPerSecond", Math.round(best * bytes / total / 1e6 * 10) / 10.0);
        StringBuilder json = new StringBuilder("{");
        result.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        System.out.println(json.append('}'));
    }
}
