package io.dataworks.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.bson.BsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.checkpoint.CheckpointStore;
import io.dataworks.migrations.checkpoint.ForwardingCheckpointStore;
import io.dataworks.migrations.internal.DefaultMigrationEngine;
import io.dataworks.migrations.testing.Fill;
import io.dataworks.monitoring.MetricsCollector;

/**
 * Periodic checkpoints go on after a save fails (a checkpoint store that did not answer in time): the copy keeps
 * recording its progress, so a later crash still resumes near where it was.
 */
class CheckpointingIT {

    @TempDir
    Path dir;

    /** The file store, whose copy-record writes fail while {@code failing} says so, counting what got through. */
    private static final class FlakyStore extends ForwardingCheckpointStore {
        final AtomicInteger copyWrites = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger savedAfterFailures = new AtomicInteger();

        FlakyStore(CheckpointStore files) {
            super(files);
        }

        @Override
        public void write(Kind kind, Namespace source, BsonDocument record) {
            if (kind == Kind.COPY) {
                int n = copyWrites.incrementAndGet();
                // the first copy-record writes are the prepare step's; fail two periodic ones after them
                if (n == 3 || n == 4) {
                    failed.incrementAndGet();
                    throw new DataWorksException(ExitCode.FAILED, "checkpoint store: cannot write: no answer within 60 s");
                }
                if (failed.get() == 2) {
                    savedAfterFailures.incrementAndGet();
                }
            }
            delegate.write(kind, source, record);
        }
    }

    @Test
    void aFailedPeriodicSaveIsTriedAgainAtTheNextInterval() {
        try (EmbeddedMongo source = EmbeddedMongo.start();
             // ~4000 documents/s at most: the copy of 8000 lasts about two seconds, many checkpoint intervals
             EmbeddedMongo target = EmbeddedMongo.builder().writeBudget(4000).start();
             MongoClient src = MongoClients.create(source.connectionString());
             MongoClient dst = MongoClients.create(target.connectionString());
             FlakyStore store = new FlakyStore(CheckpointStore.files(dir.resolve("cp")))) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 8000);
            MigrationSettings settings = MigrationSettings.builder(src, source.connectionString(), dst, target.connectionString())
                    .sourceDatabase("shop").checkpointDir(dir.resolve("cp")).checkpointInterval(Duration.ofMillis(50))
                    .batchSize(100).metrics(MetricsCollector.create())
                    // the budget throttles: wait as long as it takes rather than give up on a busy machine
                    .retryPolicy(RetryPolicy.of(RetryConfig.DEFAULTS.withMaxAttempts(10_000).withMaxTotalWait(Duration.ofMinutes(10))))
                    .build();

            MigrationResult result = new DefaultMigrationEngine(settings, store).migrate().block(Duration.ofSeconds(120));

            assertThat(result.namespaces()).singleElement().satisfies(ns -> assertThat(ns.documentsCopied()).isEqualTo(8000));
            assertThat(store.failed).hasValue(2);
            assertThat(store.savedAfterFailures.get()).as("periodic saves after the failed ones, not only the final one")
                    .isGreaterThanOrEqualTo(3);
        }
    }
}
