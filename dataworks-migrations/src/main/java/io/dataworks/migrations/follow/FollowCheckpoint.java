package io.dataworks.migrations.follow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import io.dataworks.migrations.Namespace;
import io.dataworks.core.io.AtomicFile;

/**
 * Where following a namespace stands: the start point captured before the copy
 * ({@code startAtOperationTime}), then the resume token of the last applied batch, and the events applied
 * so far by kind. Stored as canonical Extended JSON (the {@code follow} part of the namespace's follow record
 * in the checkpoint store) so that tokens and timestamps round-trip exactly; written atomically.
 *
 * @param resumeToken          resume after this event; {@code null} until the first batch was applied
 * @param startAtOperationTime where to start when there is no token yet
 * @param applied              events applied so far, by kind ({@code insert}, {@code update}, {@code replace},
 *                             {@code delete}, {@code upsert} for Cosmos DB events, {@code skipped})
 */
public record FollowCheckpoint(Namespace source, Namespace target, BsonDocument resumeToken, BsonTimestamp startAtOperationTime,
                               Map<String, Long> applied) {

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).indent(true).build();

    public FollowCheckpoint {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        if (resumeToken == null && startAtOperationTime == null) {
            throw new IllegalArgumentException("a follow checkpoint needs a resume token or a start time: " + source);
        }
        applied = Map.copyOf(applied);
    }

    public FollowCheckpoint withProgress(BsonDocument token, Map<String, Long> appliedTotal) {
        return new FollowCheckpoint(source, target, token, startAtOperationTime, appliedTotal);
    }

    public BsonDocument toBson() {
        BsonDocument doc = new BsonDocument("source", new BsonString(source.toString()))
                .append("target", new BsonString(target.toString()));
        if (resumeToken != null) {
            doc.append("resumeToken", resumeToken);
        }
        if (startAtOperationTime != null) {
            doc.append("startAtOperationTime", startAtOperationTime);
        }
        BsonDocument counts = new BsonDocument();
        new java.util.TreeMap<>(applied).forEach((k, v) -> counts.append(k, new BsonInt64(v)));
        return doc.append("applied", counts);
    }

    public static FollowCheckpoint fromBson(BsonDocument doc) {
        Map<String, Long> applied = new LinkedHashMap<>();
        for (Map.Entry<String, BsonValue> e : doc.getDocument("applied", new BsonDocument()).entrySet()) {
            applied.put(e.getKey(), e.getValue().asNumber().longValue());
        }
        return new FollowCheckpoint(
                Namespace.parse(doc.getString("source").getValue()),
                Namespace.parse(doc.getString("target").getValue()),
                doc.containsKey("resumeToken") ? doc.getDocument("resumeToken") : null,
                doc.containsKey("startAtOperationTime") ? doc.getTimestamp("startAtOperationTime") : null,
                applied);
    }

    /**
     * The follow record of {@code source} in {@code store} (the {@code follow} part of the record; its header is
     * checked by the follower), for tools and tests.
     */
    public static Optional<FollowCheckpoint> load(io.dataworks.migrations.checkpoint.CheckpointStore store, Namespace source) {
        return store.read(io.dataworks.migrations.checkpoint.CheckpointStore.Kind.FOLLOW, source)
                .map(doc -> fromBson(doc.isDocument("follow") ? doc.getDocument("follow") : doc));
    }
}
