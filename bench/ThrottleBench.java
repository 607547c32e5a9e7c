import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.RawBsonDocument;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.embedded.CosmosRequestUnits;
import io.dataworks.core.embedded.CosmosStats;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.MigrationRun;
import io.dataworks.migrations.MigrationSettings;
import io.dataworks.migrations.RunOptions;
import io.dataworks.migrations.RunResult;
import io.dataworks.migrations.endpoint.PacingReport;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The pacing benchmark (bench/throttle.sh): flexible-migrate's copy, through the library, from an embedded source into an
 * embedded target that throttles, both over TCP in this JVM.
 *
 * <pre>
 *   budget DOCS_PER_SECOND...   target in Cosmos mode with a budget of that many ~0.4 KB documents per second
 *                               (5.5 RU each); 4 collections of DOCS_PER_SECOND x SECONDS / 4 documents; budget use and
 *                               throttled share measured by the server between 20 % and 90 % of the copy
 *   random RATE...              target refusing RATE of the writes at random (16500, RetryAfterMs=20); 4 x 100,000
 *                               documents (RANDOM_DOCS_PER_COLLECTION) copied RUNS times with adaptive pacing and RUNS
 *                               times with --no-pacing (in pairs, adaptive-fixed then fixed-adaptive, after one warm-up
 *                               copy not counted); durations and the longest stretch without a write, the ratio of the
 *                               medians and the median of the pairs' ratios (a pair runs back to back, under the same
 *                               load of the machine); with FIXED_VS_FIXED set, the adaptive turns run a fixed
 *                               concurrency too ("control"): how far the two sets differ by chance alone
 * </pre>
 * Every run checks that the target holds exactly the source's documents (raw BSON, per collection).
 */
public class ThrottleBench {

