package io.dataworks.migrations.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dataworks.core.config.ConfigException;
import io.dataworks.migrations.Namespace;
import reactor.core.publisher.Mono;

/** The chain's contract, first that works wins: a failing partitioner is reported and skipped, a user's mistake is not. */
class PartitionerChainTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Planner.class);
    // never connects: the partitioners below answer without reading
    private final MongoClient client = MongoClients.create("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1");

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
        client.close();
    }

    private PartitionContext context() {
        var db = client.getDatabase("db");
        return new PartitionContext(new Namespace("db", "c"), db, db.getCollection("c", BsonDocument.class),
                List.of("number"), 100_000, 10_000_000, 4, 1000, SourceReads.withDefaults());
    }

    private static Partitioner failing(String name, RuntimeException error, AtomicInteger calls) {
        return partitioner(name, () -> {
            calls.incrementAndGet();
            return Mono.error(error);
        });
    }

    private static Partitioner answering(String name, List<Partition> partitions) {
        return partitioner(name, () -> Mono.just(Optional.of(partitions)));
    }

    private static Partitioner partitioner(String name, java.util.function.Supplier<Mono<Optional<List<Partition>>>> answer) {
        return new Partitioner() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Mono<Optional<List<Partition>>> partition(PartitionContext context) {
                return answer.get();
            }
        };
    }

    private static final List<Partition> TWO = List.of(
            new Partition(0, "number", null, new BsonInt32(10)),
            new Partition(1, "number", new BsonInt32(10), null));

    @Test
    void anUnexpectedFailureIsLoggedAndTheNextPartitionerWins() {
        AtomicInteger calls = new AtomicInteger();
        Planner planner = Planner.create(PlanOptions.defaults(), List.of(
                failing("sample", new IllegalArgumentException("Comparison method violates its general contract!"), calls),
                answering("objectIdTime", TWO)));

        Planner.Named chosen = planner.firstThatWorks(context()).block();

        assertThat(chosen.name()).isEqualTo("objectIdTime");
        assertThat(chosen.partitions()).isEqualTo(TWO);
        assertThat(calls).hasValue(1);
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("db.c", "partitioner sample failed", "Comparison method violates its general contract");
    }

    @Test
    void whenEveryPartitionerFailsTheCollectionIsReadByOneCursor() {
        AtomicInteger calls = new AtomicInteger();
        Planner planner = Planner.create(PlanOptions.defaults(), List.of(
                failing("sample", new IllegalStateException("boom"), calls),
                failing("objectIdTime", new IllegalStateException("bang"), calls)));

        Planner.Named chosen = planner.firstThatWorks(context()).block();

        assertThat(chosen.name()).isEqualTo("single");
        assertThat(chosen.partitions()).containsExactly(Partition.fullRange(0));
        assertThat(calls).hasValue(2);
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(2);
    }

    @Test
    void aConfigurationErrorFailsThePlan() {
        AtomicInteger calls = new AtomicInteger();
        AtomicInteger after = new AtomicInteger();
        Planner planner = Planner.create(PlanOptions.defaults(), List.of(
                failing("sample", new ConfigException("FRAMEWORK_PLAN_SAMPLE_SIZE", "FRAMEWORK_PLAN_SAMPLE_SIZE is too big"), calls),
                failing("objectIdTime", new IllegalStateException("must not be asked"), after)));

        assertThatThrownBy(() -> planner.firstThatWorks(context()).block())
                .isInstanceOf(ConfigException.class).hasMessageContaining("FRAMEWORK_PLAN_SAMPLE_SIZE");
        assertThat(after).hasValue(0);
        assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).isEmpty();
    }
}
