package io.dataworks.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.StageOutcome.Kind;
import io.dataworks.monitoring.RunReport;

class RunResultTest {

    private static StageOutcome outcome(String stage, Kind kind) {
        return new StageOutcome(stage, kind, kind.name(), Duration.ZERO);
    }

    private static RunResult result(Throwable failure, StageOutcome... outcomes) {
        return new RunResult(List.of(outcomes), List.of(), null, null, null, null, failure, List.of());
    }

    @Test
    void everyStageDoneIsCompletedWithExitZero() {
        RunResult r = result(null, outcome("copy", Kind.DONE), outcome("verify", Kind.DONE));
        assertThat(r.status()).isEqualTo(RunReport.COMPLETED);
        assertThat(r.exitCode()).isEqualTo(ExitCode.OK);
    }

    @Test
    void refusedDocumentsAreNotSuccess() {
        RunResult r = result(null, outcome("copy", Kind.REFUSED_DOCUMENTS), outcome("verify", Kind.DONE));
        assertThat(r.status()).isEqualTo(RunReport.COMPLETED_WITH_ERRORS);
        assertThat(r.exitCode()).isEqualTo(ExitCode.COMPLETED_WITH_ERRORS);
        assertThat(r.exitCode().code()).isEqualTo(4);
    }

    @Test
    void aMismatchOutranksEverythingElse() {
        RunResult r = result(new RuntimeException("later"), outcome("copy", Kind.REFUSED_DOCUMENTS), outcome("verify", Kind.MISMATCH),
                outcome("follow", Kind.FAILED));
        assertThat(r.status()).isEqualTo(RunReport.VERIFICATION_MISMATCH);
        assertThat(r.exitCode()).isEqualTo(ExitCode.VERIFICATION_MISMATCH);
    }

    @Test
    void aFailureKeepsItsOwnExitCode() {
        RunResult usage = result(new DataWorksException(ExitCode.USAGE, "checkpoint refused"), outcome("copy", Kind.FAILED));
        assertThat(usage.status()).isEqualTo(RunReport.FAILED);
        assertThat(usage.exitCode()).isEqualTo(ExitCode.USAGE);
        RunResult other = result(new IllegalStateException("boom"), outcome("copy", Kind.FAILED));
        assertThat(other.exitCode()).isEqualTo(ExitCode.FAILED);
    }

    @Test
    void aFollowWhoseStreamEndedIsIncompleteNotDone() {
        RunResult r = result(null, outcome("copy", Kind.DONE), outcome("verify", Kind.DONE), outcome("follow", Kind.INCOMPLETE));
        assertThat(r.status()).isEqualTo(RunReport.INCOMPLETE);
        assertThat(r.exitCode()).isEqualTo(ExitCode.FAILED);
    }

    @Test
    void interruptedIsReportedAsSuch() {
        RunResult r = result(null, outcome("copy", Kind.INTERRUPTED));
        assertThat(r.status()).isEqualTo(RunReport.INTERRUPTED);
        assertThat(r.interrupted()).isTrue();
        assertThat(r.exitCode()).isNotEqualTo(ExitCode.OK);
    }
}
