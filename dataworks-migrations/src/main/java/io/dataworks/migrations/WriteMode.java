package io.dataworks.migrations;

import java.util.Locale;

/** How documents reach the target. */
public enum WriteMode {
    /** Unordered {@code insertMany}; a duplicate-key error means the document was already copied (rerun-safe). */
    INSERT,
    /** Unordered bulk of {@code replaceOne(filter, doc, upsert: true)}, filter by {@code _id} or the match fields. */
    UPSERT,
    /** Same as {@link #UPSERT}: replaces the target's document with the source's, inserting it when missing. */
    REPLACE;

    public static WriteMode parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown write mode '" + value + "' (expected insert, upsert or replace)", e);
        }
    }
}
