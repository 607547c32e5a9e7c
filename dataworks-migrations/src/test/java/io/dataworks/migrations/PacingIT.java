package io.dataworks.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.BsonDocument;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.embedded.CosmosRequestUnits;
import io.dataworks.core.embedded.CosmosStats;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.pacing.PacerStats;
import io.dataworks.migrations.endpoint.PacingReport;
import io.dataworks.migrations.testing.Fill;
import io.dataworks.migrations.testing.Servers;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The pacing that ships (the endpoint's pacer, through the copy's bulk writes) against a throttling target over TCP:
 * nothing lost, the throttles counted as the server counts them, the pacer cutting to a learned rate against a budget
 * and learning random refusals as such. Budget use and the throttled share depend on how busy the shared CPUs are: they
 * are printed here and measured by {@code bench/throttle.sh}; the control law's targets are asserted in virtual time by
 * {@code PacerSimulationTest}.
 */
class PacingIT {

    private static final int COLLECTIONS = 4;
    private static final int PER_COLLECTION = 6_000;

    @TempDir
    Path dir;

    @Test
    void againstACosmosBudgetTheCopyIsPacedToTheBudgetLosesNothingAndCountsWhatTheServerCounts() {
        int documentsPerSecond = 3_000;
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().cosmosBudget(CosmosRequestUnits.insertBudget(documentsPerSecond)).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            for (int c = 0; c < COLLECTIONS; c++) {
                Fill.orders(source.connectionString(), "shop", "orders" + c, 0, PER_COLLECTION);
            }
            MetricsCollector metrics = MetricsCollector.create();
            MigrationSettings settings = MigrationSettings.builder(src, "s", dst, "t").sourceDatabase("shop")
                    .checkpointDir(dir).batchSize(100).insertWorkers(16).copyIndexes(false).metrics(metrics).build();

            // measured by the server, between a third and 90 % of the copy (the server's full bucket, the first
            // overshoot and the tail left out)
            long total = (long) COLLECTIONS * PER_COLLECTION;
            Window window = new Window(target, metrics, total / 3, total * 9 / 10);
            RunResult result;
            try {
                result = MigrationRun.create(settings, RunOptions.copyOnly()).run(Mono.never()).block(Duration.ofSeconds(120));
            } finally {
                window.close();
            }

            assertThat(result.exitCode().code()).isZero();
            // the server's counts of the copy, before the comparison's own reads are charged and refused too (one such
            // refusal made the counts differ by one in a full suite's run)
            CosmosStats server = target.cosmosStats();
            for (int c = 0; c < COLLECTIONS; c++) {
                assertThat(throttledRead(dst, "shop", "orders" + c)).usingElementComparator(Servers.byBytes())
                        .containsExactlyElementsOf(ResilienceIT.all(src, "shop", "orders" + c));
            }
            assertThat(server.throttledRequests()).as("the budget throttled at first").isPositive();
            assertThat(metrics.getCurrentPerformance().throttles()).as("throttled requests, counted as the server counts them")
                    .isEqualTo(server.throttledRequests());
            assertThat(metrics.throttledDocuments()).isEqualTo(server.throttledDocuments());
            PacingReport pacing = result.pacing().stream().filter(p -> p.side().equals("target")).findFirst().orElseThrow();
            PacerStats stats = pacing.stats().orElseThrow();
            assertThat(stats.decreases()).as("the pacer cut its rate to the budget").isPositive();
            assertThat(pacing.rate()).as("a learned rate").isPresent();
            assertThat(stats.throttledAnswers()).isEqualTo(server.throttledRequests());
            // the pacer was told of exactly the documents the server refused: a write taken in part counts its refused
            // rest, not all it carried (the written part of a partial write is what the server accepted)
            assertThat(server.partialRequests()).as("the budget took writes in part").isPositive();
            assertThat(stats.refusedUnits()).isEqualTo(server.throttledDocuments());

            double use = window.budgetUse(CosmosRequestUnits.insertBudget(documentsPerSecond));
            double throttledShare = window.throttledShare();
            System.out.printf("PACING cosmos %,d docs/s: budget use %.3f, %.3f of insert requests throttled in the window, "
                    + "%s%n", documentsPerSecond, use, throttledShare, pacing.toReportDetails());
            // Budget use and the throttled share are speeds: printed here, measured by bench/throttle.sh (a full test
            // suite in one JVM on two shared cores moved the throttled share of this very run from 2 % to 75 %).
        }
    }

    @Test
    void underRandomRefusalsThePacerLearnsTheyAreNotItsRateAndWritingNeverStops() {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             EmbeddedMongo target = EmbeddedMongo.builder().throttleRate(0.5).retryAfterMs(20).throttleSeed(11).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 20_000);
            MetricsCollector metrics = MetricsCollector.create();
            MigrationSettings settings = MigrationSettings.builder(src, "s", dst, "t").sourceDatabase("shop")
                    .checkpointDir(dir).batchSize(200).insertWorkers(8).copyIndexes(false).metrics(metrics).build();

            Gaps gaps = new Gaps(metrics);
            RunResult result;
            try {
                result = MigrationRun.create(settings, RunOptions.copyOnly()).run(Mono.never()).block(Duration.ofSeconds(120));
            } finally {
                gaps.close();
            }

            assertThat(result.exitCode().code()).isZero();
            assertThat(ResilienceIT.all(dst, "shop", "orders")).usingElementComparator(Servers.byBytes())
                    .containsExactlyElementsOf(ResilienceIT.all(src, "shop", "orders"));
            PacingReport pacing = result.pacing().stream().filter(p -> p.side().equals("target")).findFirst().orElseThrow();
            System.out.printf("PACING random 50%%: longest stretch without a write %d ms, %s%n", gaps.longestMillis(),
                    pacing.toReportDetails());
            assertThat(target.throttledCount()).isPositive();
            assertThat(pacing.stats().orElseThrow().noiseShare()).as("refusals learned to come whatever the rate")
                    .isGreaterThan(0.2);
            // 2 s is the bench's target on a quiet machine; a starved CI machine gets more room
            assertThat(gaps.longestMillis()).as("longest stretch without a write").isLessThan(5_000);
        }
    }

    @Test
    void aSourceThatRefusesReadsForLackOfBudgetIsPacedAndTheCopyIsIdentical() {
        try (EmbeddedMongo source = EmbeddedMongo.builder().cosmosBudget(1e9).start();
             EmbeddedMongo target = EmbeddedMongo.start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString())) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 4_000);
            // then a budget that reads under a thousand of these documents a second (reads are charged by their bytes:
            // ~1,300 RU for all of them, a fifth of it in the full bucket)
            source.cosmosBudget(250);
            MetricsCollector metrics = MetricsCollector.create();
            MigrationSettings settings = MigrationSettings.builder(src, "s", dst, "t").sourceDatabase("shop")
                    .checkpointDir(dir).sourceBatchSize(100).batchSize(100).insertWorkers(8).copyIndexes(false)
                    .metrics(metrics).build();

            RunResult result = MigrationRun.create(settings, RunOptions.copyOnly()).run(Mono.never()).block(Duration.ofSeconds(120));

            assertThat(result.exitCode().code()).isZero();
            source.cosmosBudget(1e9);
            assertThat(ResilienceIT.all(dst, "shop", "orders")).usingElementComparator(Servers.byBytes())
                    .containsExactlyElementsOf(ResilienceIT.all(src, "shop", "orders"));
            PacingReport pacing = result.pacing().stream().filter(p -> p.side().equals("source")).findFirst().orElseThrow();
            PacerStats stats = pacing.stats().orElseThrow();
            System.out.printf("PACING cosmos source: %s, server %s, throttled %d%n", pacing.toReportDetails(), source.cosmosStats(), source.throttledCount());
            assertThat(source.throttledCount()).as("reads refused for lack of budget").isPositive();
            // (the planner's refused reads are retried by the policy without the pacer: at most the server's count)
            assertThat(stats.throttledAnswers()).as("refused cursor batches reached the source's pacer")
                    .isPositive().isLessThanOrEqualTo(source.throttledCount());
            assertThat(stats.decreases()).as("the source's pacer cut its read rate").isPositive();
            // Not asserted, because it is not so yet: that the cut holds. Each cursor asks for its next batch before
            // the pacer lets the last one through (the driver reads ahead as far as the demand), so the cut does not
            // lower the refusals at once and the review takes the budget for random refusals (issue 11, not done).
        }
    }

    /**
     * Every document of a collection on the Cosmos-mode target, read again from the start while the server refuses
     * the read for lack of budget (reads are charged too, and the copy may have left the bucket in debt).
     */
    private static List<RawBsonDocument> throttledRead(MongoClient client, String db, String coll) {
        // a plain loop on the test's thread: the read blocks, which a Reactor retry would do on a parallel thread
        for (int attempt = 1; ; attempt++) {
            try {
                return ResilienceIT.all(client, db, coll);
            } catch (com.mongodb.MongoException e) {
                if (e.getCode() != 16500 || attempt >= 100) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** Samples the server's counters when the copy passes two marks. */
    private static final class Window implements AutoCloseable {
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private volatile CosmosStats first;
        private volatile CosmosStats last;
        private volatile long firstNanos;
        private volatile long lastNanos;

        Window(EmbeddedMongo target, MetricsCollector metrics, long from, long to) {
            timer.scheduleAtFixedRate(() -> {
                long written = metrics.getCurrentPerformance().documentsWritten();
                if (first == null && written >= from) {
                    first = target.cosmosStats();
                    firstNanos = System.nanoTime();
                } else if (first != null && last == null && written >= to) {
                    last = target.cosmosStats();
                    lastNanos = System.nanoTime();
                }
            }, 10, 10, TimeUnit.MILLISECONDS);
        }

        double budgetUse(double ruPerSecond) {
            double seconds = (lastNanos - firstNanos) / 1e9;
            double unused = last.unusedRequestUnits() - first.unusedRequestUnits()
                    + (last.availableRequestUnits() - first.availableRequestUnits());
            return 1 - unused / (ruPerSecond * seconds);
        }

        double throttledShare() {
            return (double) (last.throttledRequests() - first.throttledRequests()) / Math.max(1, last.requests() - first.requests());
        }

        @Override
        public void close() {
            timer.shutdownNow();
        }
    }

    /** The longest time between two increases of the documents written, sampled every 20 ms. */
    private static final class Gaps implements AutoCloseable {
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
            }, 20, 20, TimeUnit.MILLISECONDS);
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
