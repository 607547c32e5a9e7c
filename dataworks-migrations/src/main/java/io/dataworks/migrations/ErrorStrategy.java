package io.dataworks.migrations;

import java.util.Locale;

/** What the engine does when a document cannot be written for a permanent reason (it is always dead-lettered). */
public enum ErrorStrategy {
    /** Keep copying; give up only when more than {@code maxErrors} documents failed (0 = no limit). */
    CONTINUE,
    /** Stop the run at the first failed document, with a final checkpoint before its batch. */
    STOP;

    public static ErrorStrategy parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown error strategy '" + value + "' (expected continue or stop)", e);
        }
    }
}
