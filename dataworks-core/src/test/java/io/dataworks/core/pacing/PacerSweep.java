package io.dataworks.core.pacing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongToDoubleFunction;

/**
 * A sweep of the pacer over many seeded simulations in virtual time (not a test: a tool to judge a change of the control
 * law before any server is involved). Budgets of 2,000 / 8,000 / 20,000 documents/s at several latencies and in-flight
 * limits, and random refusals of 10 / 30 / 50 % against a fixed concurrency; prints the worst and median of each.
 *
 * <pre>
 *   mvn -q -pl dataworks-core test-compile
 *   java -cp "$(cat cp.txt):dataworks-core/target/classes:dataworks-core/target/test-classes" io.dataworks.core.pacing.PacerSweep [SEEDS]
 * </pre>
 */
final class PacerSweep {

    private PacerSweep() {
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        String only = args.length > 1 ? args[1] : "all";
        if (only.equals("onerandom")) {
            PacingSimulation sim = simulate(new PacingSimulation.RandomServer(Double.parseDouble(args[2]), Duration.ofMillis(20),
                    Long.parseLong(args[4]) * 31), true, 8, 100, Duration.ofMillis(Integer.parseInt(args[3])), 200_000, 120,
                    Long.parseLong(args[4]));
            System.out.println(sim.perSecond().replaceAll("(?m)^.*null\\n", ""));
            return;
        }
        if (only.equals("one")) {
            LongToDoubleFunction b = t -> Integer.parseInt(args[2]);
            PacingSimulation sim = simulate(new PacingSimulation.BudgetServer(b), true, Integer.parseInt(args[4]), 100,
                    Duration.ofMillis(Integer.parseInt(args[3])), Long.MAX_VALUE, 30, Long.parseLong(args[5]));
            System.out.println(sim.perSecond());
            return;
        }
        if (!only.equals("random")) {
            for (int budget : new int[] {2_000, 8_000, 20_000}) {
                for (int latencyMs : new int[] {2, 10}) {
                    for (int inFlight : new int[] {8, 32}) {
                        budget(budget, latencyMs, inFlight, seeds);
                    }
                }
            }
        }
        if (!only.equals("budget")) {
            for (double share : new double[] {0.1, 0.3, 0.5}) {
                for (int latencyMs : new int[] {2, 10}) {
                    random(share, latencyMs, seeds);
                }
            }
        }
    }

    static void budget(int budget, int latencyMs, int inFlight, int seeds) {
        LongToDoubleFunction constant = t -> budget;
        List<Double> uses = new ArrayList<>();
        List<Double> throttled = new ArrayList<>();
        int failed = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            PacingSimulation sim = simulate(new PacingSimulation.BudgetServer(constant), true, inFlight, 100,
                    Duration.ofMillis(latencyMs), Long.MAX_VALUE, 30, seed);
            double use = sim.budgetUse(5, 30, constant);
            double share = sim.throttledShare(5, 30);
            uses.add(use);
            throttled.add(share);
            if (use < 0.95 || share > 0.05) {
                failed++;
                if (System.getenv("TRACE") != null) {
                    System.out.printf(Locale.ROOT, "budget %d seed %d use %.3f throttled %.3f%n%s", budget, seed, use, share,
                            sim.perSecond());
                }
            }
        }
        uses.sort(Double::compare);
        throttled.sort(Double::compare);
        System.out.printf(Locale.ROOT, "budget %6d lat %2d ms inflight %2d: use min %.3f med %.3f | throttled med %.3f max %.3f | failing %d/%d%n",
                budget, latencyMs, inFlight, uses.get(0), uses.get(uses.size() / 2), throttled.get(throttled.size() / 2),
                throttled.get(throttled.size() - 1), failed, seeds);
    }

    static void random(double share, int latencyMs, int seeds) {
        List<Double> ratios = new ArrayList<>();
        int failed = 0;
        long longestGap = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            long documents = 200_000;
            PacingSimulation fixed = simulate(new PacingSimulation.RandomServer(share, Duration.ofMillis(20), seed * 31), false, 8,
                    100, Duration.ofMillis(latencyMs), documents, 120, seed);
            PacingSimulation paced = simulate(new PacingSimulation.RandomServer(share, Duration.ofMillis(20), seed * 31), true, 8,
                    100, Duration.ofMillis(latencyMs), documents, 120, seed);
            double ratio = paced.finishedAt < 0 ? 99 : (double) paced.finishedAt / fixed.finishedAt;
            ratios.add(ratio);
            longestGap = Math.max(longestGap, paced.longestSilence());
            if (ratio > 1.10) {
                failed++;
                if (System.getenv("TRACE") != null) {
                    System.out.printf(Locale.ROOT, "seed %d ratio %.2f%n%s", seed, ratio, paced.perSecond());
                }
            }
        }
        ratios.sort(Double::compare);
        System.out.printf(Locale.ROOT, "random %.1f lat %2d ms: paced/fixed med %.3f max %.3f | longest gap %d ms | failing %d/%d%n",
                share, latencyMs, ratios.get(ratios.size() / 2), ratios.get(ratios.size() - 1), longestGap / 1_000_000, failed, seeds);
    }

    static PacingSimulation simulate(PacingSimulation.Server server, boolean paced, int inFlight, int batch, Duration latency,
                                     long documents, int seconds, long seed) {
        PacingSimulation[] sim = new PacingSimulation[1];
        Pacer pacer = paced ? Pacer.builder().maxInFlight(inFlight).clock(() -> sim[0] == null ? 0 : sim[0].now()).build() : null;
        sim[0] = new PacingSimulation(server, pacer, inFlight, batch, latency, documents, seed, seconds);
        return sim[0].run();
    }
}
