package io.dataworks.migrations.index;

import java.util.List;
import java.util.Objects;

import org.bson.BsonDocument;

/**
 * What happened to one source index on the target.
 *
 * @param droppedOptions options removed before creating it because the target flavour does not take them
 * @param reason         why it failed (the server's message), {@code null} unless {@link Status#FAILED}
 */
public record IndexResult(String name, BsonDocument key, boolean unique, Status status, String reason, List<String> droppedOptions) {

    public enum Status {
        /** Built by this run. */
        CREATED,
        /** The target already had it with the same definition. */
        EXISTS,
        /** The target refused it; the copy goes on without it. */
        FAILED
    }

    public IndexResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        key = key == null ? new BsonDocument() : key;
        droppedOptions = List.copyOf(droppedOptions);
    }

    public boolean failed() {
        return status == Status.FAILED;
    }

    @Override
    public String toString() {
        String text = name + " " + key.toJson() + (unique ? " unique" : "") + ": " + status.name().toLowerCase(java.util.Locale.ROOT);
        if (reason != null) {
            text += " (" + reason + ")";
        }
        if (!droppedOptions.isEmpty()) {
            text += " [dropped " + String.join(", ", droppedOptions) + "]";
        }
        return text;
    }
}
