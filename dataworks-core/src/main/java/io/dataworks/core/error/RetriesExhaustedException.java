package io.dataworks.core.error;

import java.util.Objects;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;

/**
 * A request kept failing with retryable errors until the retry budget (attempts or total wait) was spent.
 * Exit code {@link ExitCode#FAILED}; the cause is the last failure. {@link ErrorClassifier} classifies it as
 * {@link ErrorKind#PERMANENT}, so that nothing retries it again.
 */
public final class RetriesExhaustedException extends DataWorksException {

    private static final long serialVersionUID = 1L;

    private final int attempts;
    private final transient ErrorClassification lastError;

    /**
     * @param attempts  tries made, the first one included
     * @param limit     which limit was reached, e.g. {@code "maxAttempts 10"}
     * @param lastError the classification of {@code cause}
     * @param cause     the last failure
     */
    public RetriesExhaustedException(int attempts, String limit, ErrorClassification lastError, Throwable cause) {
        super(ExitCode.FAILED, "gave up after " + attempts + " attempts (" + limit + " reached): " + lastError.describe(), cause);
        this.attempts = attempts;
        this.lastError = Objects.requireNonNull(lastError, "lastError");
    }

    /** Tries made, the first one included. */
    public int attempts() {
        return attempts;
    }

    /** The classification of the last failure. */
    public ErrorClassification lastError() {
        return lastError;
    }
}
