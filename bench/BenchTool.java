
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
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
 * Helpers for {@code bench/migration.sh}, launched as a source file on the shaded jar (kept out of the production jar):
 * <pre>
 * fill    URI DB COLLECTION TOTAL TEMPLATE          fills a collection with template documents (seed 42)
 * fill-many URI DB COLLECTIONS DOCS TEMPLATE       fills COLLECTIONS collections (c000, c001, ...) with DOCS documents each
 * drop    URI DB                                    drops a database
 * pipe    SOURCE_URI DB COLLECTION TARGET_URI CONCURRENCY
 *                                                   the servers' raw copy rate: the simplest hand-written copy (one
 *                                                   find() cursor, no sort, unordered insertMany of 1000 at that
 *                                                   concurrency) into a scratch database, dropped after; prints JSON
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
        } else if (args.length == 6 && args[0].equals("fill-many")) {
            int collections = Integer.parseInt(args[3]);
            long start = System.nanoTime();
            for (int i = 0; i < collections; i++) {
                fillQuietly(args[1], args[2], String.format(Locale.ROOT, "c%03d", i), Long.parseLong(args[4]), Path.of(args[5]));
            }
            System.out.printf(Locale.ROOT, "filled %d collections of %s with %s documents each in %.1f s%n", collections, args[2],
                    args[4], (System.nanoTime() - start) / 1e9);
        } else if (args.length == 3 && args[0].equals("drop")) {
            try (MongoClient client = MongoClients.create(args[1])) {
                Mono.from(client.getDatabase(args[2]).drop()).block();
            }
        } else if (args.length == 6 && args[0].equals("pipe")) {
            pipe(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]));
        } else if (args.length >= 5 && args[0].equals("ceiling")) {
            ceiling(args[1], Long.parseLong(args[2]), Path.of(args[3]), args[4]);
        } else {
            System.err.println("usage: BenchTool fill URI DB COLLECTION TOTAL TEMPLATE | drop URI DB | pipe SOURCE_URI DB COLLECTION TARGET_URI C | ceiling URI TOTAL TEMPLATE C1[,C2...]");
            System.exit(2);
        }
    }

    static void fill(String uri, String db, String collection, long total, Path template) {
        long start = System.nanoTime();
        fillQuietly(uri, db, collection, total, template);
        System.out.printf(Locale.ROOT, "filled %s.%s with %d documents in %.1f s%n", db, collection, total,
                (System.nanoTime() - start) / 1e9);
    }

    static void fillQuietly(String uri, String db, String collection, long total, Path template) {
        TemplateGenerator generator = TemplateGenerator.compile(template);
        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<Document> coll = client.getDatabase(db).getCollection(collection);
            Flux.range(0, (int) ((total + BATCH - 1) / BATCH))
                    .flatMap(chunk -> Mono.from(coll.insertMany(documents(generator, chunk, total), new InsertManyOptions().ordered(false))), 4)
                    .blockLast();
        }
    }

    static void pipe(String sourceUri, String db, String collection, String targetUri, int concurrency) {
        Map<String, Object> result = new LinkedHashMap<>();
        try (MongoClient source = MongoClients.create(sourceUri); MongoClient target = MongoClients.create(targetUri)) {
            MongoCollection<RawBsonDocument> from = source.getDatabase(db).getCollection(collection, RawBsonDocument.class);
            MongoCollection<RawBsonDocument> to = target.getDatabase("bench_ceiling").getCollection("pipe", RawBsonDocument.class);
            Mono.from(to.drop()).block();
            CpuSample cpuBefore = CpuSample.now();
            long start = System.nanoTime();
            long[] copied = new long[2];
            Flux.from(from.find().batchSize(BATCH))
                    .buffer(BATCH)
                    .flatMap(batch -> Mono.from(to.insertMany(batch, new InsertManyOptions().ordered(false)))
                            .doOnSuccess(done -> {
                                synchronized (copied) {
                                    copied[0] += batch.size();
                                    copied[1] += batch.stream().mapToLong(d -> d.getByteBuffer().remaining()).sum();
                                }
                            }), concurrency, 1)
                    .blockLast();
            double seconds = (System.nanoTime() - start) / 1e9;
            CpuSample cpuAfter = CpuSample.now();
            result.put("documents", copied[0]);
            result.put("bytes", copied[1]);
            result.put("concurrency", concurrency);
            result.put("seconds", Math.round(seconds * 10) / 10.0);
            result.put("docsPerSecond", Math.round(copied[0] / seconds));
            result.put("mbPerSecond", Math.round(copied[1] / seconds / 1e6 * 10) / 10.0);
            cpuAfter.putPerDocument(cpuBefore, copied[0], result, "serversCpuMicrosPerDoc", "clientCpuMicrosPerDoc");
            Mono.from(to.drop()).block();
        }
        printJson(result);
    }

    private static void printJson(Map<String, Object> result) {
        StringBuilder json = new StringBuilder("{");
        result.forEach((k, v) -> json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v));
        System.out.println(json.append('}'));
    }

    /**
     * CPU used so far by the servers named in BENCH_SERVER_PIDS (comma-separated pids; user+system clock
     * ticks from {@code /proc/PID/stat}, -1 when unnamed or unreadable) and by this JVM (nanoseconds).
     */
    private record CpuSample(long serverTicks, long ownNanos) {

        /** Linux clock ticks per second, as {@code /proc/PID/stat} counts them (USER_HZ, 100 on every common kernel). */
        private static final double TICKS_PER_SECOND = 100;

        static CpuSample now() {
            long own = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
            return new CpuSample(readServerTicks(), own);
        }

        private static long readServerTicks() {
            String pids = System.getenv("BENCH_SERVER_PIDS");
            if (pids == null || pids.isBlank()) {
                return -1;
            }
            long sum = 0;
            for (String pid : pids.split(",")) {
                try {
                    String stat = Files.readString(Path.of("/proc", pid.trim(), "stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                } catch (IOException | RuntimeException e) {
                    return -1;
                }
            }
            return sum;
        }

        /** Puts the servers' and this JVM's CPU µs per document since {@code before} (the servers' only when known). */
        void putPerDocument(CpuSample before, long documents, Map<String, Object> result, String serverKey, String clientKey) {
            if (serverTicks >= 0 && before.serverTicks >= 0) {
                result.put(serverKey, tenths((serverTicks - before.serverTicks) * 1e6 / TICKS_PER_SECOND / documents));
            }
            result.put(clientKey, tenths((ownNanos - before.ownNanos) / 1e3 / documents));
        }

        private static double tenths(double value) {
            return Math.round(value * 10) / 10.0;
        }
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
                CpuSample cpuBefore = CpuSample.now();
                long start = System.nanoTime();
                Flux.fromIterable(batches)
                        .flatMap(batch -> Mono.from(coll.insertMany(batch, new InsertManyOptions().ordered(false))), concurrency, 1)
                        .blockLast();
                double seconds = (System.nanoTime() - start) / 1e9;
                double rate = total / seconds;
                result.put("docsPerSecondAtConcurrency" + concurrency, Math.round(rate));
                CpuSample.now().putPerDocument(cpuBefore, total, result, "serverCpuMicrosPerDocAtConcurrency" + concurrency,
                        "clientCpuMicrosPerDocAtConcurrency" + concurrency);
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
        printJson(result);
    }
}
