package io.dataworks.migrations.follow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dataworks.core.ExitCode;
import io.dataworks.migrations.follow.FollowResult.StopReason;

class FollowResultTest {

    private static FollowResult result(StopReason reason, double lag, long pending, Map<String, String> ended, long refused) {
        return new FollowResult(reason, Map.of("insert", 3L), Map.of("insert", 3L), 0, 0, 1, lag, pending, "cp", false,
                ended, 0, refused);
    }

    @Test
    void safeToSwitchOnlyWhenStoppedOnPurposeCaughtUpAndComplete() {
        assertThat(result(StopReason.STOPPED, 0, 0, Map.of(), 0).safeToSwitch()).isTrue();
        assertThat(result(StopReason.CUTOVER, 0, 0, Map.of(), 0).safeToSwitch()).isTrue();
        assertThat(result(StopReason.CUTOVER, 0, 0, Map.of(), 0).summary()).contains("Safe to switch");

        assertThat(result(StopReason.MAX_EVENTS, 0, 0, Map.of(), 0).safeToSwitch()).isFalse();
        assertThat(result(StopReason.STOPPED, 0.4, 0, Map.of(), 0).safeToSwitch()).isFalse();
        assertThat(result(StopReason.STOPPED, 0, 2, Map.of(), 0).safeToSwitch()).isFalse();
        assertThat(result(StopReason.STOPPED, 0, 0, Map.of(), 1).safeToSwitch()).isFalse();
        assertThat(result(StopReason.STOPPED, 0, 0, Map.of("a.b", "rename"), 0).safeToSwitch()).isFalse();
        assertThat(result(StopReason.SOURCE_ENDED, 0, 0, Map.of("a.b", "invalidate"), 0).safeToSwitch()).isFalse();
        for (FollowResult r : new FollowResult[] {result(StopReason.MAX_EVENTS, 0, 0, Map.of(), 0),
                result(StopReason.STOPPED, 3, 7, Map.of(), 0), result(StopReason.STOPPED, 0, 0, Map.of(), 1)}) {
            assertThat(r.summary()).doesNotContain("Safe to switch").contains("safe to switch");
        }
    }

    @Test
    void anEndedStreamIsAFailureWhateverStoppedTheOthers() {
        FollowResult ended = result(StopReason.SOURCE_ENDED, 0, 0, Map.of("shop.orders", "rename"), 0);
        FollowResult endedThenStopped = result(StopReason.STOPPED, 0, 0, Map.of("shop.orders", "dropDatabase"), 0);

        assertThat(ended.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(endedThenStopped.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(ended.summary()).contains("THE TARGET IS INCOMPLETE for shop.orders", "'rename'", "--fresh")
                .doesNotContain("Safe to switch").doesNotContain("--follow resumes");
        assertThat(result(StopReason.STOPPED, 0, 0, Map.of(), 0).exitCode()).isEqualTo(ExitCode.OK);
        assertThat(result(StopReason.MAX_EVENTS, 1, 5, Map.of(), 0).exitCode()).isEqualTo(ExitCode.OK);
    }
}
