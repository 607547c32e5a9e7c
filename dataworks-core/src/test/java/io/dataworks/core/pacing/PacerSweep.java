package io.dataworks.core.pacing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongToDoubleFunction;

/**
 * A sweep of the pacer over many seeded simulations in virtual time (not a test: a tool to judge a change of the control
 * law before any server is involved). Budgets of 2,000 / 8,000 / 20,000 documents/s at several latencies and in-flight
 * limits, and random refusals of 10 / 30 / 50 % against a fixed concurrency; prints the worst and median of each. Each
 * under a {@link PacingSimulation.Latency latency model}: noisy (the default), tail, stalls, drift, loaded, or all of them.
 * A budget case also prints the least budget use a fixed concurrency of the same in-flight limit got: the most there
 * was to get under that latency. With PARTIAL_AS_WHOLE set, the writer reports a write taken in part as refused whole
 * (what the copy's writer did before it answered {@code PartlyWritten}). With SUPPLY=RATE:SECONDS the writers get at most
 * RATE documents/s for the first SECONDS (a source still warming up, as the real bench's is in a fresh JVM). With the environment variable FIXED_VS_FIXED set, the random cases compare a fixed
 * concurrency with another one whose requests draw other latencies: how often chance alone is 10 % slower.
 *
 * <pre>
 *   mvn -q -pl dataworks-core test-compile
 *   CP="$(cat cp.txt):dataworks-core/target/classes:dataworks-core/target/test-classes"
 *   java -cp "$CP" io.dataworks.core.pacing.PacerSweep SEEDS [all|budget|random] [MODEL[,MODEL...]|all]
 *   java -cp "$CP" io.dataworks.core.pacing.PacerSweep 0 one BUDGET LAT_MS INFLIGHT SEED [MODEL]   # one run, per second
 *   java -cp "$CP" io.dataworks.core.pacing.PacerSweep 0 onerandom SHARE LAT_MS SEED [MODEL]
 * </pre>
 */
final class PacerSweep {

    private PacerSweep() {
    }

    public static void main(String[] args) {
        int seeds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
        String only = args.length > 1 ? args[1] : "all";
        if (only.equals("onerandom")) {
            long seed = Long.parseLong(args[4]);
            String model = args.length > 5 ? args[5] : "noisy";
            Duration latency = Duration.ofMillis(Integer.parseInt(args[3]));
            PacingSimulation.Server server = new PacingSimulation.RandomServer(Double.parseDouble(args[2]), Duration.ofMillis(20), seed * 31);
            PacingSimulation fixed = simulate(new PacingSimulation.RandomServer(Double.parseDouble(args[2]), Duration.ofMillis(20), seed * 31),
                    false, 8, 100, latency, PacingSimulation.Latency.named(model, seed, 120), 200_000, 120, seed);
            PacingSimulation sim = simulate(server, true, 8, 100, latency, PacingSimulation.Latency.named(model, seed, 120),
                    200_000, 120, seed);
            System.out.println(sim.perSecond().replaceAll("(?m)^.*null\\n", ""));
            System.out.printf(Locale.ROOT, "paced %.2f s, fixed %.2f s%n", sim.finishedAt / 1e9, fixed.finishedAt / 1e9);
            return;
        }
        if (only.equals("one")) {
            LongToDoubleFunction b = t -> Integer.parseInt(args[2]);
            long seed = Long.parseLong(args[5]);
            String model = args.length > 6 ? args[6] : "noisy";
            PacingSimulation sim = simulate(new PacingSimulation.BudgetServer(b), true, Integer.parseInt(args[4]), 100,
                    Duration.ofMillis(Integer.parseInt(args[3])), PacingSimulation.Latency.named(model, seed, 30), Long.MAX_VALUE, 30,
                    seed);
            System.out.println(sim.perSecond());
            System.out.printf(Locale.ROOT, "use %.3f throttled %.3f (5..15 s: %.3f, %.3f)%n", sim.budgetUse(5, 30, b),
                    sim.throttledShare(5, 30), sim.budgetUse(5, 15, b), sim.throttledShare(5, 15));
            return;
        }
        String models = args.length > 2 ? args[2] : "noisy";
        for (String model : models.equals("all") ? MODELS : models.split(",")) {
            if (!only.equals("random")) {
                for (String b : System.getenv().getOrDefault("BUDGETS", "2000,8000,20000").split(",")) {
                    int budget = Integer.parseInt(b);
                    for (int latencyMs : new int[] {2, 10}) {
                        for (int inFlight : new int[] {8, 32}) {
                            budget(budget, latencyMs, inFlight, seeds, model);
                        }
                    }
                }
            }
            if (!only.equals("budget")) {
                for (double share : new double[] {0.1, 0.3, 0.5}) {
                    for (int latencyMs : new int[] {2, 10}) {
                        random(share, latencyMs, seeds, model);
                    }
                }
            }
        }
    }

