package io.dataworks.core;

import java.util.Objects;

/**
 * A failure the user can act on. It carries the exit code the CLI ends with; its message says what
 * went wrong and what to do about it.
 */
public class DataWorksException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ExitCode exitCode;

    public DataWorksException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
    }

    public DataWorksException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = Objects.requireNonNull(exitCode, "exitCode");
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
