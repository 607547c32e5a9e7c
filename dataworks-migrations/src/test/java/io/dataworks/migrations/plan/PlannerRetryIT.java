package io.dataworks.migrations.plan;

import static io.dataworks.migrations.plan.PlanFixtures.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.error.ErrorKind;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.Namespace;

/**
 * Planning against a source that throttles half of its reads (as Cosmos DB does when out of request units):
 * every planning read ($sample, min/max {@code _id}, {@code $type} probes, counts) is retried by the run's policy
 * and counted by its listener, and the plan is the one an unthrottled source gives, no type bracket lost.
 */
class PlannerRetryIT {

    private static final PlanOptions OPTIONS = PlanOptions.defaults().withTargetPartitionsPerCollection(4).withRequireIndexedRanges(false)
            .withMinDocumentsToSplit(1_000);

    @Test
    void planningReadsAreRetriedAndCounted() {
        try (EmbeddedMongo source = EmbeddedMongo.builder().throttleReads(true).retryAfterMs(1).throttleSeed(11).start();
             // no driver retry: every refused read reaches the policy
             MongoClient client = MongoClients.create(source.connectionString() + "/?retryReads=false")) {
            var db = client.getDatabase("shop");
            PlanFixtures.fill(db.getCollection("oids", BsonDocument.class), PlanFixtures.objectIds(5_000, 1)).block(TIMEOUT);
            PlanFixtures.fill(db.getCollection("mixed", BsonDocument.class), PlanFixtures.mixed(2_000, 3)).block(TIMEOUT);
            NamespacePlan oidsUnthrottled = plan(db, "oids", RetryPolicy.of(RetryConfig.DEFAULTS));
            NamespacePlan mixedUnthrottled = plan(db, "mixed", RetryPolicy.of(RetryConfig.DEFAULTS));

            source.throttleRate(0.5);
            AtomicLong throttledRetries = new AtomicLong();
            RetryPolicy counting = RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(1)).withMaxAttempts(30))
                    .withListener((kind, attempt, delay) -> {
                        if (kind == ErrorKind.THROTTLED) {
                            throttledRetries.incrementAndGet();
                        }
                    });
            NamespacePlan oids = plan(db, "oids", counting);
            NamespacePlan mixed = plan(db, "mixed", counting);
            List<String> names = Planner.discover(db, List.of(), counting).block(TIMEOUT);
            source.throttleRate(0);

            assertThat(source.throttledCount()).as("reads refused while planning").isPositive();
            assertThat(throttledRetries.get()).as("every refused read was retried through the policy")
                    .isEqualTo(source.throttledCount());
            assertThat(names).containsExactly("mixed", "oids");
            assertThat(oids.estimatedDocuments()).isEqualTo(oidsUnthrottled.estimatedDocuments()).isEqualTo(5_000);
            assertThat(oids.partitioner()).isEqualTo(oidsUnthrottled.partitioner()).isEqualTo("splitVector");
            assertThat(oids.partitions()).hasSizeGreaterThan(1);
            assertThat(mixed.estimatedDocuments()).isEqualTo(2_000);
            assertThat(mixed.partitions().stream().map(Partition::typeBracket).distinct())
                    .as("no type bracket lost to a throttled probe")
                    .containsExactlyElementsOf(mixedUnthrottled.partitions().stream().map(Partition::typeBracket).distinct().toList());
        }
    }

    @Test
    void aThrottledExplainIsRetriedNotTakenForAServerThatCannotExplain() {
        List<Integer> explainFailures = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.mongodb.event.CommandListener listener = new com.mongodb.event.CommandListener() {
            @Override
            public void commandFailed(com.mongodb.event.CommandFailedEvent event) {
                if (event.getCommandName().equals("explain") && event.getThrowable() instanceof com.mongodb.MongoServerException e) {
                    explainFailures.add(e.getCode());
                }
            }
        };
        // a server that cannot explain: the embedded one without its ordered _id index
        try (EmbeddedMongo source = EmbeddedMongo.builder().orderedIdIndex(false).throttleReads(true).retryAfterMs(1).throttleSeed(3).start();
             MongoClient client = MongoClients.create(com.mongodb.MongoClientSettings.builder()
                     .applyConnectionString(new com.mongodb.ConnectionString(source.connectionString() + "/?retryReads=false"))
                     .addCommandListener(listener).build())) {
            var db = client.getDatabase("shop");
            PlanFixtures.fill(db.getCollection("oids", BsonDocument.class), PlanFixtures.objectIds(5_000, 1)).block(TIMEOUT);
            RetryPolicy retry = RetryPolicy.of(RetryConfig.DEFAULTS.withInitialBackoff(Duration.ofMillis(1)).withMaxAttempts(40));

            source.throttleRate(0.8);
            Planner planner = Planner.create(OPTIONS.withRequireIndexedRanges(true)).withRetryPolicy(retry);
            List<NamespacePlan> plans = reactor.core.publisher.Flux.range(0, 5)
                    .concatMap(i -> planner.planNamespace(db, "oids", new Namespace("target", "oids"), new BsonDocument()))
                    .collectList().block(TIMEOUT);
            source.throttleRate(0);

            // explains refused for throughput (16500) were sent again until the server answered that it has none (59)
            assertThat(explainFailures).contains(16500).filteredOn(code -> code == 59).hasSize(5);
            assertThat(explainFailures).containsOnly(16500, 59);
            assertThat(plans).allSatisfy(plan -> {
                assertThat(plan.partitioner()).isEqualTo("single");
                assertThat(plan.partitions()).hasSize(1);
            });
        }
    }

    private static NamespacePlan plan(com.mongodb.reactivestreams.client.MongoDatabase db, String collection, RetryPolicy retry) {
        return Planner.create(OPTIONS).withRetryPolicy(retry)
                .planNamespace(db, collection, new Namespace("target", collection), new BsonDocument())
                .block(TIMEOUT);
    }
}
