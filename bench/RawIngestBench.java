import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.bson.Document;
import org.bson.RawBsonDocument;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.generators.DocumentGenerator;
import io.dataworks.generators.GenerationContext;
import io.dataworks.generators.internal.DocumentRandom;
import io.dataworks.generators.sink.MongoCollectionSink;
import io.dataworks.generators.template.TemplateGenerator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The raw ingest rate of a MongoDB server: the documents the generation benchmark writes, built and
 * encoded up front (same template, seed and _ids, byte for byte), then sent with unordered insertMany at
 * each concurrency given; the best concurrency is measured again over all documents.
 *
 * <p>Run with the source launcher against the shaded jar (bench/generation.sh does this):
 * {@code java -cp flexible-generator.jar bench/RawIngestBench.java --uri U --template T --total N
 * [--seed S] [--batch-size B] [--concurrency 1,2,4,8] [--probe N]}. Prints one
 * {@code raw_docs_per_s=X raw_concurrency=C raw_mb_per_s=M} line at the end.
 */
public final class RawIngestBench {

    public static void main(String[] args) {
        String uri = null;
        Path template = null;
        long total = 1_000_000;
        long seed = 42;
        int batchSize = 1000;
        int probe = 200_000;
        long serverPid = -1;
        List<Integer> concurrencies = List.of(1, 2, 4, 8);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--uri" -> uri = args[++i];
                case "--template" -> template = Path.of(args[++i]);
                case "--total" -> total = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--batch-size" -> batchSize = Integer.parseInt(args[++i]);
                case "--probe" -> probe = Integer.parseInt(args[++i]);
                case "--server-pid" -> serverPid = Long.parseLong(args[++i]);
                case "--concurrency" -> concurrencies = java.util.Arrays.stream(args[++i].split(","))
                        .map(String::trim).map(Integer::valueOf).toList();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (uri == null || template == null) {
            throw new IllegalArgumentException("--uri and --template are required");
        }

        try (MongoClient client = MongoClients.create(uri)) {
            MongoCollection<RawBsonDocument> collection =
                    client.getDatabase("bench").getCollection("raw_ingest", RawBsonDocument.class);
            List<List<RawBsonDocument>> batches = build(template, total, seed, batchSize, collection);
            long bytes = batches.stream().flatMap(List::stream).mapToLong(d -> d.getByteBuffer().remaining()).sum();

            int probeBatches = Math.max(1, Math.min(batches.size(), probe / batchSize));
            double best = 0;
            int bestConcurrency = concurrencies.get(0);
            for (int concurrency : concurrencies) {
                double rate = insert(collection, batches.subList(0, probeBatches), concurrency);
                System.out.printf("raw ingest probe: %,d documents, concurrency %d: %,.0f documents/s%n",
                        probeBatches * (long) batchSize, concurrency, rate);
                if (rate > best) {
                    best = rate;
                    bestConcurrency = concurrency;
                }
            }
            long cpuBefore = cpuTicks(serverPid);
            double rate = insert(collection, batches, bestConcurrency);
            long cpuTicks = cpuTicks(serverPid) - cpuBefore;
            double seconds = total / rate;
            if (serverPid > 0) {
                System.out.printf("raw_server_cpu_us_per_doc=%.1f%n", cpuTicks * 1e6 / 100 / total);
            }
            System.out.printf("raw ingest: %,d documents at concurrency %d: %,.0f documents/s, %.1f MB/s%n",
                    total, bestConcurrency, rate, bytes / seconds / 1e6);
            System.out.printf("raw_docs_per_s=%.0f raw_concurrency=%d raw_mb_per_s=%.1f%n",
                    rate, bestConcurrency, bytes / seconds / 1e6);
            Mono.from(collection.drop()).block();
        }
    }

    /** User + system CPU of a process in clock ticks (1/100 s on Linux), from /proc; 0 when unknown. */
    static long cpuTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The generation run's documents, encoded exactly as the MongoDB sink encodes them. */
    private static List<List<RawBsonDocument>> build(Path template, long total, long seed, int batchSize,
                                                     MongoCollection<RawBsonDocument> collection) {
        long started = System.nanoTime();
        DocumentGenerator generator = TemplateGenerator.compile(template);
        MongoCollectionSink encoder = MongoCollectionSink.create(collection, "raw ingest", false,
                RetryPolicy.of(RetryConfig.DEFAULTS));
        GenerationContext context = new GenerationContext(seed, total);
        encoder.open(context).block(); // sets the seed-derived _id prefix; drop=false, so nothing is sent
        generator.onStart(context);
        List<List<RawBsonDocument>> batches = new ArrayList<>();
        List<RawBsonDocument> batch = new ArrayList<>(batchSize);
        for (long i = 0; i < total; i++) {
            Document document = generator.generate(i, DocumentRandom.forDocument(seed, i));
            batch.add(encoder.encode(i, document));
            if (batch.size() == batchSize) {
                batches.add(batch);
                batch = new ArrayList<>(batchSize);
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        System.out.printf("built %,d documents up front in %.1f s%n", total, (System.nanoTime() - started) / 1e9);
        return batches;
    }

    /** Inserts every batch (unordered insertMany, {@code concurrency} in flight) into an empty collection: documents/s. */
    private static double insert(MongoCollection<RawBsonDocument> collection, List<List<RawBsonDocument>> batches,
                                 int concurrency) {
        Mono.from(collection.drop()).block();
        InsertManyOptions unordered = new InsertManyOptions().ordered(false);
        long documents = batches.stream().mapToLong(List::size).sum();
        long started = System.nanoTime();
        Flux.fromIterable(batches)
                .flatMap(batch -> Mono.from(collection.insertMany(batch, unordered)), concurrency, 1)
                .blockLast(Duration.ofHours(1));
        double seconds = (System.nanoTime() - started) / 1e9;
        long count = Mono.from(collection.countDocuments()).block();
        if (count != documents) {
            throw new IllegalStateException("inserted " + documents + " but the collection holds " + count);
        }
        return documents / seconds;
    }
}
