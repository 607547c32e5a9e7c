package io.dataworks.migrations.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class BatcherTest {

    @Test
    void closesOnCountAndKeepsOrder() {
        List<List<Integer>> batches = Batcher.batch(Flux.range(0, 25), 10, Long.MAX_VALUE, Duration.ofSeconds(10), i -> 1, 10)
                .collectList().block();
        assertThat(batches).extracting(List::size).containsExactly(10, 10, 5);
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(
                Flux.range(0, 25).collectList().block());
    }

    @Test
    void closesOnBytesBeforeExceedingTheLimit() {
        // sizes 40 each, limit 100: two fit (80), the third would exceed.
        List<List<Integer>> batches = Batcher.batch(Flux.range(0, 7), 1000, 100, Duration.ofSeconds(10), i -> 40, 1000)
                .collectList().block();
        assertThat(batches).extracting(List::size).containsExactly(2, 2, 2, 1);
    }

    @Test
    void anElementLargerThanTheLimitIsABatchOfItsOwn() {
        List<List<Integer>> batches = Batcher.batch(Flux.just(1, 500, 2), 1000, 100, Duration.ofSeconds(10), i -> i, 1000)
                .collectList().block();
        assertThat(batches).containsExactly(List.of(1), List.of(500), List.of(2));
    }

    @Test
    void cutsChunksAcrossBatchesByCountAndBytesKeepingOrder() {
        // chunks as a cursor delivers them: 15, nothing, 7; batches of at most 10 elements and 300 bytes (40 each: 7 fit)
        Flux<List<Integer>> chunks = Flux.just(Flux.range(0, 15).collectList().block(), List.<Integer>of(),
                Flux.range(15, 7).collectList().block());
        List<List<Integer>> byCount = Batcher.batchChunks(chunks, 10, Long.MAX_VALUE, Duration.ofSeconds(10), i -> 1, 1)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(byCount).extracting(List::size).containsExactly(10, 10, 2);
        assertThat(byCount.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(Flux.range(0, 22).collectList().block());

        List<List<Integer>> byBytes = Batcher.batchChunks(chunks, 10, 300, Duration.ofSeconds(10), i -> 40, 1)
                .collectList().block(Duration.ofSeconds(10));
        assertThat(byBytes).extracting(List::size).containsExactly(7, 7, 7, 1);
    }

    @Test
    void theRestOfAChunkIsHandedOnAfterTheTimeout() {
        StepVerifier.withVirtualTime(() -> {
                    Sinks.Many<List<Integer>> source = Sinks.many().unicast().onBackpressureBuffer();
                    source.tryEmitNext(Flux.range(0, 13).collectList().block());
                    return Batcher.batchChunks(source.asFlux(), 10, Long.MAX_VALUE, Duration.ofMillis(100), i -> 1, 1)
                            .doOnNext(batch -> {
                                if (batch.contains(12)) {
                                    source.tryEmitComplete();
                                }
                            });
                })
                .expectSubscription()
                .expectNext(Flux.range(0, 10).collectList().block())
                .expectNoEvent(Duration.ofMillis(99))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(List.of(10, 11, 12))
                .verifyComplete();
    }

    @Test
    void asksForChunksOnlyAsDownstreamAsks() {
        AtomicLong requested = new AtomicLong();
        Flux<List<Integer>> chunks = Flux.range(0, 1000).map(i -> List.of(i)).doOnRequest(requested::addAndGet);
        StepVerifier.create(Batcher.batchChunks(chunks, 1, Long.MAX_VALUE, Duration.ofSeconds(10), i -> 1, 2), 1)
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(50))
                .then(() -> assertThat(requested.get()).isLessThanOrEqualTo(4))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @Test
    void closesOnTime() {
        StepVerifier.withVirtualTime(() -> {
                    Sinks.Many<Integer> source = Sinks.many().unicast().onBackpressureBuffer();
                    source.tryEmitNext(1);
                    source.tryEmitNext(2);
                    return Batcher.batch(source.asFlux(), 10, Long.MAX_VALUE, Duration.ofMillis(100), i -> 1, 10)
                            .doOnNext(batch -> {
                                if (batch.contains(2)) {
                                    source.tryEmitNext(3);
                                    source.tryEmitComplete();
                                }
                            });
                })
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(99))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(List.of(1, 2))
                .expectNext(List.of(3))
                .verifyComplete();
    }

    @Test
    void readsUpstreamOnlyAsDownstreamAsks() {
        AtomicLong requested = new AtomicLong();
        Flux<Integer> source = Flux.range(0, 10_000).doOnRequest(requested::addAndGet);
        StepVerifier.create(Batcher.batch(source, 100, Long.MAX_VALUE, Duration.ofSeconds(10), i -> 1, 100), 1)
                .expectNextCount(1)
                .thenAwait(Duration.ofMillis(50))
                .then(() -> assertThat(requested.get()).isLessThanOrEqualTo(200))
                .thenRequest(2)
                .expectNextCount(2)
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(requested.get()).isLessThanOrEqualTo(400);
    }

    @Test
    void survivesConcurrentProducersAndTimerWithoutLosingElements() {
        List<Integer> all = new ArrayList<>();
        Batcher.batch(Flux.range(0, 50_000).delayElements(Duration.ZERO), 97, 5000, Duration.ofNanos(1000), i -> 10, 97)
                .doOnNext(all::addAll)
                .blockLast(Duration.ofSeconds(30));
        assertThat(all).hasSize(50_000);
        assertThat(all).isSorted();
    }

    @Test
    void aSlowDownstreamDoesNotHoldTheLockTheUpstreamNeeds() throws Exception {
        Sinks.Many<Integer> source = Sinks.many().unicast().onBackpressureBuffer();
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<List<Integer>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        reactor.core.Disposable subscription = Batcher.batch(source.asFlux(), 100, Long.MAX_VALUE, Duration.ofMillis(10), i -> 1, 10)
                .subscribe(batch -> {
                    seen.add(batch);
                    entered.countDown();
                    try {
                        release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
        try {
            source.tryEmitNext(1);
            // the timer cuts [1] and hands it to the downstream, which now sits in onNext on the timer's thread
            assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // the upstream must still be able to deliver: the batcher's lock is not held while emitting
            java.util.concurrent.CompletableFuture<Void> next = java.util.concurrent.CompletableFuture.runAsync(() -> source.tryEmitNext(2));
            next.get(5, java.util.concurrent.TimeUnit.SECONDS);
            release.countDown();
            source.tryEmitComplete();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            assertThat(seen).containsExactly(List.of(1), List.of(2));
        } finally {
            release.countDown();
            subscription.dispose();
        }
    }
}
