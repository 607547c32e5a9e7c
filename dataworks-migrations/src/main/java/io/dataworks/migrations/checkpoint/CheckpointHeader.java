package io.dataworks.migrations.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

import io.dataworks.migrations.Namespace;

/**
 * What every record of the {@link CheckpointStore} starts with, so that copy, verification and follow records are
 * accepted or refused by the same rules: the format version, the source and target deployments (hashes of their host
 * lists, never a connection string), the namespaces, the strategy, the fingerprint of the plan the record was made
 * along, and the target collection's identity where the server tells it (the collection UUID from
 * {@code listCollections}; {@code null} where it does not, e.g. Cosmos DB).
 */
public record CheckpointHeader(int version, String sourceEndpoint, String targetEndpoint, Namespace source, Namespace target,
                               String strategy, String planFingerprint, String targetUuid) {

    /** Version 2: one store for copy, verify and follow records; injective file names; target identity. */
    public static final int VERSION = 2;

    public CheckpointHeader {
        Objects.requireNonNull(sourceEndpoint, "sourceEndpoint");
        Objects.requireNonNull(targetEndpoint, "targetEndpoint");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(planFingerprint, "planFingerprint");
    }

    /** A header of this version; the identities are hashed here. */
    public static CheckpointHeader of(String sourceIdentity, String targetIdentity, Namespace source, Namespace target,
                                      String strategy, String planFingerprint, String targetUuid) {
        return new CheckpointHeader(VERSION, hash(sourceIdentity), hash(targetIdentity), source, target, strategy,
                planFingerprint, targetUuid);
    }

    public CheckpointHeader withTargetUuid(String value) {
        return new CheckpointHeader(version, sourceEndpoint, targetEndpoint, source, target, strategy, planFingerprint, value);
    }

    /**
     * Why a record with this header cannot be used by a run whose own header is {@code run}, or {@code null} when it
     * can. The target UUID is compared only when both are known.
     */
    public String mismatch(CheckpointHeader run) {
        List<String> reasons = new ArrayList<>();
        if (version != run.version) {
            reasons.add("format version " + version + " (this DataWorks writes " + run.version + ")");
        }
        if (!sourceEndpoint.equals(run.sourceEndpoint)) {
            reasons.add("a different source deployment");
        }
        if (!targetEndpoint.equals(run.targetEndpoint)) {
            reasons.add("a different target deployment");
        }
        if (!source.equals(run.source)) {
            reasons.add("source " + source + " (now " + run.source + ")");
        }
        if (!target.equals(run.target)) {
            reasons.add("target " + target + " (now " + run.target + ")");
        }
        if (!strategy.equals(run.strategy)) {
            reasons.add("strategy '" + strategy + "' (now '" + run.strategy + "')");
        }
        if (!planFingerprint.equals(run.planFingerprint)) {
            reasons.add("another plan");
        }
        if (targetUuid != null && run.targetUuid != null && !targetUuid.equals(run.targetUuid)) {
            reasons.add("target collection " + target + " with UUID " + targetUuid + " (now " + run.targetUuid
                    + ": it was dropped and created again)");
        }
        return reasons.isEmpty() ? null : String.join(", ", reasons);
    }

    public BsonDocument toBson() {
        BsonDocument doc = new BsonDocument("version", new BsonInt32(version))
                .append("sourceEndpoint", new BsonString(sourceEndpoint))
                .append("targetEndpoint", new BsonString(targetEndpoint))
                .append("source", new BsonString(source.toString()))
                .append("target", new BsonString(target.toString()))
                .append("strategy", new BsonString(strategy))
                .append("planFingerprint", new BsonString(planFingerprint));
        if (targetUuid != null) {
            doc.append("targetUuid", new BsonString(targetUuid));
        }
        return doc;
    }

    /** Reads a stored header; {@link IllegalArgumentException} names what is missing. */
    public static CheckpointHeader fromBson(BsonDocument doc) {
        if (doc == null) {
            throw new IllegalArgumentException("it has no header (written by DataWorks before format version " + VERSION + ")");
        }
        try {
            return new CheckpointHeader(doc.getInt32("version").getValue(), doc.getString("sourceEndpoint").getValue(),
                    doc.getString("targetEndpoint").getValue(), Namespace.parse(doc.getString("source").getValue()),
                    Namespace.parse(doc.getString("target").getValue()), doc.getString("strategy").getValue(),
                    doc.getString("planFingerprint").getValue(),
                    doc.containsKey("targetUuid") ? doc.getString("targetUuid").getValue() : null);
        } catch (org.bson.BsonInvalidOperationException e) {
            throw new IllegalArgumentException("its header is incomplete: " + e.getMessage(), e);
        }
    }

    /** SHA-256 (hex, first 32 characters): how endpoints and plans appear in records. */
    public static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
