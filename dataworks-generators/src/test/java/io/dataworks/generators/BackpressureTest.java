package io.dataworks.generators;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import io.dataworks.generators.sink.BatchResult;
import io.dataworks.generators.sink.DocumentSink;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Mono;

/** A slow sink holds the generators back: documents rendered but not yet written stay bounded. */
class BackpressureTest {

    /** Counts documents encoded and not yet written; each write takes a few milliseconds. */
    static final class SlowSink implements DocumentSink<Long> {
        final boolean ordered;
        final AtomicLong pending = new AtomicLong();
        final AtomicLong maxPending = new AtomicLong();
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        SlowSink(boolean ordered) {
            this.ordered = ordered;
        }

        @Override
        public String description() {
            return "slow";
        }

        @Override
        public boolean ordered() {
            return ordered;
        }

        @Override
        public Long encode(long index, Document document) {
            maxPending.accumulateAndGet(pending.incrementAndGet(), Math::max);
            return index;
        }

        @Override
        public long encodedSize(Long encoded) {
            return 8;
        }

        @Override
        public Mono<Void> open(GenerationContext context) {
            return Mono.empty();
        }

        @Override
        public Mono<BatchResult> write(List<Long> batch, MetricsCollector metrics) {
            return Mono.defer(() -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                return Mono.delay(Duration.ofMillis(3)).then(Mono.fromCallable(() -> {
                    inFlight.decrementAndGet();
                    pending.addAndGet(-batch.size());
                    return new BatchResult(batch.size(), 0, batch.size() * 8L);
                }));
            });
        }

        @Override
        public Mono<Void> close(boolean failed) {
            return Mono.empty();
        }
    }

    static final DocumentGenerator FAST = new DocumentGenerator() {
        @Override
        public String name() {
            return "fast";
        }

        @Override
        public Document generate(long index, java.util.random.RandomGenerator random) {
            return new Document("i", index);
        }
    };

    @Test
    void unorderedSinkBoundsWhatIsInMemoryAndKeepsWriteWorkersBusy() {
        SlowSink sink = new SlowSink(false);
        GenerationResult result = run(sink);

        assertThat(result.documentsWritten()).isEqualTo(50_000);
        // at most G slices rendered ahead plus W batches being written, each of 100 documents
        assertThat(sink.maxPending.get()).isLessThanOrEqualTo((4 + 3 + 2) * 100L);
        assertThat(sink.maxInFlight.get()).isEqualTo(3);
    }

    @Test
    void orderedSinkBoundsWhatIsInMemoryAndWritesOneBatchAtATime() {
        SlowSink sink = new SlowSink(true);
        GenerationResult result = run(sink);

        assertThat(result.documentsWritten()).isEqualTo(50_000);
        assertThat(sink.maxPending.get()).isLessThanOrEqualTo((2 * 4 + 1 + 2) * 100L);
        assertThat(sink.maxInFlight.get()).isEqualTo(1);
    }

    private static GenerationResult run(SlowSink sink) {
        return GenerationEngine.create(GenerationSettings.of(FAST, 50_000, 1, sink)
                .withGenerationWorkers(4).withBatchSize(100).withWriteWorkers(3))
                .run(MetricsCollector.create()).block(Duration.ofMinutes(1));
    }
}
