package io.dataworks.migrations.follow;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How a follow run ended.
 *
 * @param appliedThisRun events applied in this run, by kind
 * @param appliedTotal   events applied since the start point, over all runs (from the checkpoints)
 * @param coalesced      events of this run superseded by a later event for the same {@code _id} in the same batch
 * @param skipped        events of this run with no {@code _id} to apply them to (the document was gone when looked up)
 * @param finalLagSeconds lag when it stopped (0 when nothing was pending)
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
        Path checkpointDir,
        boolean cosmos) {

    public enum StopReason {
        /** {@code stop()} was called (Ctrl-C). */
        STOPPED,
        /** The cut-over condition held. */
        CUTOVER,
        /** {@code maxEvents} were applied. */
        MAX_EVENTS,
        /** Every change stream ended (collection dropped or renamed, stream invalidated). */
        SOURCE_ENDED
    }

    public FollowResult {
        appliedThisRun = Map.copyOf(appliedThisRun);
        appliedTotal = Map.copyOf(appliedTotal);
    }

    public long eventsThisRun() {
        return appliedThisRun.values().stream().mapToLong(Long::longValue).sum();
    }

    /** What the operator reads at the end: what happened, where the resume point is, what to do next. */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append("Follow stopped (").append(switch (reason) {
            case STOPPED -> "stopped by the operator";
            case CUTOVER -> "cut-over conditions met";
            case MAX_EVENTS -> "event limit reached";
            case SOURCE_ENDED -> "the source's change streams ended";
        }).append("). Applied ").append(eventsThisRun()).append(" events");
        if (!appliedThisRun.isEmpty()) {
            s.append(" (").append(describe(appliedThisRun)).append(")");
        }
        s.append(String.format(", final lag %.1f s, %d pending. Resume tokens saved in %s; --follow resumes from them.",
                finalLagSeconds, pendingEvents, checkpointDir));
        s.append(" Safe to switch: stop the writes to the source first, wait until lag is 0 with nothing pending,"
                + " then point the application at the target.");
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
        m.put("batches", batches);
        m.put("finalLagSeconds", finalLagSeconds);
        m.put("pendingEvents", pendingEvents);
        m.put("checkpointDir", String.valueOf(checkpointDir));
        return m;
    }

    private static String describe(Map<String, Long> counts) {
        return counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
