package io.dataworks.migrations.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import io.dataworks.migrations.Namespace;

/**
 * The plan of a whole run: one {@link NamespacePlan} per collection and a fingerprint.
 *
 * <p>The fingerprint is a SHA-256 over what decides which document a partition reads (source, target,
 * source filter, every partition's type bracket and bounds, with exact BSON types), not over the
 * estimates or the partitioner's name. A checkpoint stores it next to its per-partition positions
 * and refuses to apply them to a plan with another fingerprint.
 */
public record MigrationPlan(List<NamespacePlan> namespaces, String fingerprint) {

    /** Bumped when the stored form changes incompatibly. */
    public static final int FORMAT_VERSION = 1;

    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    public MigrationPlan {
        namespaces = List.copyOf(namespaces);
        Objects.requireNonNull(fingerprint, "fingerprint");
        String expected = fingerprintOf(namespaces);
        if (!expected.equals(fingerprint)) {
            throw new IllegalArgumentException("plan fingerprint " + fingerprint + " does not match its content ("
                    + expected + "): the stored plan was altered or written by an incompatible version");
        }
    }

    public static MigrationPlan of(List<NamespacePlan> namespaces) {
        return new MigrationPlan(namespaces, fingerprintOf(List.copyOf(namespaces)));
    }

    public long estimatedDocuments() {
        return namespaces.stream().mapToLong(NamespacePlan::estimatedDocuments).sum();
    }

    public long estimatedBytes() {
        return namespaces.stream().mapToLong(NamespacePlan::estimatedBytes).sum();
    }

    public int partitionCount() {
        return namespaces.stream().mapToInt(n -> n.partitions().size()).sum();
    }

    public Optional<NamespacePlan> namespace(Namespace source) {
        return namespaces.stream().filter(n -> n.source().equals(source)).findFirst();
    }

    /**
     * Why a stored plan (this) cannot serve a run that asks for {@code requested}: empty when both copy
     * the same source namespaces to the same targets with the same source filters (partition bounds may
     * differ: a sampled plan is not reproducible, and the stored one is the one to resume), else a
     * message for the user.
     */
    public Optional<String> mismatch(MigrationPlan requested) {
        Objects.requireNonNull(requested, "requested");
        List<String> mine = namespaces.stream().map(MigrationPlan::routeOf).sorted().toList();
        List<String> theirs = requested.namespaces.stream().map(MigrationPlan::routeOf).sorted().toList();
        if (mine.equals(theirs)) {
            return Optional.empty();
        }
        return Optional.of("the checkpoint was taken for " + mine + " but this run copies " + theirs
                + ": use the same source, target and strategy, another --checkpoint-dir, or --fresh");
    }

    private static String routeOf(NamespacePlan n) {
        return n.source() + " -> " + n.target() + (n.sourceFilter().isEmpty() ? "" : " where " + n.sourceFilter().toJson(CANONICAL));
    }

    public BsonDocument toBson() {
        BsonArray list = new BsonArray();
        namespaces.forEach(n -> list.add(n.toBson()));
        return new BsonDocument("version", new BsonInt32(FORMAT_VERSION))
                .append("fingerprint", new BsonString(fingerprint))
                .append("namespaces", list);
    }

    /**
     * Reads a stored plan.
     *
     * @throws IllegalArgumentException when the version is unknown or the fingerprint does not match
     */
    public static MigrationPlan fromBson(BsonDocument doc) {
        Objects.requireNonNull(doc, "doc");
        int version = doc.getInt32("version", new BsonInt32(-1)).getValue();
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("unsupported plan format version " + version + " (expected " + FORMAT_VERSION + ")");
        }
        List<NamespacePlan> list = new ArrayList<>();
        for (BsonValue v : doc.getArray("namespaces")) {
            list.add(NamespacePlan.fromBson(v.asDocument()));
        }
        return new MigrationPlan(list, doc.getString("fingerprint").getValue());
    }

    /** Canonical Extended JSON (keeps int vs long vs double, binary subtypes, dates exactly). */
    public String toJson() {
        return toBson().toJson(CANONICAL);
    }

    public static MigrationPlan fromJson(String json) {
        return fromBson(BsonDocument.parse(json));
    }

    static String fingerprintOf(List<NamespacePlan> namespaces) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
        update(sha, "dataworks-plan-v" + FORMAT_VERSION);
        for (NamespacePlan n : namespaces) {
            update(sha, n.source().toString());
            update(sha, n.target().toString());
            update(sha, n.sourceFilter().toJson(CANONICAL));
            for (Partition p : n.partitions()) {
                update(sha, p.toBson().toJson(CANONICAL));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void update(MessageDigest sha, String part) {
        byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
        sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(bytes);
    }
}
