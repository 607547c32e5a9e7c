package io.dataworks.migrations.follow;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.dataworks.core.ExitCode;

/**
 * How a follow run ended.
 *
 * <p>The target is known complete (and {@link #summary()} says "Safe to switch") only when following was stopped on
 * purpose ({@link StopReason#STOPPED} or {@link StopReason#CUTOVER}) with lag 0, nothing pending and no document
 * refused. A change stream that ended ({@link StopReason#SOURCE_ENDED}) means later changes of that namespace are
 * missing: {@link #exitCode()} is {@link ExitCode#FAILED}.
 *
 * @param appliedThisRun  events applied in this run, by kind
 * @param appliedTotal    events applied since the start point, over all runs (from the checkpoints)
 * @param coalesced       events of this run superseded by a later event for the same {@code _id} in the same batch
 * @param skipped         events of this run with no {@code _id} to apply them to (the document was gone when looked up)
 * @param finalLagSeconds lag when it stopped (0 when nothing was pending)
 * @param checkpointDir   where the resume tokens are kept: the checkpoint directory, or the MongoDB checkpoint store
 *                        (its database and masked connection string)
 * @param ended           namespaces whose change stream ended, with the event that ended it ({@code drop},
 *                        {@code rename}, {@code dropDatabase}, {@code invalidate}, or {@code closed by the server} for a
 *                        stream that completed without one)
 * @param excluded        changed documents of this run the strategy does not write (its filter excludes them or its
 *                        transform drops them); for an update or replace, its target document was deleted
 * @param refused         documents of this run not written because the target cannot hold them (too large)
 */
public record FollowResult(
        StopReason reason,
        Map<String, Long> appliedThisRun,
        Map<String, Long> appliedTotal,
        long coalesced,
        long skipped,
        long batches,
        double finalLagSeconds,
        long pendingEvents,
        String checkpointDir,
        boolean cosmos,
        Map<String, String> ended,
        long excluded,
        long refused) {

    public enum StopReason {
        /** {@code stop()} was called (Ctrl-C). */
        STOPPED,
        /** The cut-over condition held. */
        CUTOVER,
        /** {@code maxEvents} were applied. */
        MAX_EVENTS,
        /**
         * A namespace's change stream ended (collection dropped or renamed, database dropped, stream invalidated): the
         * changes made after it are not on the target. Following stops for every namespace; the run failed.
         */
        SOURCE_ENDED
    }

    public FollowResult {
        appliedThisRun = Map.copyOf(appliedThisRun);
        appliedTotal = Map.copyOf(appliedTotal);
        ended = Map.copyOf(ended);
    }

    public long eventsThisRun() {
        return appliedThisRun.values().stream().mapToLong(Long::longValue).sum();
    }

    /** False when a change stream ended: the target lacks that namespace's later changes. */
    public boolean targetComplete() {
        return reason != StopReason.SOURCE_ENDED && ended.isEmpty() && refused == 0;
    }

    /** Stopped on purpose, caught up (lag 0, nothing pending) and nothing refused: the target holds every change seen. */
    public boolean safeToSwitch() {
        return (reason == StopReason.STOPPED || reason == StopReason.CUTOVER) && targetComplete()
                && finalLagSeconds == 0 && pendingEvents == 0;
    }

    /**
     * {@link ExitCode#FAILED} when a change stream ended (the target is incomplete and following cannot continue);
     * {@link ExitCode#OK} otherwise. Refused documents are reported by {@link #refused()} for the run's dead-letter
     * outcome.
     */
    public ExitCode exitCode() {
        return reason == StopReason.SOURCE_ENDED || !ended.isEmpty() ? ExitCode.FAILED : ExitCode.OK;
    }

    /** What the operator reads at the end: what happened, where the resume point is, what to do next. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append("Follow stopped (").append(switch (reason) {
            case STOPPED -> "stopped by the operator";
            case CUTOVER -> "cut-over conditions met";
            case MAX_EVENTS -> "event limit reached";
            case SOURCE_ENDED -> "a change stream of the source ended";
        }).append("). Applied ").append(eventsThisRun()).append(" events");
        if (!appliedThisRun.isEmpty()) {
            s.append(" (").append(describe(appliedThisRun)).append(")");
        }
        s.append(String.format(", final lag %.1f s, %d pending.", finalLagSeconds, pendingEvents));
        if (excluded > 0) {
            s.append(" ").append(excluded).append(" changed documents are outside the strategy's filter and not on the target.");
        }
        new TreeMap<>(ended).forEach((ns, event) -> s.append(" THE TARGET IS INCOMPLETE for ").append(ns)
                .append(": its change stream ended ('").append(event).append("'), so later changes of ").append(ns)
                .append(" are not on the target. Recopy it with --fresh (the collection as it is now on the source), then --follow again."));
        if (refused > 0) {
            s.append(" ").append(refused).append(" documents were refused (larger than the target's limit) and are not on the target.");
        }
        if (ended.isEmpty()) {
            s.append(" Resume tokens saved in ").append(checkpointDir).append("; --follow resumes from them.");
        }
        if (safeToSwitch()) {
            s.append(" Safe to switch: stop the writes to the source first, wait until lag is 0 with nothing pending,"
                    + " then point the application at the target.");
        } else if (targetComplete()) {
            s.append(" Not yet safe to switch: follow again until it stops (Ctrl-C or cut-over) with lag 0 and nothing pending.");
        } else {
            s.append(" Not safe to switch.");
        }
        if (cosmos) {
            s.append(" Cosmos DB change streams carry no deletes: after stopping writes, run --reconcile-deletes.");
        }
        return s.toString();
    }

    /** Extra fields for the report's {@code details.follow}. */
    public Map<String, Object> toReportDetails() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stoppedBecause", reason.name().toLowerCase());
        m.put("applied", appliedThisRun);
        m.put("appliedTotal", appliedTotal);
        m.put("coalesced", coalesced);
        m.put("skipped", skipped);
        m.put("excluded", excluded);
        m.put("refused", refused);
        m.put("batches", batches);
        m.put("finalLagSeconds", finalLagSeconds);
        m.put("pendingEvents", pendingEvents);
        m.put("endedStreams", new TreeMap<>(ended));
        m.put("targetComplete", targetComplete());
        m.put("safeToSwitch", safeToSwitch());
        m.put("checkpointDir", String.valueOf(checkpointDir));
        return m;
    }

    private static String describe(Map<String, Long> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
