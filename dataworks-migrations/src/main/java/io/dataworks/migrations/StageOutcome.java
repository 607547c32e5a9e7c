package io.dataworks.migrations;

import java.time.Duration;
import java.util.Objects;

import io.dataworks.core.ExitCode;

/**
 * How one stage of a {@link MigrationRun} ended. {@link RunResult} turns the outcomes of all stages into the run's
 * status and exit code, in one place.
 *
 * @param stage  the stage's name ({@code copy}, {@code reconcile}, {@code verify}, {@code follow}, ...)
 * @param kind   what happened
 * @param detail one line for a person: what the outcome means and, when it is not {@link Kind#DONE}, what to do
 * @param took   how long the stage ran
 */
public record StageOutcome(String stage, Kind kind, String detail, Duration took) {

    /** What a stage can end with, from the best to the worst news for the user's data. */
    public enum Kind {
        /** Did what was asked. */
        DONE(ExitCode.OK),
        /** Finished, but the target refused documents: they are in the dead-letter file. */
        REFUSED_DOCUMENTS(ExitCode.COMPLETED_WITH_ERRORS),
        /** Stopped by the operator (Ctrl-C, SIGTERM) after a final checkpoint; a rerun resumes. */
        INTERRUPTED(ExitCode.FAILED),
        /** Ended without being able to say the target is complete (a change stream ended by a drop or rename). */
        INCOMPLETE(ExitCode.FAILED),
        /** Failed: an error the run could not get past. */
        FAILED(ExitCode.FAILED),
        /** Verification found a difference. Outranks whatever happens after it. */
        MISMATCH(ExitCode.VERIFICATION_MISMATCH);

        private final ExitCode exitCode;

        Kind(ExitCode exitCode) {
            this.exitCode = exitCode;
        }

        public ExitCode exitCode() {
            return exitCode;
        }
    }

    public StageOutcome {
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(took, "took");
    }

    public boolean done() {
        return kind == Kind.DONE;
    }
}
