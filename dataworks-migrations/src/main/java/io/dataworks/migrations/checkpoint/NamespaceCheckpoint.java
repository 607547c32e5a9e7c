package io.dataworks.migrations.checkpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.plan.NamespacePlan;
import io.dataworks.migrations.plan.Partition;

/**
 * One namespace's copy record: the common {@link CheckpointHeader} (source and target identified by a hash, never a
 * connection string; strategy; plan fingerprint; target collection UUID), the plan, and how far each partition got.
 * Its stored form is canonical Extended JSON so every {@code _id} type round-trips exactly.
 */
public final class NamespaceCheckpoint {

    private final CheckpointHeader header;
    private final NamespacePlan plan;
    private final List<PartitionProgress> partitions;

    public NamespaceCheckpoint(CheckpointHeader header, NamespacePlan plan, List<PartitionProgress> partitions) {
        this.header = Objects.requireNonNull(header, "header");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.partitions = List.copyOf(partitions);
    }

    /** A checkpoint with nothing copied yet; the endpoint identities are hashed here. */
    public static NamespaceCheckpoint start(String sourceIdentity, String targetIdentity, String strategy, NamespacePlan plan) {
        return start(sourceIdentity, targetIdentity, strategy, plan, null);
    }

    /** A checkpoint with nothing copied yet, for a target collection with UUID {@code targetUuid} (null: unknown). */
    public static NamespaceCheckpoint start(String sourceIdentity, String targetIdentity, String strategy, NamespacePlan plan,
                                            String targetUuid) {
        return new NamespaceCheckpoint(CheckpointHeader.of(sourceIdentity, targetIdentity, plan.source(), plan.target(), strategy,
                fingerprintOf(plan), targetUuid), plan, plan.partitions().stream().map(PartitionProgress::start).toList());
    }

    public CheckpointHeader header() {
        return header;
    }

    public String sourceEndpoint() {
        return header.sourceEndpoint();
    }

    public String targetEndpoint() {
        return header.targetEndpoint();
    }

