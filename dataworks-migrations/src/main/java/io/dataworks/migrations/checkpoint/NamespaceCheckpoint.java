package io.dataworks.migrations.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;

/**
 * One namespace's checkpoint: what was copied from where to where (source and target identified by a
 * hash, never a connection string), with which strategy, along which plan, and how far each partition
 * got. Its stored form is canonical Extended JSON so every {@code _id} type round-trips exactly.
 */
public final class NamespaceCheckpoint {

    static final int VERSION = 1;
    private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).indent(true).build();

    private final String sourceEndpoint;
    private final String targetEndpoint;
    private final String strategy;
    private final NamespacePlan plan;
    private final List<PartitionProgress> partitions;

    public NamespaceCheckpoint(String sourceEndpoint, String targetEndpoint, String strategy, NamespacePlan plan,
                               List<PartitionProgress> partitions) {
        this.sourceEndpoint = Objects.requireNonNull(sourceEndpoint, "sourceEndpoint");
        this.targetEndpoint = Objects.requireNonNull(targetEndpoint, "targetEndpoint");
        this.strategy = Objects.requireNonNull(strategy, "strategy");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.partitions = List.copyOf(partitions);
    }

    /** A checkpoint with nothing copied yet; the endpoint identities are hashed here. */
    public static NamespaceCheckpoint start(String sourceIdentity, String targetIdentity, String strategy, NamespacePlan plan) {
        return new NamespaceCheckpoint(hash(sourceIdentity), hash(targetIdentity), strategy, plan,
                plan.partitions().stream().map(PartitionProgress::start).toList());
    }

    public String sourceEndpoint() {
        return sourceEndpoint;
    }

    public String targetEndpoint() {
        return targetEndpoint;
    }

    public String strategy() {
        return strategy;
    }

    public NamespacePlan plan() {
        return plan;
    }

    public List<PartitionProgress> partitions() {
        return partitions;
    }

    public boolean done() {
        return partitions.stream().allMatch(PartitionProgress::done);
    }

    public long documents() {
        return partitions.stream().mapToLong(PartitionProgress::documents).sum();
    }

    /** Hash of everything that must match for a checkpoint to be reused: endpoints, namespaces, strategy and plan. */
    public String fingerprint() {
        return hash(sourceEndpoint + "|" + plan.source() + "|" + targetEndpoint + "|" + plan.target() + "|" + strategy
                + "|" + planToBson(plan).toJson(JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build()));
    }

    /**
     * Why this stored checkpoint cannot be used for a run with these parameters, or {@code null} when it can.
     */
    public String mismatch(String sourceIdentity, String targetIdentity, Namespace target, String runStrategy,
                           BsonDocument runSourceFilter) {
        List<String> reasons = new ArrayList<>();
        if (!sourceEndpoint.equals(hash(sourceIdentity))) {
            reasons.add("a different source deployment");
        }
        if (!targetEndpoint.equals(hash(targetIdentity))) {
            reasons.add("a different target deployment");
        }
        if (!plan.target().equals(target)) {
            reasons.add("target " + plan.target() + " (now " + target + ")");
        }
        if (!strategy.equals(runStrategy)) {
            reasons.add("strategy '" + strategy + "' (now '" + runStrategy + "')");
        }
        BsonDocument filter = runSourceFilter == null ? new BsonDocument() : runSourceFilter;
        if (!plan.sourceFilter().equals(filter)) {
            reasons.add("source filter " + plan.sourceFilter().toJson() + " (now " + filter.toJson() + ")");
        }
        return reasons.isEmpty() ? null : String.join(", ", reasons);
    }

    public BsonDocument toBson() {
        BsonDocument doc = new BsonDocument("version", new BsonInt32(VERSION));
        doc.put("fingerprint", new BsonString(fingerprint()));
        doc.put("source", new BsonDocument("endpoint", new BsonString(sourceEndpoint))
                .append("namespace", new BsonString(plan.source().toString())));
        doc.put("target", new BsonDocument("endpoint", new BsonString(targetEndpoint))
                .append("namespace", new BsonString(plan.target().toString())));
        doc.put("strategy", new BsonString(strategy));
        doc.put("plan", planToBson(plan));
        BsonArray progress = new BsonArray();
        partitions.forEach(p -> progress.add(p.state().toBson()));
        doc.put("progress", progress);
        doc.put("updatedAt", new BsonDateTime(Instant.now().toEpochMilli()));
        return doc;
    }

    public String toJson() {
        return toBson().toJson(JSON);
    }

    /**
     * Reads the stored form. Throws {@link IllegalArgumentException} with the reason when it is not a
     * checkpoint of this version or its content does not match its fingerprint (edited by hand, or
     * written for another plan).
     */
    public static NamespaceCheckpoint fromBson(BsonDocument doc) {
        int version = doc.getInt32("version", new BsonInt32(-1)).getValue();
        if (version != VERSION) {
            throw new IllegalArgumentException("unsupported checkpoint version " + version + " (expected " + VERSION + ")");
        }
        BsonDocument source = doc.getDocument("source");
        BsonDocument target = doc.getDocument("target");
        NamespacePlan plan = planFromBson(doc.getDocument("plan"),
                Namespace.parse(source.getString("namespace").getValue()), Namespace.parse(target.getString("namespace").getValue()));
        Map<Integer, PartitionState> states = doc.getArray("progress").stream()
                .map(v -> PartitionState.fromBson(v.asDocument()))
                .collect(Collectors.toMap(PartitionState::index, Function.identity()));
        List<PartitionProgress> progress = new ArrayList<>();
        for (Partition partition : plan.partitions()) {
            PartitionState state = states.get(partition.index());
            progress.add(state == null ? PartitionProgress.start(partition)
                    : new PartitionProgress(partition, state.lastId(), state.documents(), state.done()));
        }
        NamespaceCheckpoint checkpoint = new NamespaceCheckpoint(source.getString("endpoint").getValue(),
                target.getString("endpoint").getValue(), doc.getString("strategy").getValue(), plan, progress);
        String stored = doc.getString("fingerprint").getValue();
        if (!stored.equals(checkpoint.fingerprint())) {
            throw new IllegalArgumentException("its plan does not match its fingerprint (written for another plan, or edited)");
        }
        return checkpoint;
    }

    public static NamespaceCheckpoint fromJson(String json) {
        return fromBson(BsonDocument.parse(json));
    }

    static BsonDocument planToBson(NamespacePlan plan) {
        return plan.toBson();
    }

    static NamespacePlan planFromBson(BsonDocument doc, Namespace source, Namespace target) {
        NamespacePlan plan = NamespacePlan.fromBson(doc);
        if (!plan.source().equals(source) || !plan.target().equals(target)) {
            throw new IllegalArgumentException("its plan is for " + plan.source() + " -> " + plan.target()
                    + ", not " + source + " -> " + target);
        }
        return plan;
    }

    /** SHA-256 (hex, first 32 characters) — how endpoints appear in a checkpoint. */
    static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
