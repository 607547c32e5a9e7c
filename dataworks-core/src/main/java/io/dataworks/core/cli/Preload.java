package io.dataworks.core.cli;

import java.util.List;
import java.util.Objects;

/**
 * Runs start-up work that a command will need later on a second thread while the first one parses the command line
 * and connects: the first use of a library (the MongoDB driver's codecs and settings, Reactor's operators, the JSON
 * writer of the report) runs its class initializers and cold code once, in the interpreter, for tens of milliseconds
 * each. On a machine with a core to spare that time comes off the run; where there is none it costs nothing extra,
 * since the work is done once either way, by whichever thread gets there first (the JVM initializes a class once
 * and makes a second thread wait for it).
 *
 * <p>A step only touches what the run would touch anyway and has no effect a user could see: no connection, no
 * thread pool, no file. A step that fails is ignored: the run meets the same problem where it uses the thing and
 * reports it there. The thread is a daemon, so it never keeps the process alive.
 */
public final class Preload {

    private Preload() {
    }

    /** Starts {@code steps} in order on a daemon thread named {@code dataworks-preload}; returns it (tests join it). */
    public static Thread start(List<Runnable> steps) {
        List<Runnable> todo = List.copyOf(Objects.requireNonNull(steps, "steps"));
        Thread thread = new Thread(() -> {
            for (Runnable step : todo) {
                try {
                    step.run();
                } catch (RuntimeException | LinkageError e) {
                    // ignored on purpose: the run itself meets this where it matters, and says so there
                }
            }
        }, "dataworks-preload");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