    public String strategy() {
        return header.strategy();
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

    /** Source documents acknowledged, over all runs. */
    public long documents() {
        return partitions.stream().mapToLong(PartitionProgress::documents).sum();
    }

    /** Documents the target acknowledged holding (written, or found already there), over all runs. */
    public long targetDocuments() {
        return partitions.stream().mapToLong(PartitionProgress::targetDocuments).sum();
    }

    /** The same record with the target collection's UUID, once it is known (the collection exists). */
    public NamespaceCheckpoint withTargetUuid(String uuid) {
        return new NamespaceCheckpoint(header.withTargetUuid(uuid), plan, partitions);
    }

    /** Hash of the plan: partitions, estimates, source filter. */
    public static String fingerprintOf(NamespacePlan plan) {
        return CheckpointHeader.hash(plan.toBson().toJson(JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build()));
    }

    /** Hash of everything that must match for a checkpoint to be reused: the header (endpoints, namespaces, strategy, plan). */
    public String fingerprint() {
        return CheckpointHeader.hash(header.toBson().toJson());
    }

    /**
     * Why this stored checkpoint cannot be used for a run with these parameters, or {@code null} when it can. The
     * target collection UUID is compared when both are known ({@code targetUuid} null: not known now).
     */
    public String mismatch(String sourceIdentity, String targetIdentity, Namespace target, String runStrategy,
                           BsonDocument runSourceFilter, String targetUuid) {
        CheckpointHeader run = CheckpointHeader.of(sourceIdentity, targetIdentity, plan.source(), target, runStrategy,
                header.planFingerprint(), targetUuid);
        String reasons = header.mismatch(run);
        BsonDocument filter = runSourceFilter == null ? new BsonDocument() : runSourceFilter;
        if (!plan.sourceFilter().equals(filter)) {
            String why = "source filter " + plan.sourceFilter().toJson() + " (now " + filter.toJson() + ")";
            reasons = reasons == null ? why : reasons + ", " + why;
        }
        return reasons;
    }

    public BsonDocument toBson() {
        BsonDocument doc = new BsonDocument("header", header.toBson());
        doc.put("plan", plan.toBson());
        BsonArray progress = new BsonArray();
        partitions.forEach(p -> progress.add(p.state().toBson()));
        doc.put("progress", progress);
        doc.put("updatedAt", new BsonDateTime(Instant.now().toEpochMilli()));
        return doc;
    }

    /**
     * Reads the stored form. Throws {@link IllegalArgumentException} with the reason when it is not a checkpoint of
     * this version or its plan does not match its fingerprint (edited by hand, or written for another plan).
     */
    public static NamespaceCheckpoint fromBson(BsonDocument doc) {
        if (!doc.containsKey("header")) {
            int version = doc.getInt32("version", new BsonInt32(-1)).getValue();
            throw new IllegalArgumentException("unsupported checkpoint version " + version + " (expected " + CheckpointHeader.VERSION + ")");
        }
        CheckpointHeader header = CheckpointHeader.fromBson(doc.getDocument("header"));
        if (header.version() != CheckpointHeader.VERSION) {
            throw new IllegalArgumentException("unsupported checkpoint version " + header.version() + " (expected "
                    + CheckpointHeader.VERSION + ")");
        }
        NamespacePlan plan = NamespacePlan.fromBson(doc.getDocument("plan"));
        if (!plan.source().equals(header.source()) || !plan.target().equals(header.target())) {
            throw new IllegalArgumentException("its plan is for " + plan.source() + " -> " + plan.target()
                    + ", not " + header.source() + " -> " + header.target());
        }
        if (!fingerprintOf(plan).equals(header.planFingerprint())) {
            throw new IllegalArgumentException("its plan does not match its fingerprint (written for another plan, or edited)");
        }
        Map<Integer, PartitionState> states = doc.getArray("progress").stream()
                .map(v -> PartitionState.fromBson(v.asDocument()))
                .collect(Collectors.toMap(PartitionState::index, Function.identity()));
        List<PartitionProgress> progress = new ArrayList<>();
        for (Partition partition : plan.partitions()) {
            PartitionState state = states.get(partition.index());
            progress.add(state == null ? PartitionProgress.start(partition)
                    : new PartitionProgress(partition, state.lastId(), state.documents(), state.targetDocuments(), state.done()));
        }
        return new NamespaceCheckpoint(header, plan, progress);
    }

    /**
     * The same record with the partition records of a distributed copy ({@link CheckpointStore#writePartition}) folded
     * in: per partition, whichever state got further (done, or more documents acknowledged).
     */
    public NamespaceCheckpoint withPartitionRecords(Map<Integer, PartitionState> records) {
        if (records.isEmpty()) {
            return this;
        }
        List<PartitionProgress> merged = new ArrayList<>(partitions.size());
        for (PartitionProgress p : partitions) {
            PartitionState record = records.get(p.partition().index());
            PartitionState own = p.state();
            boolean further = record != null && (record.done() && !own.done()
                    || record.done() == own.done() && record.documents() > own.documents());
            merged.add(further ? new PartitionProgress(p.partition(), record.lastId(), record.documents(), record.targetDocuments(),
                    record.done()) : p);
        }
        return new NamespaceCheckpoint(header, plan, merged);
    }

    /**
     * The copy record of {@code source} in {@code store}, with its partition records folded in
     * ({@link #withPartitionRecords}); an unusable record is a usage error naming it and {@code --fresh}.
     */
    public static Optional<NamespaceCheckpoint> load(CheckpointStore store, Namespace source) {
        return store.read(CheckpointStore.Kind.COPY, source).map(doc -> {
            try {
                NamespaceCheckpoint stored = fromBson(doc);
                return stored.withPartitionRecords(store.readPartitions(source, stored.header().planFingerprint()));
            } catch (IllegalArgumentException | org.bson.BsonInvalidOperationException e) {
                throw new io.dataworks.core.DataWorksException(io.dataworks.core.ExitCode.USAGE, "checkpoint "
                        + store.describe(CheckpointStore.Kind.COPY, source) + " cannot be used: " + e.getMessage()
                        + ". Rerun with --fresh to start " + source + " over, or pick another --checkpoint-dir", e);
            }
        });
    }

    /** Writes this record to {@code store}, replacing the namespace's copy record. */
    public void saveTo(CheckpointStore store) {
        store.write(CheckpointStore.Kind.COPY, plan.source(), toBson());
    }

    public String toJson() {
        return toBson().toJson(JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).indent(true).build());
    }

    public static NamespaceCheckpoint fromJson(String json) {
        return fromBson(BsonDocument.parse(json));
    }
}
