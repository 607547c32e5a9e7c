package io.dataworks.core.pacing;

import static io.dataworks.core.pacing.PacingSimulation.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.LongToDoubleFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pacer against simulated servers in virtual time under the latency real machines have (see
 * {@link PacingSimulation.Latency}): stalls of the whole process of 50-500 ms every 3 s on average (a garbage collection
 * of the JVM that holds client and server, a machine that gives the process no CPU), a heavy tail, latency that drifts
 * up 3-10 times for seconds, and all of them at once. Batches of 100 documents; one unit = one document. Each case is a
 * seed the sweep ({@link PacerSweep}) runs too; the law before these cases failed the ones named below.
 */
class PacerLatencyTest {

    private static final int BATCH = 100;

    private static PacingSimulation simulate(PacingSimulation.Server server, boolean paced, int inFlight, Duration latency,
                                             String model, long documents, int seconds, long seed) {
        PacingSimulation[] sim = new PacingSimulation[1];
        Pacer pacer = paced ? Pacer.builder().maxInFlight(inFlight).clock(() -> sim[0] == null ? 0 : sim[0].now()).build() : null;
        sim[0] = new PacingSimulation(server, pacer, inFlight, BATCH, latency, PacingSimulation.Latency.named(model, seed, seconds),
                documents, seed, seconds);
        return sim[0].run();
    }

    /**
     * Budget use and throttled requests from the 5th to the 30th second. Cases the law before failed (use / throttled):
     * 20,000 at 2 ms with 32 in flight, seed 19, stalls: 0.34 / 12 % (the catch-up after a stall was taken for a raised
     * budget, slow start overshot, and a cut measured across a stall took the rate to 800 documents/s); 8,000 at 10 ms,
     * seed 5: 0.73 / 8.5 %; 8,000 at 10 ms, seed 7: 18 % throttled; 20,000 at 10 ms with 32, seed 3: 0.74; 2,000 at
     * 10 ms, seed 8: 64 % throttled, seed 5: 0.90 / 8 %; 8,000 at 2 ms, seed 4: 7 % throttled. 20,000 at 10 ms with 32,
     * seed 6, drift: a guard (a version of this change restarted slow start after a drift and learned the overrun as
     * noise: 20 % throttled). 2,000 at 10 ms with 8 in flight, seeds 20 (tail), 7 (stalls) and 15 (drift): 5.1-5.4 %
     * throttled before a cut ending a short epoch above the ceiling was held to a step above it (the server's bucket,
     * refilled while the rate was below the budget, inflated that epoch's accepted throughput, and the cut landed
     * above the budget); 1.6-2.3 % after.
     */
    @ParameterizedTest(name = "{0} documents/s, {1} ms, {2} in flight, seed {3}, {4}")
    @CsvSource({
            "20000, 2, 32, 19, stalls",
            "8000, 10, 8, 5, stalls",
            "8000, 10, 8, 7, stalls",
            "20000, 10, 32, 3, stalls",
            "2000, 10, 8, 8, stalls",
            "2000, 10, 8, 5, stalls",
            "8000, 2, 8, 4, stalls",
            "20000, 10, 32, 6, drift",
            "2000, 10, 8, 20, tail",
            "2000, 10, 8, 7, stalls",
            "2000, 10, 8, 15, drift",
    })
    void usesTheBudgetWhenTheProcessStallsOrLatencyDrifts(int budget, int latencyMs, int inFlight, long seed, String model) {
        LongToDoubleFunction constant = t -> budget;
        PacingSimulation sim = simulate(new PacingSimulation.BudgetServer(constant), true, inFlight, Duration.ofMillis(latencyMs),
                model, Long.MAX_VALUE, 30, seed);

        String trace = sim.perSecond();
        assertThat(sim.budgetUse(5, 30, constant)).as("budget use after 5 s\n%s", trace).isGreaterThanOrEqualTo(0.95);
        assertThat(sim.throttledShare(5, 30)).as("throttled requests after 5 s\n%s", trace).isLessThanOrEqualTo(0.05);
    }

