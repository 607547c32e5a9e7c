package io.dataworks.migrations.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.bson.Document;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import de.bwaldvogel.mongo.MongoServer;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.retry.RetryPolicy;
import io.micrometer.core.instrument.Clock;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Bulk inserts through the limiter against a throttling server: nothing is lost at 10%, 30% and 60%
 * random throttling, and under an RU-like budget the adaptive limit wastes fewer requests than a
 * fixed one at the maximum.
 */
class AdaptiveThrottlingIT {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveThrottlingIT.class);
    private static final int BATCHES = 200;
    private static final int BATCH_SIZE = 20;
    private static final int MAX_CONCURRENCY = 16;
    /** The project's retry policy with short waits: it honours RetryAfterMs (plus jitter) when throttled. */
    private static final RetryPolicy RETRY = RetryPolicy.of(new RetryConfig(1_000, Duration.ofMillis(1), Duration.ofMillis(20),
            Duration.ofSeconds(60), 0.5));
    private static final double BUDGET = 30;
    /** Far below what the embedded server takes even on a loaded 2-core machine, so the budget binds. */
    private static final int BUDGET_BATCHES = 60;

    record Run(long throttled, long executed, long documents, long distinctIds, LimiterStats stats) {
        double throttledPerSuccess() {
            return (double) throttled / executed;
        }
    }

    @BeforeAll
    static void warmUp() {
        // JIT and connection set-up would otherwise burden whichever run comes first.
        new AdaptiveThrottlingIT().insertAll(ThrottlingBackend.randomRate(0, 1), LimiterSettings.of(MAX_CONCURRENCY, MAX_CONCURRENCY), 50);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3, 0.6})
    void completesWithNothingLostUnderRandomThrottling(double rate) {
        Run run;
        try (EmbeddedMongo mongo = EmbeddedMongo.builder().throttleRate(rate).retryAfterMs(5).throttleSeed(42).start()) {
            run = insertAll(mongo.connectionString(), LimiterSettings.of(4, MAX_CONCURRENCY), BATCHES,
                    mongo::throttledCount, mongo::writeCommandCount);
        }

        System.out.printf("AIMD-RANDOM rate=%.1f throttled/successful=%s (%d / %d), limit %d..%d%n", rate,
                String.format("%.2f", run.throttledPerSuccess()), run.throttled(), run.executed(),
                run.stats().minLimitSeen(), run.stats().maxLimitSeen());
        assertThat(run.documents()).isEqualTo(BATCHES * BATCH_SIZE);
        assertThat(run.distinctIds()).isEqualTo(BATCHES * BATCH_SIZE);
        assertThat(run.executed()).as("one successful insert per batch").isEqualTo(BATCHES);
        assertThat(run.stats().minLimitSeen()).as("throttling lowered the limit").isLessThan(4);
        assertThat(run.throttled()).isPositive();
        assertThat(run.stats().throttled()).as("the limiter saw every throttle").isEqualTo(run.throttled());
    }

    @Test
    void underABudgetAdaptiveConcurrencyWastesFewerRequestsThanFixedConcurrency() {
        Run fixed = insertAll(ThrottlingBackend.budget(BUDGET, 2),
                LimiterSettings.of(MAX_CONCURRENCY, MAX_CONCURRENCY).withMinLimit(MAX_CONCURRENCY), BUDGET_BATCHES);
        Run adaptive = insertAll(ThrottlingBackend.budget(BUDGET, 2), LimiterSettings.of(MAX_CONCURRENCY, MAX_CONCURRENCY), BUDGET_BATCHES);

        LOG.info("budget {}/s: throttled/successful fixed {} ({} / {}), adaptive {} ({} / {}), adaptive limit {}..{}", BUDGET,
                String.format("%.2f", fixed.throttledPerSuccess()), fixed.throttled(), fixed.executed(),
                String.format("%.2f", adaptive.throttledPerSuccess()), adaptive.throttled(), adaptive.executed(),
                adaptive.stats().minLimitSeen(), adaptive.stats().maxLimitSeen());
        System.out.printf("AIMD-RATIO fixed=%.3f adaptive=%.3f%n", fixed.throttledPerSuccess(), adaptive.throttledPerSuccess());
        for (Run run : List.of(fixed, adaptive)) {
            assertThat(run.documents()).isEqualTo(BUDGET_BATCHES * BATCH_SIZE);
            assertThat(run.distinctIds()).isEqualTo(BUDGET_BATCHES * BATCH_SIZE);
        }
        assertThat(fixed.throttledPerSuccess()).as("the fixed run is heavily throttled (>= 60%% of requests)")
                .isGreaterThanOrEqualTo(1.5);
        assertThat(adaptive.throttledPerSuccess()).isLessThan(fixed.throttledPerSuccess() / 2);
        assertThat(adaptive.stats().decreases()).isPositive();
    }

    private Run insertAll(ThrottlingBackend backend, LimiterSettings settings, int batches) {
        MongoServer server = new MongoServer(backend);
        InetSocketAddress address = server.bind();
        try {
            return insertAll("mongodb://127.0.0.1:" + address.getPort(), settings, batches, backend::throttled,
                    () -> backend.executed() + backend.throttled());
        } finally {
            server.shutdownNow();
        }
    }

    /** Inserts {@code batches} batches through a limiter and the retry policy; counts come from the server. */
    private Run insertAll(String uri, LimiterSettings settings, int batches, LongSupplier throttled, LongSupplier writeCommands) {
        try (MongoClient client = MongoClients.create(uri + "/?retryWrites=false&maxPoolSize=64")) {
            MongoCollection<Document> coll = client.getDatabase("aimd").getCollection("docs");
            AdaptiveConcurrencyLimiter limiter = AdaptiveConcurrencyLimiter.create(
                    settings.withCooldown(Duration.ofMillis(100)), Clock.SYSTEM, (n, v) -> { });

            long start = System.nanoTime();
            Flux.range(0, batches)
                    .flatMap(b -> limiter.run(
                            () -> Mono.from(coll.insertMany(batch(b), new InsertManyOptions().ordered(false))),
                            RETRY::apply), 64)
                    .then()
                    .block(Duration.ofSeconds(60));
            LOG.info("{} batches at limit {}..{}: {} ms, {} throttled of {} write commands, limit seen {}..{}", batches,
                    settings.minLimit(), settings.maxLimit(), (System.nanoTime() - start) / 1_000_000, throttled.getAsLong(),
                    writeCommands.getAsLong(), limiter.stats().minLimitSeen(), limiter.stats().maxLimitSeen());

            long count = Mono.from(coll.countDocuments()).block();
            long distinct = Flux.from(coll.distinct("_id", Integer.class)).count().block();
            return new Run(throttled.getAsLong(), writeCommands.getAsLong() - throttled.getAsLong(), count, distinct, limiter.stats());
        }
    }

    private static List<Document> batch(int b) {
        List<Document> docs = new ArrayList<>(BATCH_SIZE);
        for (int i = 0; i < BATCH_SIZE; i++) {
            docs.add(new Document("_id", b * BATCH_SIZE + i).append("payload", "x".repeat(64)));
        }
        return docs;
    }
}
