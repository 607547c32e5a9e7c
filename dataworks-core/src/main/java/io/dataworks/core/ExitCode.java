package io.dataworks.core;

/** The process exit codes both CLIs promise (DESIGN.md, "CLI contract"). */
public enum ExitCode {
    /** The run did what was asked. */
    OK(0),
    /** The run failed: a permanent error, too many document errors, an unreachable host. */
    FAILED(1),
    /** The command line or the configuration is wrong; the message names the flag or key. */
    USAGE(2),
    /** Verification found a difference between source and target. */
    VERIFICATION_MISMATCH(3),
    /**
     * The run finished, but the target refused some documents ({@code --error-strategy continue}); they are in the
     * dead-letter file. Not 0: a script must not take the copy for complete.
     */
    COMPLETED_WITH_ERRORS(4),
    /** Stopped by Ctrl-C (SIGINT), after a final checkpoint: rerun the same command to resume. */
    INTERRUPTED_BY_SIGINT(130),
    /** Stopped by SIGTERM, after a final checkpoint: rerun the same command to resume. */
    INTERRUPTED_BY_SIGTERM(143);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
