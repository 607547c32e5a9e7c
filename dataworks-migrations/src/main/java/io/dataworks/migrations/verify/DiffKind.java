package io.dataworks.migrations.verify;

import java.util.Locale;

/** How a document differs between source and target. */
public enum DiffKind {
    /** In the source, not in the target. */
    MISSING,
    /** In the target, not in the source. */
    EXTRA,
    /** On both sides with different content (or the strategy's check failed). */
    DIFFERENT;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
