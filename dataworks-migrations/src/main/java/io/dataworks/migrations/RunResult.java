package io.dataworks.migrations;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.follow.FollowResult;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.verify.VerificationResult;
import io.dataworks.monitoring.RunReport;

/**
 * What a {@link MigrationRun} did: the outcome of every stage that ran, in order, and what they produced. The run's
 * status and exit code are derived here and nowhere else: the worst outcome wins, in this order (worst first):
 * a verification mismatch (exit 3, whatever happened after it), a failure (the failure's own exit code, e.g. 2 for a
 * refused checkpoint), an incomplete follow (1), an interruption (1; the CLI reports 130/143 as the signal
 * dictates), refused documents (4), done (0).
 *
 * @param outcomes     one per stage that ran, in order
 * @param plans        the plans the stages worked along (empty when the run failed before they were known)
 * @param copy         the copy stage's result, when it ran to the end
 * @param verification per-namespace verification results, when verification ran
 * @param follow       the follow stage's result, when it ran
 * @param deletes      target namespace → documents deleted by the last reconcile, when it ran
 * @param failure      the error that ended the run, when one did
 * @param pacing       how the source and the target were paced (empty when no stage talked to them)
 */
public record RunResult(List<StageOutcome> outcomes, List<NamespacePlan> plans, MigrationResult copy,
                        List<VerificationResult> verification, FollowResult follow, Map<String, Long> deletes, Throwable failure,
                        List<io.dataworks.migrations.endpoint.PacingReport> pacing) {

    public RunResult {
        outcomes = List.copyOf(outcomes);
        pacing = pacing == null ? List.of() : List.copyOf(pacing);
        plans = List.copyOf(plans);
        verification = verification == null ? null : List.copyOf(verification);
        deletes = deletes == null ? null : Map.copyOf(deletes);
    }

    /** The worst outcome; {@link StageOutcome.Kind#DONE} when nothing ran. */
    public StageOutcome.Kind worst() {
        return outcomes.stream().map(StageOutcome::kind).max(Comparator.comparingInt(RunResult::severity))
                .orElse(StageOutcome.Kind.DONE);
    }

    private static int severity(StageOutcome.Kind kind) {
        return switch (kind) {
            case DONE -> 0;
            case REFUSED_DOCUMENTS -> 1;
            case INTERRUPTED -> 2;
            case INCOMPLETE -> 3;
            case FAILED -> 4;
            case MISMATCH -> 5;
        };
    }

    /** The report's {@code status}. */
    public String status() {
        return switch (worst()) {
            case DONE -> RunReport.COMPLETED;
            case REFUSED_DOCUMENTS -> RunReport.COMPLETED_WITH_ERRORS;
            case INTERRUPTED -> RunReport.INTERRUPTED;
            case INCOMPLETE -> RunReport.INCOMPLETE;
            case FAILED -> RunReport.FAILED;
            case MISMATCH -> RunReport.VERIFICATION_MISMATCH;
        };
    }

    /** The process exit code (see the class comment). */
    public ExitCode exitCode() {
        StageOutcome.Kind worst = worst();
        if (worst == StageOutcome.Kind.FAILED && failure != null) {
            return failure instanceof DataWorksException dwe ? dwe.exitCode() : ExitCode.FAILED;
        }
        return worst.exitCode();
    }

    /** The first outcome of {@code stage}. */
    public Optional<StageOutcome> outcome(String stage) {
        Objects.requireNonNull(stage, "stage");
        return outcomes.stream().filter(o -> o.stage().equals(stage)).findFirst();
    }

    public boolean interrupted() {
        return outcomes.stream().anyMatch(o -> o.kind() == StageOutcome.Kind.INTERRUPTED);
    }

    /** The combined verification, as the report shows it, or {@code null} when verification did not run. */
    public VerificationResult combinedVerification() {
        return verification == null || verification.isEmpty() ? null : VerificationResult.combine(verification);
    }
}
