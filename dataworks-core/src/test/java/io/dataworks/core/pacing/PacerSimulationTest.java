package io.dataworks.core.pacing;

import static io.dataworks.core.pacing.PacingSimulation.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.function.LongToDoubleFunction;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pacer against simulated servers in virtual time (see {@link PacingSimulation}): a Cosmos DB-like budget that
 * writes bulk inserts in part, budgets that step up and down, a server that refuses at random; latency is noisy
 * (lognormal, 2 % of requests five times slower). Batches of 100 documents; one unit = one document.
 */
class PacerSimulationTest {

    private static final int BATCH = 100;
    private static final Duration LATENCY = Duration.ofMillis(10);

    private static PacingSimulation simulate(PacingSimulation.Server server, boolean paced, int inFlight, long documents,
                                             int seconds, long seed) {
        PacingSimulation[] sim = new PacingSimulation[1];
        Pacer pacer = paced ? Pacer.builder().maxInFlight(inFlight).clock(() -> sim[0] == null ? 0 : sim[0].now()).build() : null;
        sim[0] = new PacingSimulation(server, pacer, inFlight, BATCH, LATENCY, documents, seed, seconds);
        return sim[0].run();
    }

    @ParameterizedTest(name = "{0} documents/s")
    @ValueSource(ints = {2_000, 8_000, 20_000})
    void usesAtLeast95PercentOfABudgetWithAtMost5PercentOfRequestsThrottled(int budget) {
        LongToDoubleFunction constant = t -> budget;
        PacingSimulation sim = simulate(new PacingSimulation.BudgetServer(constant), true, 32, Long.MAX_VALUE, 40, budget);

        String trace = sim.perSecond();
        assertThat(sim.budgetUse(5, 40, constant)).as("budget use after 5 s\n%s", trace).isGreaterThanOrEqualTo(0.95);
        assertThat(sim.acceptedShare(5, 40, constant)).as("documents accepted / budget\n%s", trace).isGreaterThanOrEqualTo(0.93);
        assertThat(sim.throttledShare(5, 40)).as("throttled requests after 5 s\n%s", trace).isLessThanOrEqualTo(0.05);
        assertThat(sim.throttledShare(1, 40)).as("throttled requests after the first second\n%s", trace).isLessThanOrEqualTo(0.05);
        System.out.printf("budget %,d docs/s: use %.3f (accepted %.3f), throttled %.3f after 5 s, %.3f after 1 s, %.3f whole run%n",
                budget, sim.budgetUse(5, 40, constant), sim.acceptedShare(5, 40, constant), sim.throttledShare(5, 40),
                sim.throttledShare(1, 40), sim.throttledShare(0, 40));
        assertThat(sim.longestSilence()).as("longest time without a send").isLessThan(2 * SECOND);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void recoversAfterTheBudgetStepsDownAndUp(long seed) {
        // 20 s each: 8,000 documents/s, down to 2,000, up to 20,000 (ten times), back to 8,000
        LongToDoubleFunction steps = t -> t < 20 * SECOND ? 8_000 : t < 40 * SECOND ? 2_000 : t < 60 * SECOND ? 20_000 : 8_000;
        PacingSimulation sim = simulate(new PacingSimulation.BudgetServer(steps), true, 32, Long.MAX_VALUE, 80, seed);

        String trace = sim.perSecond();
        for (int start : new int[] {0, 20, 40, 60}) {
            int from = start + (start == 40 ? 10 : 5); // a tenfold raise takes longer to find
            int to = start + 20;
            double use = sim.budgetUse(from, to, steps);
            double throttled = sim.throttledShare(from, to);
            System.out.printf("steps seed %d, %d..%d s at %,.0f docs/s: use %.3f, throttled %.3f%n", seed, from, to,
                    steps.applyAsDouble(from * SECOND), use, throttled);
            assertThat(use).as("budget use %d..%d s\n%s", from, to, trace).isGreaterThanOrEqualTo(0.95);
            assertThat(throttled).as("throttled %d..%d s\n%s", from, to, trace).isLessThanOrEqualTo(0.05);
        }
        assertThat(sim.longestSilence()).as("longest time without a send").isLessThan(2 * SECOND);
    }

    @ParameterizedTest(name = "{0} refused")
    @ValueSource(doubles = {0.1, 0.3, 0.5})
    void underRandomThrottlingIsNoMoreThan10PercentSlowerThanAFixedConcurrency(double share) {
        long documents = 400_000;
        PacingSimulation fixed = simulate(new PacingSimulation.RandomServer(share, Duration.ofMillis(20), 11), false, 8,
                documents, 60, 3);
        PacingSimulation paced = simulate(new PacingSimulation.RandomServer(share, Duration.ofMillis(20), 11), true, 8,
                documents, 60, 3);

        assertThat(fixed.finishedAt).as("fixed concurrency finished").isPositive();
        assertThat(paced.finishedAt).as("paced finished\n%s", paced.perSecond()).isPositive();
        assertThat(paced.accepted).isEqualTo(documents);
        assertThat((double) paced.finishedAt).as("paced %.2f s vs fixed %.2f s\n%s", paced.finishedAt / 1e9,
                fixed.finishedAt / 1e9, paced.perSecond()).isLessThanOrEqualTo(1.10 * fixed.finishedAt);
        assertThat(paced.longestSilence()).as("longest time without a send").isLessThan(2 * SECOND);
    }
}