    static final String[] MODELS = {"noisy", "tail", "stalls", "drift", "loaded"};

    static void budget(int budget, int latencyMs, int inFlight, int seeds, String model) {
        LongToDoubleFunction constant = t -> budget;
        List<Double> uses = new ArrayList<>();
        List<Double> fixedUses = new ArrayList<>();
        List<Double> throttled = new ArrayList<>();
        int failed = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            PacingSimulation sim = simulate(new PacingSimulation.BudgetServer(constant), true, inFlight, 100,
                    Duration.ofMillis(latencyMs), PacingSimulation.Latency.named(model, seed, 30), Long.MAX_VALUE, 30, seed);
            // what a fixed concurrency of as many requests gets from the budget: the most there is to get
            PacingSimulation fixed = System.getenv("NO_FIXED") != null ? sim
                    : simulate(new PacingSimulation.BudgetServer(constant), false, inFlight, 100, Duration.ofMillis(latencyMs),
                            PacingSimulation.Latency.named(model, seed, 30), Long.MAX_VALUE, 30, seed);
            // FROM: the second the measure starts (5 by default; the real bench's window starts about 2 s into its copy)
            int from = Integer.parseInt(System.getenv().getOrDefault("FROM", "5"));
            double use = sim.budgetUse(from, 30, constant);
            double share = sim.throttledShare(from, 30);
            uses.add(use);
            fixedUses.add(fixed.budgetUse(from, 30, constant));
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
        fixedUses.sort(Double::compare);
        throttled.sort(Double::compare);
        System.out.printf(Locale.ROOT, "%-6s budget %6d lat %2d ms inflight %2d: use min %.3f med %.3f | throttled med %.3f max %.3f"
                        + " | failing %d/%d | fixed use min %.3f%n",
                model, budget, latencyMs, inFlight, uses.get(0), uses.get(uses.size() / 2), throttled.get(throttled.size() / 2),
                throttled.get(throttled.size() - 1), failed, seeds, fixedUses.get(0));
    }

    static void random(double share, int latencyMs, int seeds, String model) {
        List<Double> ratios = new ArrayList<>();
        int failed = 0;
        long longestGap = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            long documents = 200_000;
            PacingSimulation fixed = simulate(new PacingSimulation.RandomServer(share, Duration.ofMillis(20), seed * 31), false, 8,
                    100, Duration.ofMillis(latencyMs), PacingSimulation.Latency.named(model, seed, 120), documents, 120, seed);
            // FIXED_VS_FIXED: a second fixed concurrency whose requests draw other latencies (another seed of the client's
            // random numbers, the same server and latency episodes): how far two runs differ by chance alone
            boolean control = System.getenv("FIXED_VS_FIXED") != null;
            PacingSimulation paced = simulate(new PacingSimulation.RandomServer(share, Duration.ofMillis(20), seed * 31), !control,
                    8, 100, Duration.ofMillis(latencyMs), PacingSimulation.Latency.named(model, seed, 120), documents, 120,
                    control ? seed + 1_000_003 : seed);
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
        System.out.printf(Locale.ROOT, "%-6s random %.1f lat %2d ms: paced/fixed med %.3f max %.3f | longest gap %d ms | failing %d/%d%n",
                model, share, latencyMs, ratios.get(ratios.size() / 2), ratios.get(ratios.size() - 1), longestGap / 1_000_000, failed,
                seeds);
    }

    static PacingSimulation simulate(PacingSimulation.Server server, boolean paced, int inFlight, int batch, Duration latency,
                                     PacingSimulation.Latency model, long documents, int seconds, long seed) {
        PacingSimulation[] sim = new PacingSimulation[1];
        Pacer pacer = paced ? Pacer.builder().maxInFlight(inFlight).clock(() -> sim[0] == null ? 0 : sim[0].now()).build() : null;
        sim[0] = new PacingSimulation(server, pacer, inFlight, batch, latency, model, documents, seed, seconds);
        // PARTIAL_AS_WHOLE: the writer reports partial writes as whole refusals (the copy's writer before PartlyWritten)
        sim[0].partialAsWhole = System.getenv("PARTIAL_AS_WHOLE") != null;
        // SUPPLY=RATE:SECONDS: the writers get at most RATE documents/s for the first SECONDS (a source warming up)
        String supply = System.getenv("SUPPLY");
        if (supply != null) {
            String[] parts = supply.split(":");
            sim[0].supplyRate = Double.parseDouble(parts[0]);
            sim[0].supplyUntil = (long) (Double.parseDouble(parts[1]) * PacingSimulation.SECOND);
        }
        return sim[0].run();
    }
}
