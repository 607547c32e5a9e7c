package io.dataworks.core.pacing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * One pacing controller per endpoint: a token bucket of units (documents, or estimated request units) per second
 * whose rate is learned from the server's answers, and a suggested number of requests in flight that fills that rate.
 * Every stage and worker that talks to one server shares its {@code Pacer}.
 *
 * <h2>How a caller uses it</h2>
 * <pre>{@code
 * pacer.acquire(units)                      // or: Duration wait = pacer.reserve(units), then wait
 *      .then(send(request))                 // keep at most pacer.inFlightLimit() requests in flight
 *      // written in full:              pacer.onSuccess(units, latency)
 *      // refused whole (16500):        pacer.onThrottled(units, units, retryAfter, latency)
 *      // written in part:              pacer.onThrottled(refusedUnits, units, retryAfter, latency)
 *      // retry only what was refused, after retryAfter (+ jitter), acquiring its units again
 * }</pre>
 *
 * <h2>Control law</h2>
 * Answers are grouped in <em>epochs</em> of at least {@value #MIN_COMPLETIONS} answers and two smoothed round trips (and
 * the last {@code RetryAfterMs}), at most a second. An epoch's signals: the share of answers that were throttled, the
 * share {@code f} of units refused, and the throughput the server <em>accepted</em>, {@code A}, measured between answers.
 * {@code n} is the refused share learned to come whatever the rate (a server that refuses at random; 0 at first).
 * <ul>
 *   <li><b>Slow start</b> (as TCP's): the rate starts unpaced (or at {@link Builder#initialRate}) and the in-flight
 *       limit at 2, both doubling per epoch, until the refusals say "budget". Shares are judged as samples, by how
 *       unlikely they are (a binomial tail below {@value #NOISE_ALPHA}), never by a point estimate: refusals
 *       <em>jump</em> (above twice the earlier epochs' pooled share, judged against the upper end of that share's
 *       Wilson interval, so 0 refused in 8 answers is no baseline of 0); or epochs in a row refuse more than
 *       {@value #MAX_NOISE}, which no random refusal explains; or what the server accepted stopped growing while what
 *       was sent grew by half (a budget's <em>plateau</em>: random refusals take a share of whatever is sent); or, with
 *       the in-flight limit at its maximum and refusals significantly above {@value #MIN_NOISE} without any of these,
 *       a single <em>test</em> cut, whose review (32 answers, against the share of every answer before it) keeps it
 *       or undoes it and learns that share as noise. The first cut of a run cannot trust an epoch's accepted
 *       throughput (a server's bucket starts full, and draining it inflates every throughput measured then): it takes
 *       what was accepted since the first answer over that time plus one bucket's {@value #BURST_HORIZON_SECONDS} s
 *       (a budget is at least that: an epoch measured across a stall of the client is far below it, one measured while
 *       the bucket drains far above).
 *       Against a budget (refusals rare so far, or writes taken in part) that first cut also drops the unused rate the
 *       pacer's own bucket saved: the overrun emptied the server's bucket, and a second's burst after the cut, with the
 *       overrun's refused rests coming back, was refused too.
 *       Slow start's test, where no write was ever taken in part, takes the epoch's accepted throughput without that
 *       bound: its refusals came steadily for at least four epochs, so no full bucket is draining, and bound by it the
 *       test went to 4-5 % of what was sent, its review at that rate costing a fifth of a short copy.
 *       A plateau's refusals must also stand out against the pooled share of every earlier epoch, not only the last
 *       one: at a random half, an epoch of 8 answers all written comes once in 256.</li>
 *   <li><b>Cut</b> when the throttled share exceeds {@code n} by {@value #SIGNIFICANT_EXCESS} plus {@value #Z} standard
 *       errors (where {@code n} is known, only a share {@code n} gives less than once in {@code 1/}{@value #NOISE_ALPHA}
 *       epochs): the rate goes to {@code A × (1 - }{@value #MARGIN}{@code )}.
 *       Against a budget {@code B}, a sender above it has {@code A = B} (the server takes exactly its budget), so one
 *       cut lands just under the budget however far the rate overshot; the margin lets the server's bucket refill a
 *       little, so jittered arrivals are not refused. Where refusals are rare ({@code n < }{@value #RARE}), the first
 *       throttled answer cuts at once (by at most {@value #EARLY_MAX_CUT} plus the margin, and no further than
 *       {@value #CEILING_CREEP} above the last budget found, unless that is below the least the budget can be: what
 *       the server accepted over the last 2 s, or over the last {@value #LONG_BUCKETS} s, less one bucketful, whichever
 *       is more, so a ceiling found too low is not cut back to), and sends pause until its {@code RetryAfterMs}: at a few
 *       requests per second a full epoch would let the overrun go on for seconds. A full epoch shorter than a bucket's
 *       {@value #BURST_HORIZON_SECONDS} s that ends on the first throttle above the ceiling is held to the same bound:
 *       what the server's bucket saved while the rate was below the budget inflates its {@code A} (on the real bench
 *       such an epoch of 0.1 s measured 6,400/s against 2,000/s, and the "cut" raised the rate above the budget).
 *       That {@code A} is remembered as the <em>ceiling</em>. (A fresh JVM's copy found its first ceiling 14-20 %
 *       under a budget of 2,000/s: its source, still compiling, delivered less than the budget. The fast probe above
 *       that ceiling overran while the server's bucket hid it, and with the bound taken over 2 s only, the cut
 *       that followed landed at a step above the stale ceiling, again 10-16 % under the budget, whence the probe
 *       climbs slowly: 0.91 and 0.95 of the budget used in 2 of 10 copies. Over {@value #LONG_BUCKETS} s the
 *       bucketful is a sixth of what was accepted, not a third.)</li>
 *   <li><b>Review</b>: answers to requests sent after the cut (sent = answered - latency) tell whether it helped. If
 *       whole requests are still refused at about the same share, and what the server accepted fell with what was
 *       sent (against a budget it would have stayed at the budget), the refusals may not be ours to fix; before the cut
 *       is undone and {@code n} learned, the rate goes once to {@value #DEEP_CUT} of the least the server accepted
 *       along the chain of cuts (a draining bucket inflates the first), and only if refusals stay even there are they
 *       noise; if they stop, the rate climbs back to the ceiling at once. If the share did not fall, the review epoch
 *       cuts again. Once learned, {@code n} follows the refused share of uncut epochs both ways (never above
 *       {@value #MAX_NOISE}): an estimate that only fell would drift below the true share, and every unlucky epoch
 *       would cut. Refusals that come as the rest of bulk writes taken in part (one such answer in an epoch is
 *       enough) are a budget's, whatever the share does: a server writes the first documents of a request and
 *       refuses the rest when its budget runs out in it, while refusals that do not depend on the rate refuse whole
 *       requests. Such an epoch is never learned as noise and a cut it reviews is never undone (on the real bench a
 *       2,000/s budget was twice learned as a random share of 4-13 %, and a third of the requests were throttled; with
 *       two such answers required, slow-start epochs of a few answers with one of them learned 0.7-0.9 %, and those
 *       copies had 9-15 % of their requests throttled).
 *       A review whose refusals look like noise never keeps the cut, however far the share fell from the epoch that
 *       made it (a cut on a handful of answers sees an unlucky share, and the usual one after it is "less"); it gets
 *       the deep cut's experiment instead. Until a budget shows (a probe above the ceiling runs into it, or a write is
 *       taken in part), the cuts after one of slow start that seemed to help continue its chain, so refusals found to
 *       be noise undo them back to slow start, not to the rate of the last cut. (Under random refusals a cut on one
 *       unlucky epoch otherwise stayed, and the cuts after it ratcheted the rate down: of PacerSweep's 1,200 runs of
 *       random refusals under noisy latency (200 seeds), 30 were more than 10 % slower than the fixed concurrency, one
 *       16 times as slow; with these rules and the test's depth below, 8, the worst 1.8 times.)</li>
 *   <li><b>Grow</b> only when the rate was the limit (a reservation had to wait; a rate nobody reaches is not raised,
 *       and never above twice what is sent): back to the ceiling at {@value #RECOVERY_GAIN} per second, then a convex
 *       probe above it, {@value #PROBE_GAIN} × (1 + (t / {@value #PROBE_ACCELERATION_SECONDS} s)²) per second, {@code t}
 *       since crossing it (as CUBIC's): slow where the last budget was, faster and faster the longer no throttle comes.
 *       A server's bucket holds at most {@value #BURST_HORIZON_SECONDS} s of budget, so once it accepted
 *       {@value #RESTART_EVIDENCE} such bucketfuls above the ceiling without a throttle, net of what it was sent
 *       below the ceiling (at most a bucketful of that counts), the budget was raised: slow start again. On a server
 *       that refused for its budget only, that slow start learns no noise, and any epoch whose refusals exceed the
 *       threshold of a cut cuts (its first epoch may overrun already, before there is a baseline to jump from).</li>
 *   <li><b>Stalls</b> (a garbage collection of the JVM, a machine that gives the process no CPU): nothing is sent or
 *       answered for 50-500 ms while the server's bucket refills. The pacer's own bucket keeps
 *       {@value #BURST_HORIZON_SECONDS} s of unused rate by default, as the server's does, so the sends catch up after
 *       a stall instead of leaving the budget unused; the catch-up is not taken for a raised budget (it is net of the
 *       stall, above). A cut's accepted throughput leaves out the time no answer came while a request waited (see
 *       {@code deadTime}); and where the epoch's answers stopped for a while (one gap {@value #STALL_GAP_FACTOR} times
 *       the others' mean and over {@value #STALL_MIN_MILLIS} ms) and the rate was the limit, the cut takes off at most
 *       {@value #STALL_CUT} beyond the refused share: a throughput measured across a stall is far below the budget, and
 *       one such cut halved the rate on 1.5 % of units refused.</li>
 * </ul>
 * <b>Why it converges.</b> Against a budget {@code B} the accepted throughput is {@code min(r, B)} (plus what the
 * server's bucket holds, at most one bucketful) and the refused share {@code max(0, 1 - B/r)}. A cut maps any rate above
 * the budget to {@code B(1 - margin)} in one step; the rate climbs back to the ceiling within {@code margin / }
 * {@value #RECOVERY_GAIN} seconds and then probes slowly, so it spends a cycle in {@code [B(1 - margin), B(1 + ε)]},
 * {@code ε} being how far the probe climbs in one reaction time. The server's bucket fills while the rate is under the
 * budget and is spent while it is over, so nothing is lost unless the bucket overflows, which the short recovery keeps
 * from happening: use stays near 100 %, and throttles come once per cycle, in the epoch that crosses the budget. A lower
 * budget is found by the next cut (its accepted throughput), a higher one by the accelerating probe or by slow start.
 * Refusals that do not depend on the rate are learned as {@code n} and do not move the fixed point, since only the
 * excess over {@code n} cuts.
 *
 * <p>Measured in virtual time (PacerSimulationTest, PacerLatencyTest, and PacerSweep: 24 seeds for each of budgets of
 * 2,000, 8,000 and 20,000 units/s at 2 and 10 ms latency with 8 and 32 in flight, 288 runs, and random refusals of 10,
 * 30 and 50 % at 2 and 10 ms against a fixed concurrency of 8, 144 runs; batches of 100). With lognormal latency (2 % of
 * requests five times slower): budget use at least 96.0 % in every run, the median run 99.2-100 % with 0.4-1.8 % of
 * requests throttled; 1 run in 24 at 2,000 units/s and 2 ms saw 8-13 % throttled. Random refusals: the median run
 * 1-4 % slower than the fixed concurrency, 2 of 144 runs 10-20 % slower. Steps down and up recovered within 5 s (10 s
 * for a tenfold raise). Under the latency of real machines, budget runs below 95 % of the budget or above 5 % throttled
 * (before the stall handling above; after it; with the partial-write rule and the budget floor of early cuts too; with
 * the bound on a short epoch's cut above the ceiling, the first cut's dropped burst and its floor, of 288): stalls 74,
 * 14, 3, 2; a heavy tail (10 % of requests Pareto-slow, up to 100 times) 25, 13, 6, 5; latency drifting up 3-10 times
 * for 2-8 s every 10 s 32, 32, 27, 24 (23 of them at 20,000 units/s and 10 ms, where the worst run of a fixed
 * concurrency of the same in-flight limit used 83-85 %: there latency caps any sender); all at once 143, 88, 70, 68
 * (a fixed concurrency's worst runs 64-96 %); noisy 0 throughout. The simulated writer tells the pacer of a write taken
 * in part as such; one that told it as refused whole (the copy's writer did until {@code PartlyWritten}) fails 202 of
 * 288 noisy runs. Random refusals more than 10 % slower than the fixed concurrency, of 144 (before, after): 18, 18
 * under the heavy tail, 3, 2 under stalls, 10, 9 under drift, 21, 21 all at once (18, 2, 9 and 21 with the rules of
 * this session, and 2 under noisy latency); but a second fixed concurrency whose requests drew other latencies
 * (PacerSweep with FIXED_VS_FIXED) is more than 10 % slower than the first in 16, 0, 4 and 22 of them: under a heavy
 * tail one run says little, and the pacer is about as far from the fixed concurrency as chance. What is left (stalls,
 * drift): in the runs traced, a cut in slow start cost a few hundred ms of a run of 1-5 s, or the paced run, a little
 * behind, ended in a drift episode the fixed one had finished before. The budget floor judged over
 * {@value #LONG_BUCKETS} s as well (before, after): noisy 0, 0; stalls 2, 2; tail 4, 6 (both at 20,000 units/s, 10 ms,
 * 32 in flight, where a run is chaotic: a window of 10 s gave 4, of 4 s 5, and each version fails other seeds); drift
 * 24, 22; all at once 70, 62; random refusals unchanged (2, 18, 2, 9, 21). With a source that delivers 1,600 units/s
 * for its first 3 s (a fresh JVM), 2,000 units/s: budget use from the 5th to the 15th second 0.93-0.94 before, 1.01
 * after (PacerLatencyTest).
 *
 * <p>{@link #inFlightLimit()} follows Little's law: {@code rate × smoothed latency / units per request}, times
 * {@value #IN_FLIGHT_HEADROOM} for headroom, plus one, within {@code [1, maxInFlight]}; so a collapsed rate does not leave
 * dozens of requests waiting. The sweep under stalls, tails and drift did not find it to be what held budget use down:
 * the stalls were (a burst of 50 ms lost the budget of every stall, the catch-up after one restarted slow start, and
 * cuts measured across one went far too deep). Taking a recent high of the latency instead of its smoothed mean made
 * random refusals under a heavy tail no better. It does cap a sender while latency rises faster than its smoothed mean
 * follows (drift at 10 ms and 20,000 units/s).
 *
 * <p>Thread-safe: every method takes one short lock; nothing blocks. Time comes from the configured clock (by default
 * the scheduler's, so {@code StepVerifier.withVirtualTime} moves it).
 */
public final class Pacer {

    static final int MIN_COMPLETIONS = 8;
    static final double SIGNIFICANT_EXCESS = 0.02;
    /** Standard errors an epoch's refused share must exceed the expected one by to cut: few false alarms. */
    static final double Z = 2;
    /** The same where the server refuses a share at random: there a false alarm is the common case. */
    static final double Z_NOISY = 3;
    static final double MAX_CUT = 0.99;
    static final double MARGIN = 0.07;
    static final double PROBE_GAIN = 0.02;
    /** Seconds after a cut at which the probe's gain has doubled. */
    static final double PROBE_ACCELERATION_SECONDS = 2.0;
    static final double FAST_GAIN = 1.0;
    /** Per second, from the cut back up to the budget it found. */
    static final double RECOVERY_GAIN = 0.2;
    /** Per second, above a budget found only by slow start's first cut. */
    static final double UNCONFIRMED_GAIN = 0.5;
    /** Seconds of budget a server's bucket holds at most (Cosmos DB's and the embedded server's: one). */
    static final double BURST_HORIZON_SECONDS = 1.0;
    /** How many such bucketfuls accepted above the ceiling it takes to believe the budget was raised. */
    static final double RESTART_EVIDENCE = 3.0;
    static final double NOT_HELPED = 0.75;
    /** A test cut helped when the refused share fell below this share of what it was before. */
    static final double TEST_HELPED = 0.5;
    /** ... and the share before it would give so few refusals less often than this. */
    static final double TEST_ALPHA = 0.01;
    /** How unlikely, under the learned random share, an epoch's throttled answers must be to cut. */
    static final double NOISE_ALPHA = 1e-3;
    /**
     * Before refusals that did not follow a cut are taken for noise, the rate is cut to this share of what the server
     * accepted when the cuts began: against a budget that must end them (what a draining bucket added to the accepted
     * throughput is far less), against random refusals it costs one short epoch at half speed.
     */
    static final double DEEP_CUT = 0.5;
    static final double IN_FLIGHT_HEADROOM = 2.0;
    /** The most a cut after a stall takes off beyond the refused share (and the margin). */
    static final double STALL_CUT = 0.15;
    /**
     * Answers taken in part, in one epoch, that mark its refusals as a budget's: a server that runs out of budget in the
     * middle of a bulk write writes its first documents and refuses the rest (Cosmos DB); refusals that do not depend on
     * the rate refuse whole requests. Such an epoch is never learned as noise, and a cut it reviews is never undone.
     * One is enough: at 2,000 units/s in requests of 100 an epoch of slow start holds a handful of answers, and the
     * budget's first sign is often a single request taken in part.
     */
    static final int BUDGET_PARTIALS = 1;
    static final double STALL_GAP_FACTOR = 4;
    static final long STALL_MIN_MILLIS = 50;
    /** Above this refused share a cut is never undone: no server refuses that much at random; a budget does. */
    static final double MAX_NOISE = 0.6;
    /** Below this refused share after a cut, the cut helped enough. */
    static final double MIN_NOISE = 0.05;
    /** A learned refused share below this means refusals come from the rate alone. */
    static final double RARE = 0.01;
    /** The most a cut on a handful of answers (before a full epoch) takes off, margin apart. */
    static final double EARLY_MAX_CUT = 0.1;
    /** How far above the last budget found an early cut may land: a raised budget is found a step at a time. */
    static final double CEILING_CREEP = 0.05;
    private static final long MIN_EPOCH_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long MAX_EPOCH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long TEST_REVIEW_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double EWMA = 0.2;
    private static final double LONG_EWMA = 0.05;
    static final int RECENT_BUCKETS = 20;
    static final long RECENT_BUCKET_MILLIS = 100;
    /** The recent window is trusted once it spans this much. */
    private static final long RECENT_MIN_SPAN_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Seconds, in buckets of one, over which the least the budget can be is also judged (see {@link #budgetFloor}). */
    static final int LONG_BUCKETS = 5;
    private static final long LONG_BUCKET_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Units accepted per {@value #RECENT_BUCKET_MILLIS} ms over the last {@value #RECENT_BUCKETS} buckets. */
    private final long[] recentAccepted = new long[RECENT_BUCKETS];
    /** Units sent and refused, and answers, in the same buckets: the refused share of the last seconds. */
    private final long[] recentSent = new long[RECENT_BUCKETS];
    private final long[] recentRefused = new long[RECENT_BUCKETS];
    private final int[] recentAnswers = new int[RECENT_BUCKETS];
    private long recentBucket = -1;
    /** Units accepted per second over the last {@value #LONG_BUCKETS} seconds. */
    private final long[] longAccepted = new long[LONG_BUCKETS];
    private long longBucket = -1;
    private long firstAnswerNanos = -1;
    /** Nanoseconds, per recent bucket, when the server answered nothing while a request waited (see {@link #deadTime}). */
    private final long[] recentDead = new long[RECENT_BUCKETS];
    private long lastAnswerNanos = -1;
    private final double minRate;
    private final double maxRate;
    private final int maxInFlight;
    private final long burstNanos;
    private final LongSupplier clock;
    private final Scheduler scheduler;

    // guarded by this
    private double rate;
    private long tat;
    private double latencyNanos = -1;
    private double unitsPerRequest = -1;
    private boolean slowStart = true;
    /** Slow start again after a raised budget, where refusals came only from the budget: they are not learned as noise. */
    private boolean holdNoise;
    /** While slow start lasts, the in-flight limit doubles per epoch from 2, as TCP's window does. */
    private int slowStartInFlight;
    private double noise;
    private double typicalShare;
    private long lastCutNanos;
    /** What the server accepted when it last pushed back: the budget found. */
    private double ceiling;
    private boolean ceilingConfirmed;
    /** Units per second the server accepted, smoothed over the last epochs without a cut. */
    private double acceptedRate;
    private long aboveCeilingSince = -1;
    /** Units the server accepted above the ceiling since the last cut. */
    private double excessAccepted;
    // the epoch
    private long epochStart;
    private long epochSent;
    private long epochRefused;
    private int epochAnswers;
    private int epochThrottled;
    /** Answers of this epoch the server took in part: a bulk write refused after its first documents. */
    private int epochPartial;
    /** When the first answer of this epoch came: throughputs are measured between answers. */
    private long epochFirstAnswer = -1;
    /** Dead time since the epoch's first answer: left out of its throughputs. */
    private long epochDeadNanos;
    /** The longest time between two answers of this epoch. */
    private long epochLongestGap;
    private boolean epochWaited;
    private long epochRetryAfterNanos;
    // the last cut, until answers to requests sent after it say whether it helped
    private boolean cutUnderReview;
    private long cutNanos;
    private double rateBeforeCut;
    private boolean slowStartBeforeCut;
    /**
     * A cut of slow start (its test, or a jump) was judged to have helped by one review, and nothing since has shown a
     * budget: the cuts that follow continue its chain, so refusals later found to be noise undo it too, back to slow
     * start (see {@link #endEpoch}).
     */
    private boolean slowStartCutUnconfirmed;
    /** A cut was just undone: the next epoch tells whether that was right (refusals stay) or a budget (they jump). */
    private boolean revertUnderWatch;
    private double shareAtRevert;
    /** Undoing a cut once brought refusals back at once: this server has a budget, and cuts are not undone again. */
    private boolean budgetSeen;
    /** Reviews in a row that found the last cut did not lower the refused share. */
    private int unhelpfulCuts;
    /** Epochs of slow start with at least {@link #MIN_COMPLETIONS} answers. */
    private long fullEpochs;
    /** Answers and throttled answers over slow start's full epochs that did not cut: the baseline a jump is judged by. */
    private long baselineAnswers;
    private long baselineThrottled;
    /** Slow start has cut once to tell a budget from random refusals (or a budget was found): no more test cuts. */
    private boolean noiseTested;
    /** Refused units and answers of slow start's epochs in a row whose refused share was above MAX_NOISE. */
    private long highThrottled;
    private long highAnswers;
    /** This epoch's cut is slow start's test; the cut under review was one. */
    private boolean testCut;
    private boolean testUnderReview;
    /** The last full epoch of slow start: what was sent and accepted per second, and the refused share. */
    private double previousSent;
    private double previousAccepted;
    private double previousUnitShare;
    private int previousThrottled;
    private int previousAnswers;
    private double unitShareAtCut;
    /** What the server accepted when the chain of cuts under review began. */
    private double chainAccepted;
    /** The last cut was a deep one: climb back to the ceiling fast. */
    private boolean deepRecovery;
    private int answersAtCut;
    private double sentAtCut;
    private double acceptedAtCut;
    // statistics
    private long epochs;
    private long learnedEpochs;
    private long increases;
    private long decreases;
    private long reverts;
    private long answers;
    private long throttledAnswers;
    /** Whether the server took any answer of this run in part: a budget's sign (see {@link #BUDGET_PARTIALS}). */
    private boolean takenInPartSeen;
    private long sentUnits;
    private long refusedUnits;

    private Pacer(Builder builder) {
        this.minRate = builder.minRate;
        this.maxRate = builder.maxRate;
        this.maxInFlight = builder.maxInFlight;
        this.burstNanos = builder.burst.toNanos();
        this.scheduler = builder.scheduler;
        this.clock = builder.clock != null ? builder.clock
                : builder.scheduler != null ? () -> builder.scheduler.now(TimeUnit.NANOSECONDS) : System::nanoTime;
        this.slowStartInFlight = Math.min(maxInFlight, 2);
        this.rate = Double.isNaN(builder.initialRate) ? maxRate : Math.max(minRate, Math.min(maxRate, builder.initialRate));
        long now = clock.getAsLong();
        this.tat = now;
        this.epochStart = now;
        this.lastCutNanos = now;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reserves {@code units} and returns how long to wait before sending them (zero: send now). Reservations queue:
     * each one moves the bucket's clock forward by {@code units / rate}; up to {@code burst} of unused rate is kept.
     * A request is let through as soon as the bucket is not behind, whatever its size (it is paid after), so a large
     * batch never waits for more than a bucket could hold.
     */
    public synchronized Duration reserve(long units) {
        checkUnits(units);
        long now = clock.getAsLong();
        long base = Math.max(tat, now - burstNanos);
        long wait = Math.max(0, base - now);
        tat = base + (long) (units * NANOS_PER_SECOND / rate);
        if (wait > 0) {
            epochWaited = true;
        } else if (tat > now) {
            // no wait, but this reservation used up the saved rate: the rate is what limits
            epochWaited = true;
        }
        return Duration.ofNanos(wait);
    }

    /** {@link #reserve(long)} as a {@code Mono} that completes when the units may be sent; the wait runs on the scheduler. */
    public Mono<Void> acquire(long units) {
        return Mono.defer(() -> {
            Duration wait = reserve(units);
            if (wait.isZero()) {
                return Mono.empty();
            }
            return Mono.delay(wait, scheduler != null ? scheduler : Schedulers.parallel()).then();
        });
    }

    /** The server wrote (or returned) all {@code units} of a request that took {@code latency} (round trip, no pacing wait). */
    public synchronized void onSuccess(long units, Duration latency) {
        checkUnits(units);
        answered(units, 0, latency, Duration.ZERO);
    }

    /**
     * The server refused {@code refusedUnits} of a request of {@code sentUnits} (all of them: refused whole; fewer:
     * written in part) with {@code RetryAfterMs = retryAfter}; the request took {@code latency}.
     */
    public synchronized void onThrottled(long refusedUnits, long sentUnits, Duration retryAfter, Duration latency) {
        checkUnits(sentUnits);
        if (refusedUnits < 0 || refusedUnits > sentUnits) {
            throw new IllegalArgumentException("refusedUnits must be within 0.." + sentUnits + ", was " + refusedUnits);
        }
        Objects.requireNonNull(retryAfter, "retryAfter");
        throttledAnswers++;
        if (refusedUnits > 0 && !slowStart && noise < RARE) {
            // against a budget the server says when it has room again: nothing more is sent before then
            long now = clock.getAsLong();
            tat = Math.max(tat, now + retryAfter.toNanos());
        }
        answered(sentUnits, refusedUnits, latency, retryAfter);
    }

    /** Units per second the bucket lets through now. */
    public synchronized double rate() {
        return rate;
    }

    /** Requests to keep in flight to fill the rate (Little's law, see the class comment). */
    public synchronized int inFlightLimit() {
        int cap = slowStart ? slowStartInFlight : maxInFlight;
        if (latencyNanos < 0 || unitsPerRequest <= 0) {
            return cap;
        }
        double needed = rate * (latencyNanos / NANOS_PER_SECOND) / unitsPerRequest;
        long limit = (long) Math.ceil(needed * IN_FLIGHT_HEADROOM) + 1;
        return (int) Math.max(1, Math.min(cap, limit));
    }

    public synchronized PacerStats stats() {
        return new PacerStats(rate, inFlightLimit(), increases, decreases, reverts, noise, answers, throttledAnswers,
                sentUnits, refusedUnits);
    }

    @Override
    public synchronized String toString() {
        return "Pacer[rate=" + Math.round(rate) + "/s, inFlight=" + inFlightLimit() + ", increases=" + increases
                + ", decreases=" + decreases + "]";
    }

    private void answered(long sent, long refused, Duration latency, Duration retryAfter) {
        Objects.requireNonNull(latency, "latency");
        long now = clock.getAsLong();
        answers++;
        sentUnits += sent;
        refusedUnits += refused;
        if (epochFirstAnswer >= 0 && lastAnswerNanos >= 0) {
            epochLongestGap = Math.max(epochLongestGap, now - lastAnswerNanos);
        }
        long dead = deadTime(now, latency.toNanos());
        recordAnswer(now, sent, refused);
        recentDead[(int) (recentBucket % RECENT_BUCKETS)] += dead;
        if (epochFirstAnswer >= 0) {
            epochDeadNanos += dead;
        }
        double latencySample = Math.max(0, latency.toNanos());
        latencyNanos = latencyNanos < 0 ? latencySample : latencyNanos + EWMA * (latencySample - latencyNanos);
        unitsPerRequest = unitsPerRequest < 0 ? sent : unitsPerRequest + EWMA * (sent - unitsPerRequest);
        long wanted = Math.max(MIN_EPOCH_NANOS, Math.max((long) (2 * latencyNanos), retryAfter.toNanos()));
        if (cutUnderReview && now - latency.toNanos() < cutNanos) {
            return; // sent before the cut: says nothing about it
        }
        epochSent += sent;
        epochRefused += refused;
        epochAnswers++;
        if (epochFirstAnswer < 0) {
            epochFirstAnswer = now;
        }
        if (refused > 0) {
            epochThrottled++;
            if (refused < sent) {
                epochPartial++;
                takenInPartSeen = true;
            }
        }
        epochRetryAfterNanos = Math.max(epochRetryAfterNanos, retryAfter.toNanos());
        long length = now - epochStart;
        wanted = Math.max(wanted, epochRetryAfterNanos);
        // a test cut's review must tell a share that fell from one that did not by luck: twice the answers
        int needed = testUnderReview ? 4 * MIN_COMPLETIONS : cutUnderReview ? 2 * MIN_COMPLETIONS : MIN_COMPLETIONS;
        // where refusals are rare (a budget, not a random share), the first one ends the epoch: at a few requests per
        // second, waiting for a full epoch would let the overrun go on for seconds
        boolean early = refused > 0 && !slowStart && !cutUnderReview && noise < RARE && epochs > 0;
        // (a test cut's review waits longer for its answers: at a few requests a second, one second tells nothing)
        long longest = testUnderReview ? TEST_REVIEW_NANOS : MAX_EPOCH_NANOS;
        if ((length >= longest && epochAnswers > 0) || (length >= wanted && epochAnswers >= needed) || early) {
            endEpoch(now, length);
        }
    }

    private void endEpoch(long now, long length) {
        double share = epochAnswers == 0 ? 0 : (double) epochThrottled / epochAnswers;
        double unitShare = epochSent == 0 ? 0 : (double) epochRefused / epochSent;
        epochs++;
        boolean reviewed = cutUnderReview;
        boolean deepen = false;
        if (cutUnderReview) {
            cutUnderReview = false;
            boolean test = testUnderReview;
            testUnderReview = false;
            // a test cut is judged against the share of every answer before it: against a budget refusals all but
            // stop; random ones, judged against one unlucky epoch, would often seem to fall
            boolean helped = test
                    ? unitShare < TEST_HELPED * unitShareAtCut
                            && 1 - binomialTail(epochThrottled + 1, epochAnswers, unitShareAtCut) < TEST_ALPHA
                    : unitShare < NOT_HELPED * unitShareAtCut;
            unhelpfulCuts = helped ? 0 : unhelpfulCuts + 1;
            boolean deep = rate <= DEEP_CUT * chainAccepted * (1 + 1e-9);
            // two cuts in a row that did not lower the refused share: against a budget the second, at most
            // (1 - MARGIN)² of what the server accepted, would have; refusals that stay are not the rate's
            // (and what the server accepted fell with what was sent: a sender still above a budget cuts in steps while
            // the server keeps taking its budget, and that is no noise)
            boolean persistent = !budgetSeen && unhelpfulCuts >= 2 && unitShare >= MIN_NOISE / 2 && unitShare <= MAX_NOISE
                    && acceptedFellWithSent(now);
            boolean looksLikeNoise = test ? !helped : persistent || noiseLike(unitShare, now);
            if (looksLikeNoise && epochPartial >= BUDGET_PARTIALS) {
                // the server took requests in part: it ran out of budget in them, whatever the share did
                looksLikeNoise = false;
                budgetSeen = true;
            }
            if (looksLikeNoise && !deep && !test) {
                // not yet tried far enough below what the server took to tell a budget from noise
                deepen = true;
            } else if (looksLikeNoise) {
                unhelpfulCuts = 0;
                // refusals did not follow the rate down: they are not ours to fix
                noise = Math.min(MAX_NOISE, test ? unitShareAtCut
                        : typicalShare >= MIN_NOISE ? typicalShare : (unitShare + unitShareAtCut) / 2);
                // back where it was, but never far above what was actually sent (the unpaced start is no rate)
                // (in slow start the in-flight limit, not the rate, holds the load: back to it whole)
                rate = sentAtCut > 0 && !slowStartBeforeCut ? Math.min(rateBeforeCut, 2 * sentAtCut) : rateBeforeCut;
                slowStart = slowStartBeforeCut;
                slowStartCutUnconfirmed = false;
                reverts++;
                revertUnderWatch = true;
                shareAtRevert = unitShare;
                learn(unitShare);
                startEpoch(now);
                return;
            }
            if (slowStartBeforeCut) {
                // not noise: what slow start took for noise while the server's bucket drained was a budget
                noise = Math.min(noise, unitShare);
            }
            if (helped && slowStartBeforeCut && !budgetSeen) {
                // one review after a cut of slow start tells little where the server refuses at random: an unlucky
                // epoch jumped (or the test's review happened to see few refusals), and the cut seemed to help. Until a
                // budget shows (a probe above the ceiling runs into it, or writes are taken in part), later cuts
                // continue this chain, and refusals found to be noise undo it back to slow start, not to the rate of
                // the last cut (PacerRandomRefusalTest: at a random 10 %, reverts to the paced rate left copies 1.3 to
                // 3.7 times as long as a fixed concurrency's)
                slowStartCutUnconfirmed = true;
            }
            if (helped && !deepen) {
                // (a review whose refusals look like noise did not help, whatever the share at the cut was: a cut on
                // a handful of answers sees an unlucky share, and the server's usual one after it is "less". Kept,
                // such cuts ratcheted the rate down to a few per cent of what a fixed concurrency sent: 16 times as
                // long on one seed of PacerSweep's 200 at a random 10 %. It gets the deep cut's experiment instead)
                // the cut helped; answers to the refused rest's retries still come in: judge the next epoch afresh
                startEpoch(now);
                return;
            }
            // it did not help: the answers since the cut are an epoch like any other, so a cut too small is followed
        }
        if (revertUnderWatch && epochAnswers >= MIN_COMPLETIONS / 2) {
            revertUnderWatch = false;
            double q = Math.max(shareAtRevert, 0.02);
            if (unitShare > 2 * shareAtRevert + SIGNIFICANT_EXCESS + 2 * Math.sqrt(q * (1 - q) / epochAnswers)) {
                // back at the rate before the cut, refusals jumped: they follow the rate, so they are a budget's, and
                // the share seen after the cut was the budget's too (the bucket still refilling), not noise
                budgetSeen = true;
                noise = 0;
                typicalShare = Math.min(typicalShare, shareAtRevert);
            }
        }
        double p = Math.max(noise, 0.02);
        double standardError = Math.sqrt(p * (1 - p) / Math.max(1, epochAnswers));
        double threshold = SIGNIFICANT_EXCESS + (noise >= MIN_NOISE ? Z_NOISY : Z) * standardError;
        boolean cut;
        if (slowStart) {
            // while the rate doubles, refusals that do not grow with it are noise; a budget shows as a jump
            // (a share rising a little per epoch would drag the learned noise along: above MAX_NOISE it is a budget).
            // Only full epochs count: one that ended on time with a single answer (a slow first request) is no
            // baseline, and a share of 1 in 8 after it is no jump.
            boolean full = epochAnswers >= MIN_COMPLETIONS;
            double sentNow = throughput(epochSent, now);
            double acceptedNow = throughput(epochSent - epochRefused, now);
            // or what the server accepted stopped growing with what was sent, and refusals rose: a budget (random
            // refusals take a share of whatever is sent); rose above the share of every epoch before as well, since
            // one epoch that happened to see no refusal is no baseline (at a random half, 8 answers all written come
            // once in 256 epochs)
            boolean plateau = full && previousSent > 0 && sentNow >= 1.5 * previousSent && acceptedNow <= 1.2 * previousAccepted
                    && unitShare > previousUnitShare + SIGNIFICANT_EXCESS
                    && binomialTail(epochThrottled, epochAnswers, Math.max(upperShare(previousThrottled, previousAnswers),
                            baselineAnswers > 0 ? upperShare(baselineThrottled, baselineAnswers) : 0)) < NOISE_ALPHA;
            // or slow start has all it may have in flight and refusals stay well above a few per cent without
            // jumping: a budget the in-flight limit reached gradually looks just like random refusals, so cut once and
            // let the review tell (against random refusals it is undone within two short epochs)
            long pooledAnswers = baselineAnswers + epochAnswers;
            boolean test = full && !noiseTested && slowStartInFlight >= maxInFlight && pooledAnswers >= 4 * MIN_COMPLETIONS
                    && binomialTail((int) (baselineThrottled + epochThrottled), (int) pooledAnswers, MIN_NOISE) < NOISE_ALPHA;
            // epochs in a row above MAX_NOISE are judged together: 8 of 8 refused is one in sixty at MAX_NOISE, three such
            // epochs are not
            if (unitShare > MAX_NOISE) {
                highThrottled += Math.round(unitShare * epochAnswers);
                highAnswers += epochAnswers;
            } else {
                highThrottled = 0;
                highAnswers = 0;
            }
            boolean overrun = beyondNoise(unitShare, epochAnswers)
                    || (highAnswers > 0 && beyondNoise((double) highThrottled / highAnswers, (int) highAnswers));
            // or slow start again after a raised budget, on a server that refuses for its budget only: its first
            // epoch may overrun already, and no baseline is needed to tell (as after slow start, the excess cuts)
            boolean overBudget = holdNoise && share - noise > threshold;
            cut = overrun || (full && jumped(share, unitShare)) || plateau || test || overBudget;
            if (cut) {
                noiseTested = true;
                testCut = test && !plateau && !overrun;
                highThrottled = 0;
                highAnswers = 0;
            }
            if (plateau) {
                // a budget, and what slow start learned as noise was its overrun
                noise = 0;
                budgetSeen = true;
            }
            if (!cut && full) {
                if (!holdNoise && epochPartial < BUDGET_PARTIALS) {
                    noise = Math.min(MAX_NOISE, fullEpochs == 0 ? unitShare : noise + EWMA * (unitShare - noise));
                }
                baselineAnswers += epochAnswers;
                baselineThrottled += epochThrottled;
                previousSent = sentNow;
                previousAccepted = acceptedNow;
                previousUnitShare = unitShare;
                previousThrottled = epochThrottled;
                previousAnswers = epochAnswers;
            }
            if (full) {
                fullEpochs++;
            }
        } else {
            // where the server refuses at random, an epoch of a few dozen answers sees a share far above the learned one
            // now and then: only a share the learned one would give less than once in a thousand epochs cuts
            cut = deepen || (share - noise > threshold
                    && (noise < MIN_NOISE || binomialTail(epochThrottled, epochAnswers, noise) < NOISE_ALPHA));
            if (!cut && (unitShare < noise || (noise >= MIN_NOISE && epochPartial < BUDGET_PARTIALS))
                    && epochAnswers >= MIN_COMPLETIONS) {
                // noise only rises on evidence (a cut that did not help); it fades, slowly, when refusals do. Once a
                // server is known to refuse at random it follows the share both ways: fading alone would drift below
                // the true share (epochs above it are the ones that cut), and every epoch above would cut again
                noise = Math.min(MAX_NOISE, noise + LONG_EWMA * (unitShare - noise));
            }
        }
        if (cut) {
            // what the server took in this epoch while it was answering: against a budget, the budget itself
            double accepted = answeringThroughput(epochSent - epochRefused, now);
            double over = Math.min(MAX_CUT, Math.max(0, unitShare - noise));
            // slow start's test where no write was ever taken in part (no sign of a budget): refusals came steadily over
            // at least 4 epochs, so the server's bucket is no full one draining, and the epoch's accepted throughput
            // needs no bound for it; a test bound by what was accepted since the first answer over that time plus a
            // second went to 4-5 % of what was sent in a run's first 100 ms, and its review at that rate cost a fifth
            // of a run of 0.65 s. (Where writes were taken in part the bound stays: without it, 6 more of the sweep's
            // 288 budget runs under all latencies at once failed.)
            boolean testing = testCut && !takenInPartSeen;
            if (!reviewed && !slowStartCutUnconfirmed) {
                // a cut made while reviewing the last one continues it: undoing them undoes both
                rateBeforeCut = rate;
                slowStartBeforeCut = slowStart;
            }
            double recentShare = epochAnswers < MIN_COMPLETIONS ? recentRefusedShare(now) : -1;
            unitShareAtCut = recentShare >= 0 ? recentShare : unitShare;
            testUnderReview = testCut;
            if (testCut) {
                // the share of every answer since slow start began, not of the epoch that happened to end it
                unitShareAtCut = (double) (baselineThrottled + epochThrottled) / (baselineAnswers + epochAnswers);
                testCut = false;
            }
            answersAtCut = epochAnswers;
            sentAtCut = throughput(epochSent, now);
            acceptedAtCut = throughput(epochSent - epochRefused, now);
            // a throughput measured over a handful of answers (an early cut) is noise: then the share alone decides
            boolean measured = epochAnswers >= MIN_COMPLETIONS && length >= 2 * latencyNanos && accepted > 0;
            // measured: what the server took while we sent what we sent, S × (1 - f); else the rate × (1 - f) of a
            // handful of answers, trusted for at most a small step
            double found = measured ? accepted : rate * (1 - Math.min(over, EARLY_MAX_CUT));
            if (!measured && ceiling > 0) {
                // throttled again above the budget found last time: the budget is most likely still there; but never
                // below what the server has shown it takes (a ceiling found too low, e.g. by slow start's first cut, is
                // stale: cut to it, the rate fell to half the budget and climbed back for seconds)
                found = Math.min(found, nearCeiling(now));
            }
            if (acceptedRate > 0) {
                // the server's bucket hides its budget while it drains: what it accepted over the last seconds is
                // closer to the budget than the rate the overrun reached
                found = Math.min(found, acceptedRate * (1 + SIGNIFICANT_EXCESS));
            }
            double recent = measured ? 0 : recentAcceptedRate(now);
            if (recent > 0) {
                // an epoch too short to measure (a few large requests per second): what the server accepted over the
                // last seconds bounds the budget, or a rate far above it (the unpaced start) would come down a step
                // per epoch
                found = Math.min(found, recent * (1 + SIGNIFICANT_EXCESS));
            }
            if (measured && !slowStart && !reviewed) {
                // an epoch of a few answers measures the budget with a large error, and a ceiling found too low is
                // climbed back slowly: what the server accepted over the last seconds, while it pushed back, is the
                // better measure when it is higher
                double lastSeconds = recentAcceptedRate(now);
                if (lastSeconds > found) {
                    found = Math.min(lastSeconds, Math.max(found, rate));
                }
            }
            boolean shortEpoch = length < BURST_HORIZON_SECONDS * NANOS_PER_SECOND;
            if (measured && !slowStart && !reviewed && ceiling > 0 && shortEpoch) {
                // the first throttle above the budget found last time, ending an epoch shorter than a server's bucket
                // holds: what the bucket saved while the rate was below the budget inflates its accepted throughput
                // (on the real bench at 2,000/s an epoch of 0.1 s measured 6,400/s, and the "cut" raised the rate 20 %
                // above the budget); as an early cut, no further than a step above that budget, or the least it can be
                found = Math.min(found, nearCeiling(now));
            }
            if (slowStart && ceiling <= 0) {
                // the first cut of a run: a server's bucket starts full, and what it held (at most BURST_HORIZON of its
                // budget) inflates every throughput measured while it drains; what it accepted since the first answer
                // over that time plus one bucket's is a budget the bucket cannot inflate (too low when the bucket was
                // not full: the probe above an unconfirmed ceiling is fast)
                // (after a few seconds the bucket is long drained: what it accepted over the last ones says it)
                // (the epoch's own measure is too high while the bucket drains, and too low on a few answers)
                double elapsed = (now - firstAnswerNanos) / NANOS_PER_SECOND;
                double sinceStart = (sentUnits - refusedUnits) / (elapsed + BURST_HORIZON_SECONDS);
                double lastSeconds = recentAcceptedRate(now);
                double budget = elapsed > 2 * BURST_HORIZON_SECONDS && lastSeconds > 0 ? lastSeconds : sinceStart;
                if (budget > 0 && !testing) {
                    // the lower of the two: an epoch's measure overstates while the bucket drains, and this bound
                    // overstates while reads put the bucket in debt (each admitted read is charged after the fact);
                    // too low a ceiling is unconfirmed and probed up fast
                    found = Math.min(found, budget);
                }
                // but never below what the server accepted since the first answer over that time plus a bucketful: a
                // budget is at least that. An epoch measured across a stall is far below it (on the real bench at
                // 8,000/s an epoch whose answers stopped for 100 ms measured 2,346/s; the rate took 4 s to climb back)
                if (!testing) {
                    found = Math.max(found, sinceStart);
                }
                if (noise < RARE || epochPartial >= BUDGET_PARTIALS) {
                    // against a budget (refusals rare until now, or writes taken in part): the overrun emptied the
                    // server's bucket, and the second of unused rate the pacer's own bucket saved while unpaced is none
                    // the server has; spent at once, with the overrun's refused rests retried after their RetryAfterMs,
                    // it was refused too (on the real bench at 2,000/s, 65 % of the answers to requests sent after the
                    // cut were throttled, and 17 % of the run's). Later cuts keep it: elsewhere the sweep found dropping
                    // it no better, and worse under random refusals.
                    tat = Math.max(tat, now);
                }
            }
            if (noise >= MIN_NOISE) {
                // a server known to refuse at random: one unlucky epoch must not take the rate down more than half
                // (of what was actually sent: the unpaced start's rate is no rate to halve)
                double sending = throughput(epochSent, now);
                found = Math.max(found, (sending > 0 ? Math.min(rate, sending) : rate) / 2);
            }
            if (!slowStart && epochWaited && noise < MIN_NOISE && stalled(now)) {
                // the rate was the limit, and the server refused a share f of what it let through: against a budget
                // (its bucket empty) that is rate × (1 - f); a throughput measured across a stall is far below it, and a
                // cut in proportion to the refusals is the safe one (if the server's bucket still held some, the next
                // epoch's refusals cut again)
                found = Math.max(found, (1 - STALL_CUT) * rate * (1 - over));
            }
            ceiling = Math.max(minRate, found);
            // the least the server took along the chain: a draining bucket inflates the first measure
            chainAccepted = reviewed ? Math.min(chainAccepted, ceiling) : ceiling;
            // a budget is confirmed when probing above the last one ran into it; one found in slow start's turmoil (the
            // server's full bucket draining) or while settling after it may be far off: probe it fast
            ceilingConfirmed = !slowStart && (aboveCeilingSince >= 0 || (reviewed && ceilingConfirmed));
            if (ceilingConfirmed || budgetSeen || epochPartial >= BUDGET_PARTIALS) {
                slowStartCutUnconfirmed = false;
            }
            rate = Math.max(minRate, ceiling * (1 - MARGIN));
            if (deepen) {
                // the experiment: far below the budget found, so refusals that stay are not the rate's; if they go,
                // the rate climbs back to the budget at once
                rate = Math.max(minRate, Math.min(rate, DEEP_CUT * chainAccepted));
            }
            deepRecovery = deepen;
            slowStart = false;
            holdNoise = false;
            lastCutNanos = now;
            aboveCeilingSince = -1;
            excessAccepted = 0;
            cutNanos = now;
            cutUnderReview = true;
            decreases++;
            learn(unitShare);
            startEpoch(now);
            return;
        } else if (epochWaited && rate < maxRate) {
            double grown;
            if (slowStart) {
                grown = rate * 2;
            } else {
                double gain;
                if (rate < ceiling) {
                    // back to the budget found, in about a second (at once after a deep cut that helped)
                    gain = deepRecovery ? FAST_GAIN : RECOVERY_GAIN;
                } else {
                    if (aboveCeilingSince < 0) {
                        aboveCeilingSince = now;
                    }
                    double since = (now - aboveCeilingSince) / NANOS_PER_SECOND / PROBE_ACCELERATION_SECONDS;
                    gain = ceilingConfirmed ? Math.min(FAST_GAIN, PROBE_GAIN * (1 + since * since)) : UNCONFIRMED_GAIN;
                }
                grown = Math.min(rate * (1 + gain * length / NANOS_PER_SECOND), rate < ceiling ? ceiling : Double.MAX_VALUE);
            }
            // never far above what is actually sent: a rate nobody reaches says nothing
            double sending = throughput(epochSent, now);
            double next = Math.min(maxRate, sending > 0 ? Math.min(grown, Math.max(rate, 2 * sending)) : grown);
            if (next > rate) {
                rate = next;
                increases++;
            }
            if (!slowStart && ceiling > 0 && ceilingConfirmed) {
                // (an unconfirmed ceiling, from slow start's first cut, is probed fast enough without)
                // a server's bucket holds at most BURST_HORIZON of its budget: once it accepted more than that above
                // the budget found, without a throttle, the budget was raised; find the new one as at the start
                if (excessAccepted > RESTART_EVIDENCE * BURST_HORIZON_SECONDS * ceiling) {
                    slowStart = true;
                    // a server that refused only for its budget still does: the overrun of the new slow start is no noise
                    holdNoise = noise < RARE;
                    baselineAnswers = 0;
                    baselineThrottled = 0;
                    previousSent = 0;
                    slowStartInFlight = Math.max(2, inFlightLimit());
                    excessAccepted = 0;
                }
            }
        }
        learn(unitShare);
        if (!slowStart && ceiling > 0) {
            // units accepted above the ceiling, net of those below it: a stall (nothing answered for a while) lets the
            // server's bucket fill, and catching up after it is no sign of a raised budget; what a bucket saves is
            // at most a bucketful
            excessAccepted = Math.max(-BURST_HORIZON_SECONDS * ceiling,
                    excessAccepted + (epochSent - epochRefused) - ceiling * length / NANOS_PER_SECOND);
        }
        double acceptedNow = throughput(epochSent - epochRefused, now);
        if (acceptedNow > 0) {
            acceptedRate = acceptedRate <= 0 ? acceptedNow : acceptedRate + EWMA * (acceptedNow - acceptedRate);
        }
        if (slowStart) {
            slowStartInFlight = (int) Math.min(maxInFlight, 2L * slowStartInFlight);
        }
        startEpoch(now);
    }

    private void recordAnswer(long now, long sent, long refused) {
        if (firstAnswerNanos < 0) {
            firstAnswerNanos = now;
        }
        long bucket = now / TimeUnit.MILLISECONDS.toNanos(RECENT_BUCKET_MILLIS);
        if (recentBucket < 0) {
            recentBucket = bucket;
        }
        for (long b = recentBucket + 1; b <= bucket && b <= recentBucket + RECENT_BUCKETS; b++) {
            int i = (int) (b % RECENT_BUCKETS);
            recentAccepted[i] = 0;
            recentDead[i] = 0;
            recentSent[i] = 0;
            recentRefused[i] = 0;
            recentAnswers[i] = 0;
        }
        recentBucket = Math.max(recentBucket, bucket);
        long second = now / LONG_BUCKET_NANOS;
        if (longBucket < 0) {
            longBucket = second;
        }
        for (long b = longBucket + 1; b <= second && b <= longBucket + LONG_BUCKETS; b++) {
            longAccepted[(int) (b % LONG_BUCKETS)] = 0;
        }
        longBucket = Math.max(longBucket, second);
        longAccepted[(int) (second % LONG_BUCKETS)] += Math.max(0, sent - refused);
        int i = (int) (bucket % RECENT_BUCKETS);
        recentAccepted[i] += Math.max(0, sent - refused);
        recentSent[i] += sent;
        recentRefused[i] += refused;
        if (sent > 0 || refused > 0) {
            recentAnswers[i]++;
        }
    }

    /**
     * The share of units refused over the last {@code RECENT_BUCKETS × RECENT_BUCKET_MILLIS} ms, or -1 with fewer than
     * {@link #MIN_COMPLETIONS} answers there: an epoch ended by its first refusal overstates the share (it ends because
     * of it), the last seconds do not.
     */
    private double recentRefusedShare(long now) {
        recordAnswer(now, 0, 0);
        long sent = 0;
        long refused = 0;
        int count = 0;
        for (int i = 0; i < RECENT_BUCKETS; i++) {
            sent += recentSent[i];
            refused += recentRefused[i];
            count += recentAnswers[i];
        }
        return count < MIN_COMPLETIONS || sent == 0 ? -1 : (double) refused / sent;
    }

    /**
     * A step above the budget found last time, but never below {@link #budgetFloor}: where a cut that cannot measure
     * the budget itself (too few answers, or a bucket's savings in them) may go at most.
     */
    private double nearCeiling(long now) {
        return Math.max(ceiling * (1 + CEILING_CREEP), budgetFloor(now));
    }

    /**
     * The least the budget can be, by what the server accepted over the last {@code RECENT_BUCKETS ×
     * RECENT_BUCKET_MILLIS} ms and over the last {@value #LONG_BUCKETS} s: a server takes at most its budget over a time
     * plus one bucketful ({@value #BURST_HORIZON_SECONDS} s of budget), stalls of the client included; 0 when that cannot
     * be told yet. The longer window bounds it closer where the rate was near the budget for seconds (over two seconds
     * the bucketful the server may have saved is a third of what it took, over five a sixth), the shorter one where the
     * budget was raised lately. (Of windows of 3 to 10 s, 5 s fixed the fresh JVM's case with the fewest budget runs of
     * the sweep failing: 92 of the five models' 1,440, against 100 before; 10 s left 95, with 5 instead of 2 under
     * stalls; 4 s left 89 but did not fix the case.)
     */
    private double budgetFloor(long now) {
        long span = recentSpan(now);
        if (span <= 0) {
            return 0;
        }
        double recent = sum(recentAccepted) * NANOS_PER_SECOND / (span + BURST_HORIZON_SECONDS * NANOS_PER_SECOND);
        long oldest = Math.max(firstAnswerNanos, (longBucket - LONG_BUCKETS + 1) * LONG_BUCKET_NANOS);
        long longSpan = now - oldest;
        double longer = longSpan <= span ? 0
                : sum(longAccepted) * NANOS_PER_SECOND / (longSpan + BURST_HORIZON_SECONDS * NANOS_PER_SECOND);
        return Math.max(recent, longer);
    }

    /**
     * Units per second the server accepted over the last {@code RECENT_BUCKETS × RECENT_BUCKET_MILLIS} ms (or since the
     * first answer, when that is shorter but at least half a second); 0 when that cannot be told yet.
     */
    private double recentAcceptedRate(long now) {
        long span = recentSpan(now);
        return span <= 0 ? 0 : sum(recentAccepted) * NANOS_PER_SECOND / answeringTime(span, sum(recentDead));
    }

    /**
     * The time the recent buckets cover, brought up to {@code now} (the last {@code RECENT_BUCKETS ×
     * RECENT_BUCKET_MILLIS} ms, or since the first answer when shorter); 0 before half a second of answers.
     */
    private long recentSpan(long now) {
        if (firstAnswerNanos < 0 || now - firstAnswerNanos < RECENT_MIN_SPAN_NANOS) {
            return 0;
        }
        recordAnswer(now, 0, 0);
        return Math.min(now - firstAnswerNanos, TimeUnit.MILLISECONDS.toNanos(RECENT_BUCKET_MILLIS * RECENT_BUCKETS));
    }

    private static long sum(long[] buckets) {
        long total = 0;
        for (long b : buckets) {
            total += b;
        }
        return total;
    }

    /**
     * Whether this epoch's throttled share jumped above slow start's baseline (every earlier full epoch, pooled): by
     * {@value #SIGNIFICANT_EXCESS} over twice the baseline, and by so many throttled answers that the most the baseline
     * could be (its Wilson upper bound) gives them less often than {@value #NOISE_ALPHA}; so a baseline of a few answers
     * that happened to see no refusal is no reference for a random share.
     */
    private boolean jumped(double share, double unitShare) {
        if (baselineAnswers < MIN_COMPLETIONS) {
            return false;
        }
        double base = (double) baselineThrottled / baselineAnswers;
        double now = Math.max(share, unitShare);
        return now > 2 * base + SIGNIFICANT_EXCESS
                && binomialTail(epochThrottled, epochAnswers, upperShare(baselineThrottled, baselineAnswers)) < NOISE_ALPHA;
    }

    /**
     * The most a share of {@code throttled} in {@code answers} could be: the upper end of its Wilson score interval at
     * two standard errors, at least 2 % (0 throttled in 8 answers still allows a third).
     */
    static double upperShare(long throttled, long answers) {
        double n = Math.max(1, answers);
        double share = throttled / n;
        double z2 = 4;
        double upper = (share + z2 / (2 * n) + 2 * Math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))) / (1 + z2 / n);
        return Math.min(1, Math.max(0.02, upper));
    }

    /** P(X >= k) for X ~ Binomial(n, p): how likely a random share p gives k or more throttled answers of n. */
    static double binomialTail(int k, int n, double p) {
        if (k <= 0) {
            return 1;
        }
        if (k > n) {
            return 0;
        }
        if (p <= 0) {
            return 0;
        }
        if (p >= 1) {
            return 1;
        }
        // P(X = k) from logarithms, then the terms above it by their ratio
        double logTerm = logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log1p(-p);
        double term = Math.exp(logTerm);
        double sum = 0;
        for (int i = k; i <= n && term > 0; i++) {
            sum += term;
            term *= (double) (n - i) / (i + 1) * p / (1 - p);
        }
        return Math.min(1, sum);
    }

    private static double logChoose(int n, int k) {
        double sum = 0;
        for (int i = 1; i <= k; i++) {
            sum += Math.log(n - k + i) - Math.log(i);
        }
        return sum;
    }

    /** A refused share that no random refusal explains: above {@link #MAX_NOISE} by two standard errors. */
    private static boolean beyondNoise(double unitShare, int answers) {
        int n = Math.max(1, answers);
        return unitShare > MAX_NOISE && binomialTail((int) Math.round(unitShare * n), n, MAX_NOISE) < NOISE_ALPHA;
    }

    /**
     * Units per second answered in this epoch, counted between its first and its last answer (the first answer's
     * units arrived before the window opened, so they are left out of the count); 0 when that cannot be told.
     */
    private double throughput(long units, long now) {
        long window = now - epochFirstAnswer;
        if (epochAnswers < 2 || epochFirstAnswer < 0 || window <= 0) {
            return 0;
        }
        return units * ((epochAnswers - 1.0) / epochAnswers) * NANOS_PER_SECOND / window;
    }

    /** {@link #throughput} over the time the server was answering: the epoch's dead time left out. */
    private double answeringThroughput(long units, long now) {
        long window = now - epochFirstAnswer;
        return window <= 0 ? 0 : throughput(units, now) * window / answeringTime(window, epochDeadNanos);
    }

    /**
     * Of {@code window}, the time the server was answering: without its dead time, but at least a quarter of it (dead
     * time is an estimate, and a throughput over a sliver of time is none).
     */
    private static double answeringTime(long window, long dead) {
        return Math.max(window - dead, window / 4.0);
    }

    /**
     * Whether this epoch's answers stopped for a while: one gap between answers longer than {@value #STALL_GAP_FACTOR}
     * times the others' mean and than {@value #STALL_MIN_MILLIS} ms. A stall of the process (a garbage collection, a
     * machine that gives it no CPU) holds back the sends waiting for the rate as well as the answers, so it shows as
     * a gap, not as a slow answer.
     */
    private boolean stalled(long now) {
        if (epochAnswers < 3 || epochFirstAnswer < 0) {
            return false;
        }
        double othersMean = (now - epochFirstAnswer - epochLongestGap) / (epochAnswers - 2.0);
        return epochLongestGap > STALL_GAP_FACTOR * othersMean && epochLongestGap > TimeUnit.MILLISECONDS.toNanos(STALL_MIN_MILLIS);
    }

    /**
     * How long the server answered nothing although this answer's request was waiting: the time since the previous
     * answer, if the request was sent before it, less two smoothed round trips. A stall (a garbage collection, a machine
     * that gives the process no CPU) stops every answer at once, and a throughput measured across it says nothing of
     * the budget: the server's bucket refills meanwhile, and what it saves is spent when answers resume. One slow
     * request among many is no stall: others are answered meanwhile, and the gap is short.
     */
    private long deadTime(long now, long latency) {
        long previous = lastAnswerNanos;
        lastAnswerNanos = Math.max(lastAnswerNanos, now);
        if (previous < 0 || latencyNanos < 0 || now - latency > previous) {
            return 0;
        }
        return Math.max(0, now - previous - (long) (2 * latencyNanos));
    }

    /**
     * Whether the refused share after a cut is what this server refuses anyway: refusals persist below the rate the
     * server accepted, within two standard errors of the long-run share, and neither share is one a budget overrun
     * gives (above {@value #MAX_NOISE}).
     */
    private boolean noiseLike(double unitShare, long now) {
        if (budgetSeen) {
            return false;
        }
        // the share at the cut may be an unlucky epoch; the share since, over twice the answers, must look like noise
        double knownNoise = noise + 2 * Math.sqrt(noise * (1 - noise) / Math.max(1, epochAnswers));
        if (beyondNoise(unitShareAtCut, answersAtCut) || unitShare > Math.max(MAX_NOISE, knownNoise) || unitShare < MIN_NOISE) {
            return false;
        }
        double requestShare = epochAnswers == 0 ? 0 : (double) epochThrottled / epochAnswers;
        if (unitShare < 0.5 * requestShare) {
            // many requests lose a few units each: a budget's partial answers, not a random refusal of whole requests
            return false;
        }
        if (typicalShare >= MIN_NOISE / 2 && acceptedFellWithSent(now)) {
            return true;
        }
        if (typicalShare < MIN_NOISE) {
            return false;
        }
        // or it is what this server refused all along
        double p = Math.max(typicalShare, 0.02);
        double standardError = Math.sqrt(p * (1 - p) / Math.max(1, epochAnswers));
        return Math.abs(unitShare - typicalShare) <= SIGNIFICANT_EXCESS + 2 * standardError;
    }

    /**
     * Whether, since the cut, what the server accepted fell in proportion to what was sent: against a budget it would
     * have stayed at the budget.
     */
    private boolean acceptedFellWithSent(long now) {
        double sentNow = throughput(epochSent, now);
        double acceptedNow = throughput(epochSent - epochRefused, now);
        return sentAtCut > 0 && acceptedAtCut > 0 && sentNow > 0 && sentNow < 0.95 * sentAtCut
                && acceptedNow / acceptedAtCut <= 1.1 * sentNow / sentAtCut;
    }

    /** The long-run refused share, over every full epoch (cut or not; a handful of answers says too little). */
    private void learn(double unitShare) {
        if (epochAnswers < MIN_COMPLETIONS) {
            return;
        }
        typicalShare = learnedEpochs++ == 0 ? unitShare : typicalShare + LONG_EWMA * (unitShare - typicalShare);
    }

    private void startEpoch(long now) {
        epochStart = now;
        epochSent = 0;
        epochRefused = 0;
        epochAnswers = 0;
        epochFirstAnswer = -1;
        epochDeadNanos = 0;
        epochLongestGap = 0;
        epochThrottled = 0;
        epochPartial = 0;
        epochWaited = false;
        epochRetryAfterNanos = 0;
    }

    private static void checkUnits(long units) {
        if (units < 0) {
            throw new IllegalArgumentException("units must be >= 0, was " + units);
        }
    }

    /** Settings of a {@link Pacer}; mutable, not thread-safe, like any builder. */
    public static final class Builder {
        private double initialRate = Double.NaN;
        private double minRate = 1;
        private double maxRate = 1e9;
        private int maxInFlight = 16;
        private Duration burst = Duration.ofMillis((long) (BURST_HORIZON_SECONDS * 1000));
        private Scheduler scheduler;
        private LongSupplier clock;

        private Builder() {
        }

        /**
         * Units per second to start from; by default the {@link #maxRate(double) maximum}: nothing is paced until the
         * server first pushes back, and the in-flight limit alone holds the load, as a fixed concurrency would. Give the
         * budget when it is known (a provisioned throughput, the rate of the previous run) to avoid the first overshoot.
         */
        public Builder initialRate(double unitsPerSecond) {
            this.initialRate = positive("initialRate", unitsPerSecond);
            return this;
        }

        /** The rate never goes below this (default 1 unit per second), so the pacer never stalls. */
        public Builder minRate(double unitsPerSecond) {
            this.minRate = positive("minRate", unitsPerSecond);
            return this;
        }

        /** The rate never goes above this (default 10⁹: no limit of its own). */
        public Builder maxRate(double unitsPerSecond) {
            this.maxRate = positive("maxRate", unitsPerSecond);
            return this;
        }

        /** The most requests {@link #inFlightLimit()} suggests (default 16): the workers or connections there are. */
        public Builder maxInFlight(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("maxInFlight must be >= 1, was " + requests);
            }
            this.maxInFlight = requests;
            return this;
        }

        /**
         * Unused rate kept for a burst (default one second's worth: what a Cosmos DB bucket saves too). After a stall (a
         * garbage collection, a machine that gave the process no CPU) the server's bucket holds what was not sent
         * meanwhile, and the pacer lets the sends catch up on it instead of leaving it unused.
         */
        public Builder burst(Duration burst) {
            Objects.requireNonNull(burst, "burst");
            if (burst.isNegative()) {
                throw new IllegalArgumentException("burst must be >= 0, was " + burst);
            }
            this.burst = burst;
            return this;
        }

        /** Where {@link #acquire(long)} waits, and whose clock it reads unless {@link #clock} is given (default: parallel). */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** Nanosecond clock (default: the scheduler's, else {@link System#nanoTime()}). */
        public Builder clock(LongSupplier nanoTime) {
            this.clock = Objects.requireNonNull(nanoTime, "clock");
            return this;
        }

        public Pacer build() {
            if (minRate > maxRate) {
                throw new IllegalArgumentException("minRate " + minRate + " must not exceed maxRate " + maxRate);
            }
            return new Pacer(this);
        }

        private static double positive(String name, double value) {
            if (!(value > 0) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(name + " must be > 0, was " + value);
            }
            return value;
        }
    }
}
