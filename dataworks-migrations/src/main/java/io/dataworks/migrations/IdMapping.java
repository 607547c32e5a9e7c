package io.dataworks.migrations;

import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.bson.BsonValue;

/**
 * How a strategy maps a source document's {@code _id} to the {@code _id} of what it writes on the target, declared by
 * {@link MigrationStrategy#idMapping()}. Verification looks target documents up by it, {@code --reconcile-deletes}
 * decides by it which target documents the source no longer has, and {@code --follow} deletes by it.
 *
 * <ul>
 * <li>{@link #same()}: the target document has the source's {@code _id} (the default of every strategy that keeps
 * {@code _id}, the built-in {@code copy} included).</li>
 * <li>{@link #of(UnaryOperator, UnaryOperator)}: a one-to-one mapping with its inverse.</li>
 * <li>{@link #unknown(String)}: the strategy cannot say (it splits documents, or derives {@code _id}s from content);
 * what needs the mapping refuses to run and prints the reason, rather than delete or report the wrong documents.</li>
 * </ul>
 */
public final class IdMapping {

    private static final IdMapping SAME = new IdMapping(UnaryOperator.identity(), UnaryOperator.identity(), null);

    private final UnaryOperator<BsonValue> toTarget;
    private final UnaryOperator<BsonValue> toSource;
    private final String unknownBecause;

    private IdMapping(UnaryOperator<BsonValue> toTarget, UnaryOperator<BsonValue> toSource, String unknownBecause) {
        this.toTarget = toTarget;
        this.toSource = toSource;
        this.unknownBecause = unknownBecause;
    }

    /** Target {@code _id} = source {@code _id}. */
    public static IdMapping same() {
        return SAME;
    }

    /** A one-to-one mapping: {@code toSource.apply(toTarget.apply(id))} must give {@code id} back. */
    public static IdMapping of(UnaryOperator<BsonValue> toTarget, UnaryOperator<BsonValue> toSource) {
        return new IdMapping(Objects.requireNonNull(toTarget, "toTarget"), Objects.requireNonNull(toSource, "toSource"), null);
    }

    /** No mapping can be given; {@code reason} is shown to the user (e.g. "one source order becomes one document per line"). */
    public static IdMapping unknown(String reason) {
        Objects.requireNonNull(reason, "reason");
        return new IdMapping(null, null, reason);
    }

    public boolean isKnown() {
        return unknownBecause == null;
    }

    public boolean isSame() {
        return this == SAME;
    }

    /** Why the mapping is unknown; empty when it is known. */
    public Optional<String> unknownBecause() {
        return Optional.ofNullable(unknownBecause);
    }

    /** The target {@code _id} of the document written for source {@code _id} {@code sourceId}. */
    public BsonValue toTarget(BsonValue sourceId) {
        requireKnown();
        return toTarget.apply(sourceId);
    }

    /** The source {@code _id} a target {@code _id} came from. */
    public BsonValue toSource(BsonValue targetId) {
        requireKnown();
        return toSource.apply(targetId);
    }

    private void requireKnown() {
        if (unknownBecause != null) {
            throw new IllegalStateException("the strategy declares no _id mapping: " + unknownBecause);
        }
    }

    @Override
    public String toString() {
        return isSame() ? "same _id" : isKnown() ? "mapped _id" : "unknown (" + unknownBecause + ")";
    }
}
