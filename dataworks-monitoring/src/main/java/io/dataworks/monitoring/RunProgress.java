package io.dataworks.monitoring;

import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a run is, in the terms a person or a cut-over script asks about: the stage, each namespace's
 * progress, the follow lag and whether cutting over is safe. The engine feeds it; {@link #view} turns it,
 * with the latest {@link PerformanceSnapshot} for rates, into what {@code GET /api/v1/progress} answers.
 *
 * <p>Feeding a migration (every call is optional; what is not fed is left out or taken from the
 * collector):
 * <pre>{@code
 * RunProgress progress = session.progress();
 * progress.state(State.PLANNING);
 * NamespaceProgress ns = progress.namespace("src.orders", "dst.orders");   // once per namespace, keep it
 * ns.documentsTotal(plan.estimatedDocuments()).partitions(0, plan.partitions().size());
 * progress.state(State.COPYING);  ns.state(State.COPYING);
 * ns.partitions(done, total);      // as partitions finish
 * ns.copyDone();                   // the namespace's copy finished: its percent is 100
 * progress.state(State.VERIFYING); ns.verification("match", 0);
 * progress.cutover(5.0, Duration.ofSeconds(30));  progress.state(State.FOLLOWING);
 * progress.lagSeconds(lag).pendingEvents(pending); // on every follow batch
 * progress.state(State.DONE);      // or FAILED / INTERRUPTED
 * }</pre>
 *
 * <p>A namespace's documents copied are the larger of what was fed ({@link NamespaceProgress#documentsCopied}
 * or {@link NamespaceProgress#addDocumentsCopied}) and what the collector counted for the namespace named
 * {@code source} ({@link MetricsCollector#forNamespace}: written + skipped), so an engine that already records
 * per namespace need not feed counts. Percentages never go backwards, and reach 100 when the copy is done.
 *
 * <p>Thread-safety: every method may be called from any thread. {@code addDocumentsCopied} is lock-free;
 * the rest lock briefly.
 */
public final class RunProgress {

    /** Default cut-over threshold: the lag must stay at or under this many seconds... */
    public static final double DEFAULT_CUTOVER_MAX_LAG_SECONDS = 5.0;
    /** ...for this long. */
    public static final Duration DEFAULT_CUTOVER_HOLD = Duration.ofSeconds(30);

    /** The stages of a run, as the API spells them ({@link #label()}). */
    public enum State {
        PLANNING, COPYING, INDEXING, VERIFYING, RECONCILING, FOLLOWING, DONE, FAILED, INTERRUPTED;

        /** Lower case, as in the API: {@code copying}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code DONE}, {@code FAILED} or {@code INTERRUPTED}. */
        public boolean terminal() {
            return this == DONE || this == FAILED || this == INTERRUPTED;
        }

        /** A stage that comes after the copy finished (indexes, verification, follow, done). */
        boolean copyFinished() {
            return this == INDEXING || this == VERIFYING || this == RECONCILING || this == FOLLOWING || this == DONE;
        }
    }

    private final Clock clock;
    private final MetricsCollector collector;
    private final Map<String, NamespaceProgress> namespaces = new LinkedHashMap<>();

    // guarded by "this"
    private State state = State.PLANNING;
    private boolean stateSet;
    private Double lagSeconds;
    private Long pendingEvents;
    private long lagLowSinceNanos = -1;
    private boolean lagFed;
    private boolean pendingFed;
    private double cutoverMaxLagSeconds = DEFAULT_CUTOVER_MAX_LAG_SECONDS;
    private Duration cutoverHold = DEFAULT_CUTOVER_HOLD;
    private String verificationStatus;
    private long verificationMismatches;
    private long deadLetters;
    private Double pacingRate;
    private Integer concurrencyLimit;
    private String lastError;
    private double percentFloor;
    private State lastShown = State.PLANNING;

    private RunProgress(MetricsCollector collector, Clock clock) {
        this.collector = collector;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A model whose namespaces also count what {@code collector} records per namespace; times from its clock. */
    public static RunProgress create(MetricsCollector collector) {
        Objects.requireNonNull(collector, "collector");
        return new RunProgress(collector, collector.clock());
    }

    /** A model fed only by its callers (tests, tools without a collector). */
    public static RunProgress create(Clock clock) {
        return new RunProgress(null, clock);
    }

    // ---------------------------------------------------------------- run

    /** The run entered {@code value}; {@code DONE}/{@code FAILED}/{@code INTERRUPTED} are final but may be set again. */
    public synchronized RunProgress state(State value) {
        state = Objects.requireNonNull(value, "state");
        stateSet = true;
        return this;
    }

    /**
     * The stage as fed; before any is fed, {@code planning}, or {@code copying} once a document was copied
     * (an engine that does not feed stages still shows something true).
     */
    public synchronized State state() {
        return state;
    }

    /**
     * The per-namespace handle, created on first use and the same afterwards for the same pair; appears in
     * the API in the order of creation.
     */
    public NamespaceProgress namespace(String source, String target) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        synchronized (this) {
            return namespaces.computeIfAbsent(source + "\u0000" + target, k -> new NamespaceProgress(source, target));
        }
    }

    /** The namespaces fed so far, in the order of creation. */
    public synchronized List<NamespaceProgress> namespaces() {
        return List.copyOf(namespaces.values());
    }

    /**
     * The follow lag now (seconds between the oldest change received and not yet applied, and now). The time the
     * lag has stayed at or under the cut-over threshold is measured from these calls.
     */
    public synchronized RunProgress lagSeconds(double seconds) {
        lagFed = true;
        updateLag(seconds);
        return this;
    }

    /** Change events received and not yet applied. */
    public synchronized RunProgress pendingEvents(long events) {
        pendingFed = true;
        pendingEvents = Math.max(0, events);
        return this;
    }

    /**
     * When cutting over is safe: the lag at or under {@code maxLagSeconds} without interruption for {@code hold},
     * nothing pending, and the last verification (when there was one) clean. Defaults: 5 s for 30 s.
     */
    public synchronized RunProgress cutover(double maxLagSeconds, Duration hold) {
        if (Double.isNaN(maxLagSeconds) || maxLagSeconds < 0) {
            throw new IllegalArgumentException("maxLagSeconds must be >= 0, got " + maxLagSeconds);
        }
        Objects.requireNonNull(hold, "hold");
        if (hold.isNegative()) {
            throw new IllegalArgumentException("hold must not be negative, got " + hold);
        }
        cutoverMaxLagSeconds = maxLagSeconds;
        cutoverHold = hold;
        if (lagSeconds != null && lagSeconds > maxLagSeconds) {
            lagLowSinceNanos = -1;
        }
        return this;
    }

    /** The last verification of the run as a whole: {@code match}, {@code mismatch}... and the mismatch count. */
    public synchronized RunProgress verification(String status, long mismatches) {
        verificationStatus = Objects.requireNonNull(status, "status");
        verificationMismatches = mismatches;
        return this;
    }

    /** Documents refused by the target and written to the dead-letter file, in all. */
    public synchronized RunProgress deadLetters(long documents) {
        deadLetters = documents;
        return this;
    }

    /** The rate the pacing controller allows now (requests or documents per second, as the engine paces). */
    public synchronized RunProgress pacingRate(double perSecond) {
        pacingRate = perSecond;
        return this;
    }

    /** The concurrency limit now (adaptive write concurrency). */
    public synchronized RunProgress concurrencyLimit(int limit) {
        concurrencyLimit = limit;
        return this;
    }

    /** The last error worth showing (masked before it is served). */
    public synchronized RunProgress lastError(String message) {
        lastError = message;
        return this;
    }

    // ---------------------------------------------------------------- view

    /**
     * What the API answers now: this model with the rates of {@code snapshot} (null before the first snapshot).
     * Also moves the monotonic floors, so call it from one place at a time (it is synchronized).
     */
    public synchronized ProgressView view(PerformanceSnapshot snapshot) {
        long now = clock.monotonicTime();
        Map<String, Double> gauges = snapshot == null ? Map.of() : snapshot.gauges();
        if (!lagFed && gauges.containsKey("followLagSeconds")) {
            updateLag(gauges.get("followLagSeconds"));
        }
        if (!pendingFed && gauges.containsKey("followPendingEvents")) {
            pendingEvents = Math.round(gauges.get("followPendingEvents"));
        }

        List<ProgressView.Namespace> nsViews = new ArrayList<>();
        long copiedSum = 0;
        long totalSum = 0;
        boolean allTotalsKnown = !namespaces.isEmpty();
        boolean allCopied = !namespaces.isEmpty();
        long nsDeadLetters = 0;
        Set<String> shown = new HashSet<>();
        for (NamespaceProgress ns : namespaces.values()) {
            ProgressView.Namespace v = ns.view(now, collectorCount(ns.source),
                    snapshot == null ? 0 : snapshot.documentsWritten() + snapshot.documentsSkipped(), state);
            nsViews.add(v);
            shown.add(ns.source);
            copiedSum += v.documentsCopied();
            if (v.documentsTotal() == null) {
                allTotalsKnown = false;
            } else {
                totalSum += v.documentsTotal();
            }
            allCopied &= v.percent() != null && v.percent() >= 100.0;
            nsDeadLetters += ns.deadLetters();
        }
        if (collector != null) {
            for (NamespaceMetrics m : collector.namespaces()) {
                if (shown.add(m.namespace())) {
                    NamespaceMetrics.Counts c = m.counts();
                    long copied = c.documentsWritten() + c.documentsSkipped();
                    nsViews.add(new ProgressView.Namespace(m.namespace(), null, effectiveState(copied).label(), null,
                            copied, null, null, null, null, null, null, null, 0));
                    copiedSum += copied;
                    allTotalsKnown = false;
                }
            }
        }

        boolean byNamespace = !nsViews.isEmpty();
        long copied = byNamespace ? copiedSum
                : snapshot == null ? 0 : snapshot.documentsWritten() + snapshot.documentsSkipped();
        long done = byNamespace ? copiedSum : snapshot == null ? 0 : snapshot.documentsDone();
        Long total = allTotalsKnown ? Long.valueOf(totalSum)
                : snapshot != null && snapshot.totalKnown() ? Long.valueOf(snapshot.total()) : null;
        State shownState = effectiveState(copied);
        lastShown = shownState;
        boolean copyFinished = shownState.copyFinished() || (allCopied && namespaces.size() == nsViews.size());
        Double percent = null;
        if (copyFinished) {
            percentFloor = 100.0;
            percent = 100.0;
        } else if (total != null) {
            double p = total == 0 ? 100.0 : Math.min(100.0, done * 100.0 / total);
            percentFloor = Math.max(percentFloor, p);
            percent = percentFloor;
        } else if (percentFloor > 0) {
            percent = percentFloor;
        }
        Double eta = null;
        if (percent != null && percent >= 100.0) {
            eta = 0.0;
        } else if (total != null && snapshot != null) {
            double rate = snapshot.documentsPerSecondOverall() > 0 ? snapshot.documentsPerSecondOverall()
                    : snapshot.documentsPerSecond();
            if (rate > 0) {
                eta = round(Math.max(0, total - done) / rate, 1);
            }
        }

        Double pacing = pacingRate != null ? pacingRate : gauges.get("pacingRate");
        Integer limit = concurrencyLimit != null ? concurrencyLimit
                : gauges.containsKey("concurrency") ? (int) Math.round(gauges.get("concurrency")) : null;

        boolean following = shownState == State.FOLLOWING;
        double lowFor = lagLowSinceNanos < 0 ? 0 : (now - lagLowSinceNanos) / 1e9;
        boolean lagOk = lagSeconds != null && lagLowSinceNanos >= 0 && lowFor >= cutoverHold.toMillis() / 1000.0;
        boolean pendingOk = pendingEvents != null && pendingEvents == 0;
        boolean verificationOk = verificationStatus == null || "match".equals(verificationStatus);
        List<ProgressView.Check> checks = List.of(
                new ProgressView.Check("following", following, "state " + shownState.label()),
                new ProgressView.Check("lag", lagOk, lagSeconds == null ? "no lag reported yet"
                        : String.format(Locale.ROOT, "%.1f s now; at or under %.1f s for %.0f s, hold %d s",
                        lagSeconds, cutoverMaxLagSeconds, lowFor, cutoverHold.toSeconds())),
                new ProgressView.Check("pending", pendingOk,
                        pendingEvents == null ? "no pending count reported yet" : pendingEvents + " events pending"),
                new ProgressView.Check("verification", verificationOk,
                        verificationStatus == null ? "not run" : verificationStatus
                                + (verificationMismatches > 0 ? " (" + verificationMismatches + " mismatches)" : "")));
        boolean canCutover = following && lagOk && pendingOk && verificationOk;

        LatencyStats latency = snapshot == null ? LatencyStats.EMPTY : snapshot.intervalLatency();
        return new ProgressView(
                shownState.label(),
                percent == null ? null : round(percent, 2),
                copied,
                total,
                snapshot == null ? 0.0 : round(snapshot.documentsPerSecond(), 1),
                snapshot == null ? 0.0 : Math.round(snapshot.mbPerSecond() * PerformanceSnapshot.BYTES_PER_MB),
                eta,
                snapshot == null ? 0.0 : round(snapshot.throttlesPerSecond(), 2),
                pacing,
                limit,
                snapshot == null ? 0 : snapshot.documentsFailed(),
                snapshot == null ? 0 : snapshot.retries(),
                Math.max(deadLetters, nsDeadLetters),
                snapshot == null ? 0.0 : round(snapshot.elapsedSeconds(), 1),
                new ProgressView.Latency(latency.p50Millis(), latency.p99Millis(), latency.count()),
                verificationStatus == null ? null : new ProgressView.Verification(verificationStatus, verificationMismatches),
                lagSeconds,
                pendingEvents,
                canCutover,
                new ProgressView.Cutover(cutoverMaxLagSeconds, cutoverHold.toSeconds(), round(lowFor, 1), checks),
                lastError,
                List.copyOf(nsViews),
                snapshot == null ? null : snapshot.timestamp().toString());
    }

    /** The stage as the last {@link #view} showed it (fed, or inferred from documents copied). */
    synchronized State shownState() {
        return stateSet ? state : lastShown;
    }

    private State effectiveState(long copied) {
        return !stateSet && state == State.PLANNING && copied > 0 ? State.COPYING : state;
    }

    private long collectorCount(String source) {
        if (collector == null) {
            return 0;
        }
        for (NamespaceMetrics m : collector.namespaces()) {
            if (m.namespace().equals(source)) {
                NamespaceMetrics.Counts c = m.counts();
                return c.documentsWritten() + c.documentsSkipped();
            }
        }
        return 0;
    }

    private void updateLag(double seconds) {
        lagSeconds = seconds;
        if (seconds <= cutoverMaxLagSeconds) {
            if (lagLowSinceNanos < 0) {
                lagLowSinceNanos = clock.monotonicTime();
            }
        } else {
            lagLowSinceNanos = -1;
        }
    }

    static double round(double value, int decimals) {
        return RunReport.round(value, decimals);
    }

    /** The progress of one namespace (source → target); from {@link RunProgress#namespace}. Thread-safe. */
    public final class NamespaceProgress {
        private final String source;
        private final String target;
        private final AtomicLong copied = new AtomicLong();
        // guarded by RunProgress.this
        private State nsState;
        private long total = -1;
        private Integer partitionsDone;
        private Integer partitionsTotal;
        private boolean copyDone;
        private String verificationStatus;
        private long mismatches;
        private long deadLetters;
        private double percentFloor;
        private boolean wholeRun;
        private long rateBaseNanos = -1;
        private long rateBaseCopied;

        private NamespaceProgress(String source, String target) {
            this.source = source;
            this.target = target;
        }

        public String source() {
            return source;
        }

        public String target() {
            return target;
        }

        /** This namespace's stage (when not fed, the run's). */
        public NamespaceProgress state(State value) {
            Objects.requireNonNull(value, "state");
            synchronized (RunProgress.this) {
                nsState = value;
            }
            return this;
        }

        /** Documents expected (an estimate is fine: the percent is capped at 100 and reaches it at {@link #copyDone}). */
        public NamespaceProgress documentsTotal(long estimated) {
            synchronized (RunProgress.this) {
                total = Math.max(-1, estimated);
            }
            return this;
        }

        /** Documents copied so far in all (including those a resumed run found done); never lowers the count. */
        public NamespaceProgress documentsCopied(long absolute) {
            copied.accumulateAndGet(absolute, Math::max);
            return this;
        }

        /** {@code delta} more documents copied. */
        public NamespaceProgress addDocumentsCopied(long delta) {
            copied.addAndGet(delta);
            return this;
        }

        public NamespaceProgress partitions(int done, int totalPartitions) {
            synchronized (RunProgress.this) {
                partitionsDone = done;
                partitionsTotal = totalPartitions;
            }
            return this;
        }

        /**
         * This namespace is everything the run writes (a generator's one target): its documents copied are the
         * collector's totals (written + skipped), so nobody needs to feed them.
         */
        public NamespaceProgress wholeRun() {
            synchronized (RunProgress.this) {
                wholeRun = true;
            }
            return this;
        }

        /** The copy of this namespace finished: its percent is 100 from now on. */
        public NamespaceProgress copyDone() {
            synchronized (RunProgress.this) {
                copyDone = true;
            }
            return this;
        }

        public NamespaceProgress verification(String status, long mismatchCount) {
            Objects.requireNonNull(status, "status");
            synchronized (RunProgress.this) {
                verificationStatus = status;
                mismatches = mismatchCount;
            }
            return this;
        }

        public NamespaceProgress deadLetters(long documents) {
            synchronized (RunProgress.this) {
                deadLetters = documents;
            }
            return this;
        }

        long deadLetters() {
            return deadLetters;
        }

        /** Called with RunProgress.this held. */
        private ProgressView.Namespace view(long now, long collectorCount, long runCount, State runState) {
            long count = Math.max(copied.get(), wholeRun ? runCount : collectorCount);
            State shown = nsState != null ? nsState
                    : runState == State.PLANNING && !stateSet && count > 0 ? State.COPYING : runState;
            boolean finished = copyDone || shown.copyFinished();
            Double percent = null;
            if (finished) {
                percentFloor = 100.0;
                percent = 100.0;
            } else if (total >= 0) {
                double p = total == 0 ? 100.0 : Math.min(100.0, count * 100.0 / total);
                percentFloor = Math.max(percentFloor, p);
                percent = percentFloor;
            }
            Double rate = null;
            Double eta = null;
            if (count > 0 && rateBaseNanos < 0) {
                rateBaseNanos = now;
                rateBaseCopied = count;
            } else if (rateBaseNanos >= 0 && now > rateBaseNanos) {
                rate = round((count - rateBaseCopied) / ((now - rateBaseNanos) / 1e9), 1);
            }
            if (percent != null && percent >= 100.0) {
                eta = 0.0;
            } else if (total >= 0 && rate != null && rate > 0) {
                eta = round(Math.max(0, total - count) / rate, 1);
            }
            return new ProgressView.Namespace(source, target, shown.label(),
                    percent == null ? null : round(percent, 2), count, total < 0 ? null : total,
                    partitionsDone, partitionsTotal, rate, eta,
                    verificationStatus, verificationStatus == null ? null : mismatches, deadLetters);
        }
    }
}
