package io.dataworks.migrations.internal;

import java.util.concurrent.atomic.AtomicLong;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.ErrorStrategy;

/** Decides when failed documents end the run ({@code --error-strategy}, {@code --max-errors}). Thread-safe. */
final class ErrorBudget {

    private final ErrorStrategy strategy;
    private final long maxErrors;
    private final String deadLetter;
    private final AtomicLong failed = new AtomicLong();

    ErrorBudget(ErrorStrategy strategy, long maxErrors, String deadLetter) {
        this.strategy = strategy;
        this.maxErrors = maxErrors;
        this.deadLetter = deadLetter;
    }

    void record(long documents) {
        failed.addAndGet(documents);
    }

    /** Throws when the documents failed so far end the run. */
    void check(String firstFailure) {
        long total = failed.get();
        if (total == 0) {
            return;
        }
        if (strategy == ErrorStrategy.STOP) {
            throw new DataWorksException(ExitCode.FAILED, total + " document(s) could not be written (" + firstFailure
                    + "); they are in " + deadLetter
                    + ". Stopped because of --error-strategy stop; rerun with --error-strategy continue to copy the rest");
        }
        if (maxErrors > 0 && total > maxErrors) {
            throw new DataWorksException(ExitCode.FAILED, total + " documents could not be written, more than --max-errors "
                    + maxErrors + " (last: " + firstFailure + "); they are in " + deadLetter);
        }
    }

    long failed() {
        return failed.get();
    }
}
