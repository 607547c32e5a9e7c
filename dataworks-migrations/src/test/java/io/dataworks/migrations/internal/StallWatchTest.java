package io.dataworks.migrations.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import reactor.test.scheduler.VirtualTimeScheduler;

class StallWatchTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(StallWatch.class);
    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
        time.dispose();
    }

    private List<String> warnings() {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void warnsOncePerTimeoutWhileNothingMovesAndSaysWhatItWaitsFor() {
        AtomicLong progress = new AtomicLong();
        StallWatch watch = StallWatch.start("copy", Duration.ofSeconds(60), progress::get, () -> "3 bulk writes to the target", time);

        time.advanceTimeBy(Duration.ofSeconds(30));
        progress.incrementAndGet();
        time.advanceTimeBy(Duration.ofSeconds(59));
        assertThat(warnings()).as("progress 59 s ago: not stalled yet").isEmpty();

        time.advanceTimeBy(Duration.ofSeconds(16));
        assertThat(warnings()).hasSize(1);
        assertThat(warnings().get(0)).contains("copy", "no progress for 60 s", "3 bulk writes to the target");

        time.advanceTimeBy(Duration.ofSeconds(60));
        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(1)).contains("no progress for 120 s");

        progress.incrementAndGet();
        time.advanceTimeBy(Duration.ofSeconds(45));
        assertThat(warnings()).as("moving again").hasSize(2);

        watch.dispose();
        time.advanceTimeBy(Duration.ofMinutes(10));
        assertThat(warnings()).as("stopped with its stage").hasSize(2);
    }

    @Test
    void aZeroTimeoutTurnsTheWatchOff() {
        StallWatch watch = StallWatch.start("copy", Duration.ZERO, () -> 0, () -> "x", time);
        time.advanceTimeBy(Duration.ofHours(1));
        assertThat(warnings()).isEmpty();
        assertThat(watch.isDisposed()).isTrue();
    }
}