    static final int COLLECTIONS = 4;
    static final int INSERT_WORKERS = 8;
    static final int BATCH = 100;
    /** FIXED_VS_FIXED set: random refusals compare a fixed concurrency with itself (see {@link #random}). */
    static final boolean CONTROL = System.getenv("FIXED_VS_FIXED") != null;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path work = Files.createTempDirectory("throttle-bench");
        if (mode.equals("budget")) {
            int seconds = Integer.parseInt(System.getenv().getOrDefault("SECONDS_PER_RUN", "12"));
            for (int i = 1; i < args.length; i++) {
                budget(Integer.parseInt(args[i]), seconds, work.resolve("budget-" + i + "-" + args[i]));
            }
        } else if (mode.equals("random")) {
            int runs = Integer.parseInt(System.getenv().getOrDefault("RUNS", "3"));
            for (int i = 1; i < args.length; i++) {
                random(Double.parseDouble(args[i]), runs, work.resolve("random-" + args[i]));
            }
        } else {
            throw new IllegalArgumentException("budget DOCS_PER_SECOND... | random RATE...");
        }
    }

    static void budget(int docsPerSecond, int seconds, Path dir) {
        double ru = CosmosRequestUnits.insertBudget(docsPerSecond);
        int perCollection = docsPerSecond * seconds / COLLECTIONS;
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().cosmosBudget(ru).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            fill(src, perCollection);
            MetricsCollector metrics = MetricsCollector.create();
            long total = (long) perCollection * COLLECTIONS;
            Window window = new Window(target, metrics, total / 5, total * 9 / 10);
            long start = System.nanoTime();
            RunResult result = copy(src, dst, metrics, dir, true);
            double took = (System.nanoTime() - start) / 1e9;
            window.finish();
            // the server's counts of the copy, before the comparison's own reads are charged and refused too
            CosmosStats copied = target.cosmosStats();
            boolean identical = identical(src, dst, perCollection);
            PacingReport pacing = target(result);
            double use = window.budgetUse(ru);
            System.out.printf(Locale.ROOT, "{\"bench\":\"budget\",\"documentsPerSecond\":%d,\"ruPerSecond\":%.0f,\"documents\":%d,"
                            + "\"seconds\":%.2f,\"windowSeconds\":%.2f,\"budgetUse\":%.4f,\"insertRequestsThrottledShare\":%.4f,"
                            + "\"serverThrottledRequests\":%d,\"serverRequests\":%d,\"reportedThrottledRequests\":%d,"
                            + "\"exitCode\":%d,\"identical\":%b,\"pacing\":\"%s\"}%n",
                    docsPerSecond, ru, total, took, window.seconds(), use, window.throttledShare(),
                    copied.throttledRequests(), copied.requests(),
                    metrics.getCurrentPerformance().throttles(), result.exitCode().code(), identical,
                    pacing.toReportDetails());
        }
    }

    static void random(double rate, int runs, Path dir) {
        int perCollection = Integer.parseInt(System.getenv().getOrDefault("RANDOM_DOCS_PER_COLLECTION", "100000"));
        warmUp(dir.resolve("warm-up"));
        List<Double> adaptive = new ArrayList<>();
        List<Double> fixed = new ArrayList<>();
        long worstGapAdaptive = 0;
        long worstGapFixed = 0;
        for (int run = 0; run < 2 * runs; run++) {
            // pairs in turn adaptive-fixed, fixed-adaptive: later copies in this JVM run faster (its JIT warms on), so a
            // fixed order would favour the second of each pair
            // FIXED_VS_FIXED: the adaptive runs' turns are fixed concurrency too, a control of how far two modes differ
            // by chance alone (order, JIT, garbage collection, the load of the machine)
            boolean first = run % 4 == 0 || run % 4 == 3;
            boolean paced = first && !CONTROL;
            try (EmbeddedMongo source = EmbeddedMongo.start();
                 EmbeddedMongo target = EmbeddedMongo.builder().throttleRate(rate).retryAfterMs(20).throttleSeed(run + 1).start();
                 MongoClient src = MongoClients.create(source.connectionString());
                 MongoClient dst = MongoClients.create(target.connectionString())) {
                fill(src, perCollection);
                MetricsCollector metrics = MetricsCollector.create();
                Gaps gaps = new Gaps(metrics);
                long start = System.nanoTime();
                RunResult result = copy(src, dst, metrics, dir.resolve("run" + run), paced);
                double took = (System.nanoTime() - start) / 1e9;
                gaps.close();
                boolean identical = identical(src, dst, perCollection);
                (first ? adaptive : fixed).add(took);
                if (first) {
                    worstGapAdaptive = Math.max(worstGapAdaptive, gaps.longestMillis());
                } else {
                    worstGapFixed = Math.max(worstGapFixed, gaps.longestMillis());
                }
                System.out.printf(Locale.ROOT, "{\"bench\":\"random\",\"rate\":%.2f,\"pacing\":\"%s\",\"documents\":%d,\"seconds\":%.2f,"
                                + "\"longestWithoutWriteMs\":%d,\"serverThrottled\":%d,\"exitCode\":%d,\"identical\":%b,\"pacer\":\"%s\"}%n",
                        rate, first ? (CONTROL ? "control" : "adaptive") : "fixed", perCollection * COLLECTIONS, took, gaps.longestMillis(),
                        target.throttledCount(), result.exitCode().code(), identical, target(result).toReportDetails());
            }
        }
        double a = median(adaptive);
        double f = median(fixed);
        List<Double> pairRatios = new ArrayList<>();
        for (int i = 0; i < Math.min(adaptive.size(), fixed.size()); i++) {
            pairRatios.add(adaptive.get(i) / fixed.get(i));
        }
        System.out.printf(Locale.ROOT, "{\"bench\":\"random-summary\",\"rate\":%.2f,\"adaptiveMedianSeconds\":%.2f,"
                        + "\"fixedMedianSeconds\":%.2f,\"adaptiveOverFixed\":%.3f,\"pairRatioMedian\":%.3f,\"adaptiveRuns\":%s,\"fixedRuns\":%s,"
                        + "\"longestWithoutWriteMsAdaptive\":%d,\"longestWithoutWriteMsFixed\":%d,\"control\":%b}%n",
                rate, a, f, a / f, median(pairRatios), adaptive, fixed, worstGapAdaptive, worstGapFixed, CONTROL);
    }

    /** One copy not counted, so that neither mode pays for the JIT of this JVM. */
    static void warmUp(Path dir) {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().throttleRate(0.2).retryAfterMs(20).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            fill(src, 10_000);
            copy(src, dst, MetricsCollector.create(), dir, true);
        }
    }

    static RunResult copy(MongoClient src, MongoClient dst, MetricsCollector metrics, Path dir, boolean paced) {
        MigrationSettings settings = MigrationSettings.builder(src, "bench-source", dst, "bench-target").sourceDatabase("bench")
                .checkpointDir(dir).batchSize(BATCH).insertWorkers(INSERT_WORKERS).copyIndexes(false)
                .adaptivePacing(paced).metrics(metrics).build();
        return MigrationRun.create(settings, RunOptions.copyOnly()).run(Mono.never()).block(Duration.ofMinutes(10));
    }

    static PacingReport target(RunResult result) {
        return result.pacing().stream().filter(p -> p.side().equals("target")).findFirst().orElseThrow();
    }

    static void fill(MongoClient src, int perCollection) {
        for (int c = 0; c < COLLECTIONS; c++) {
            var coll = src.getDatabase("bench").getCollection("c" + c, BsonDocument.class);
            Flux.range(0, (perCollection + 999) / 1000)
                    .flatMap(chunk -> {
                        List<BsonDocument> docs = new ArrayList<>(1000);
                        for (int i = chunk * 1000; i < Math.min(perCollection, (chunk + 1) * 1000); i++) {
                            docs.add(new BsonDocument("_id", new BsonInt32(i)).append("customer", new BsonString("c" + (i % 97)))
                                    .append("qty", new BsonInt32(i % 7)).append("padding", new BsonString("x".repeat(360))));
                        }
                        return Mono.from(coll.insertMany(docs, new InsertManyOptions().ordered(false)));
                    }, 4)
                    .blockLast(Duration.ofMinutes(5));
        }
    }

    /** Every collection holds the same documents, byte for byte, in _id order (streamed, not held). */
    static boolean identical(MongoClient src, MongoClient dst, int perCollection) {
        for (int c = 0; c < COLLECTIONS; c++) {
            // the Cosmos-mode target charges the comparison's reads too: start the collection over when it refuses
            for (int attempt = 1; ; attempt++) {
                try {
                    if (!identical(src, dst, perCollection, c)) {
                        return false;
                    }
                    break;
                } catch (com.mongodb.MongoException e) {
                    if (e.getCode() != 16500 || attempt >= 30) {
                        throw e;
                    }
                    sleep(1000);
                }
            }
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean identical(MongoClient src, MongoClient dst, int perCollection, int c) {
        {
            BsonDocument byId = new BsonDocument("_id", new BsonInt32(1));
            Iterator<RawBsonDocument> s = Flux.from(src.getDatabase("bench").getCollection("c" + c, RawBsonDocument.class)
                    .find().sort(byId).batchSize(1000)).toIterable(1000).iterator();
            Iterator<RawBsonDocument> t = Flux.from(dst.getDatabase("bench").getCollection("c" + c, RawBsonDocument.class)
                    .find().sort(byId).batchSize(1000)).toIterable(1000).iterator();
            long n = 0;
            while (s.hasNext()) {
                if (!t.hasNext() || !Arrays.equals(bytes(s.next()), bytes(t.next()))) {
                    return false;
                }
                n++;
            }
            if (t.hasNext() || n != perCollection) {
                return false;
            }
        }
        return true;
    }

    static byte[] bytes(RawBsonDocument doc) {
        var buffer = doc.getByteBuffer();
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The server's counters when the copy passes two marks. */
    static final class Window implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private volatile CosmosStats first;
        private volatile CosmosStats last;
        private volatile long firstNanos;
        private volatile long lastNanos;

        private final EmbeddedMongo target;

        Window(EmbeddedMongo target, MetricsCollector metrics, long from, long to) {
            this.target = target;
            timer.scheduleAtFixedRate(() -> {
                long written = metrics.getCurrentPerformance().documentsWritten();
                if (first == null && written >= from) {
                    first = target.cosmosStats();
                    firstNanos = System.nanoTime();
                } else if (first != null && last == null && written >= to) {
                    last = target.cosmosStats();
                    lastNanos = System.nanoTime();
                }
            }, 5, 5, TimeUnit.MILLISECONDS);
        }

        double seconds() {
            return (lastNanos - firstNanos) / 1e9;
        }

        /** Stops sampling; a copy that passed 90 % between two samples and ended ends the window now. */
        void finish() {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (first != null && last == null) {
                last = target.cosmosStats();
                lastNanos = System.nanoTime();
            }
        }

        double budgetUse(double ruPerSecond) {
            double unused = last.unusedRequestUnits() - first.unusedRequestUnits()
                    + (last.availableRequestUnits() - first.availableRequestUnits());
            return 1 - unused / (ruPerSecond * seconds());
        }

        double throttledShare() {
            return (double) (last.throttledRequests() - first.throttledRequests()) / Math.max(1, last.requests() - first.requests());
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** The longest time between two increases of the documents written, sampled every 10 ms. */
    static final class Gaps implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong longest = new AtomicLong();
        private long lastWritten = -1;
        private long lastChange = System.nanoTime();

        Gaps(MetricsCollector metrics) {
            timer.scheduleAtFixedRate(() -> {
                long written = metrics.getCurrentPerformance().documentsWritten();
                long now = System.nanoTime();
                if (written != lastWritten) {
                    if (lastWritten > 0) {
                        longest.accumulateAndGet((now - lastChange) / 1_000_000, Math::max);
                    }
                    lastWritten = written;
                    lastChange = now;
                }
            }, 10, 10, TimeUnit.MILLISECONDS);
        }

        long longestMillis() {
            return longest.get();
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }
}
