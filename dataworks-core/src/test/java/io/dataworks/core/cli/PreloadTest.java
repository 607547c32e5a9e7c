package io.dataworks.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

class PreloadTest {

    @Test
    void runsEveryStepInOrderOnADaemonThreadAndAFailingStepStopsNothing() throws InterruptedException {
        List<String> done = new CopyOnWriteArrayList<>();

        Thread thread = Preload.start(List.of(
                () -> done.add("driver"),
                () -> {
                    throw new IllegalStateException("no such codec");
                },
                () -> {
                    throw new NoClassDefFoundError("io/example/Missing");
                },
                () -> done.add("report")));
        thread.join(10_000);

        assertThat(thread.isAlive()).isFalse();
        assertThat(thread.isDaemon()).isTrue();
        assertThat(thread.getName()).isEqualTo("dataworks-preload");
        assertThat(done).containsExactly("driver", "report");
    }
}