    /**
     * Random refusals (RetryAfterMs=20) and 8 in flight: paced no more than 10 % slower than a fixed concurrency of 8
     * under the same latency. 10 %, 10 ms, seed 4, loaded: 1.35 times the fixed concurrency's time before. 50 %, 10 ms,
     * seed 7, loaded: one epoch that happened to see no refusal was taken for slow start's baseline and the next for a
     * budget's plateau, after which cuts were never undone (the law before passed it by luck; an intermediate version
     * of this change never finished).
     */
    @ParameterizedTest(name = "{0} refused, {1} ms, seed {2}, {3}")
    @CsvSource({
            "0.1, 10, 4, loaded",
            "0.5, 10, 7, loaded",
            "0.3, 10, 1, stalls",
            "0.5, 2, 1, tail",
    })
    void underRandomThrottlingIsNoMoreThan10PercentSlowerThanAFixedConcurrency(double share, int latencyMs, long seed,
                                                                              String model) {
        long documents = 200_000;
        Duration latency = Duration.ofMillis(latencyMs);
        PacingSimulation fixed = simulate(new PacingSimulation.RandomServer(share, Duration.ofMillis(20), seed * 31), false, 8,
                latency, model, documents, 120, seed);
        PacingSimulation paced = simulate(new PacingSimulation.RandomServer(share, Duration.ofMillis(20), seed * 31), true, 8,
                latency, model, documents, 120, seed);

        assertThat(fixed.finishedAt).as("fixed concurrency finished").isPositive();
        assertThat(paced.finishedAt).as("paced finished\n%s", paced.perSecond()).isPositive();
        assertThat(paced.accepted).isEqualTo(documents);
        assertThat((double) paced.finishedAt).as("paced %.2f s vs fixed %.2f s\n%s", paced.finishedAt / 1e9,
                fixed.finishedAt / 1e9, paced.perSecond()).isLessThanOrEqualTo(1.10 * fixed.finishedAt);
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2"})
    void aStallIsNotTakenForARaisedBudget(long seed) {
        // stalls every second on average: each one lets the server's bucket fill, and the catch-up after it is accepted
        // above the budget found; slow start again would overshoot by far
        LongToDoubleFunction constant = t -> 8_000;
        PacingSimulation[] sim = new PacingSimulation[1];
        Pacer pacer = Pacer.builder().maxInFlight(16).clock(() -> sim[0] == null ? 0 : sim[0].now()).build();
        sim[0] = new PacingSimulation(new PacingSimulation.BudgetServer(constant), pacer, 16, BATCH, Duration.ofMillis(5),
                PacingSimulation.Latency.stalls(seed, 30, 1000), Long.MAX_VALUE, seed, 30);
        sim[0].run();

        assertThat(sim[0].throttledShare(5, 30)).as("throttled requests\n%s", sim[0].perSecond()).isLessThanOrEqualTo(0.05);
        assertThat(sim[0].budgetUse(5, 30, constant)).as("budget use\n%s", sim[0].perSecond()).isGreaterThanOrEqualTo(0.95);
        assertThat(sim[0].longestSilence()).as("longest time without a send").isLessThan(2 * SECOND);
    }

    /**
     * A fresh JVM's copy at 2,000 documents/s (the real bench, one copy per JVM): its source, compiling as it goes,
     * delivers 1,600 documents/s for the first 3 s, so slow start finds a budget below the real one, the fast probe
     * above it overruns while the server's bucket (refilled below the budget) hides the overrun, and the first
     * throttle comes late. The cut that follows cannot measure the budget (a handful of answers, or the bucket's
     * savings in them) and may land at most a step above the stale ceiling, or at the least the budget can be. Judged
     * over the last 2 s only, that least allowed for a whole bucketful in a third of the time: the cut landed 10-16 %
     * under the budget, and the slow probe above it left it unused for seconds (real bench: 0.91 and 0.95 of the
     * budget used in 2 of 10 fresh-JVM copies; here 0.93-0.94 from the 5th to the 15th second before, 1.01 after).
     */
    @ParameterizedTest(name = "{0} ms, {1} in flight, seed {2}")
    @CsvSource({
            "2, 8, 1",
            "5, 8, 2",
            "5, 8, 3",
            "5, 32, 6",
    })
    void aSourceWarmingUpDoesNotLeaveTheBudgetUnused(int latencyMs, int inFlight, long seed) {
        LongToDoubleFunction constant = t -> 2_000;
        PacingSimulation[] sim = new PacingSimulation[1];
        Pacer pacer = Pacer.builder().maxInFlight(inFlight).clock(() -> sim[0] == null ? 0 : sim[0].now()).build();
        sim[0] = new PacingSimulation(new PacingSimulation.BudgetServer(constant), pacer, inFlight, BATCH,
                Duration.ofMillis(latencyMs), PacingSimulation.Latency.NOISY, Long.MAX_VALUE, seed, 20);
        sim[0].supplyRate = 1_600;
        sim[0].supplyUntil = 3 * SECOND;
        sim[0].run();

        String trace = sim[0].perSecond();
        System.out.printf("warming source, %d ms, seed %d: use %.3f, throttled %.3f (5..15 s)%n", latencyMs, seed,
                sim[0].budgetUse(5, 15, constant), sim[0].throttledShare(5, 15));
        assertThat(sim[0].budgetUse(5, 15, constant)).as("budget use 5..15 s\n%s", trace).isGreaterThanOrEqualTo(0.95);
        assertThat(sim[0].throttledShare(5, 15)).as("throttled requests 5..15 s\n%s", trace).isLessThanOrEqualTo(0.05);
    }
}
