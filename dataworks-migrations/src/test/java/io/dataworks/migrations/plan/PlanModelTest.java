package io.dataworks.migrations.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.UuidRepresentation;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import io.dataworks.migrations.Namespace;

class PlanModelTest {

    private static final Namespace SRC = new Namespace("shop", "orders");
    private static final Namespace DST = new Namespace("archive", "orders_v2");

    private static NamespacePlan mixedPlan() {
        return new NamespacePlan(SRC, DST, 1234, 56789, "sample", List.of(
                new Partition(0, "number", null, new BsonInt32(100)),
                new Partition(1, "number", new BsonInt32(100), new BsonDouble(250.5)),
                new Partition(2, "number", new BsonDouble(250.5), null),
                new Partition(3, "string", null, null),
                new Partition(4, "object", null, new BsonDocument("a", new BsonInt64(7))),
                new Partition(5, "object", new BsonDocument("a", new BsonInt64(7)), null),
                new Partition(6, "binData", null, new BsonBinary(new UUID(1, 2), UuidRepresentation.STANDARD)),
                new Partition(7, "binData", new BsonBinary(new UUID(1, 2), UuidRepresentation.STANDARD), null),
                new Partition(8, "objectId", null, new BsonObjectId(new ObjectId("5f0000000000000000000000"))),
                new Partition(9, "objectId", new BsonObjectId(new ObjectId("5f0000000000000000000000")), null),
                new Partition(10, "date", null, null)),
                new BsonDocument("status", new BsonString("active")));
    }

    @Test
    void planRoundTripsThroughBsonAndJsonWithExactTypes() {
        MigrationPlan plan = MigrationPlan.of(List.of(mixedPlan(), new NamespacePlan(new Namespace("shop", "tiny"),
                new Namespace("archive", "tiny"), 3, 100, "single", List.of(Partition.fullRange(0)))));

        MigrationPlan back = MigrationPlan.fromJson(plan.toJson());

        assertThat(back).isEqualTo(plan);
        assertThat(back.namespaces().get(0).partitions().get(4).max()).isEqualTo(new BsonDocument("a", new BsonInt64(7)));
        assertThat(back.namespaces().get(0).partitions().get(6).max().asBinary().getType()).isEqualTo((byte) 4);
        assertThat(MigrationPlan.fromBson(plan.toBson())).isEqualTo(plan);
        assertThat(back.estimatedDocuments()).isEqualTo(1237);
        assertThat(back.partitionCount()).isEqualTo(12);
    }

    @Test
    void fingerprintIsStableAndSeesEveryBoundAndType() {
        MigrationPlan a = MigrationPlan.of(List.of(mixedPlan()));
        MigrationPlan b = MigrationPlan.of(List.of(mixedPlan()));
        assertThat(a.fingerprint()).isEqualTo(b.fingerprint()).matches("[0-9a-f]{64}");

        // 100 as a long instead of an int: same value, different BSON, different plan
        List<Partition> parts = new java.util.ArrayList<>(mixedPlan().partitions());
        parts.set(0, new Partition(0, "number", null, new BsonInt64(100)));
        NamespacePlan changed = new NamespacePlan(SRC, DST, 1234, 56789, "sample", parts, mixedPlan().sourceFilter());
        assertThat(MigrationPlan.of(List.of(changed)).fingerprint()).isNotEqualTo(a.fingerprint());

        // estimates and partitioner name do not change which documents are read
        NamespacePlan reestimated = new NamespacePlan(SRC, DST, 99, 99, "splitVector", mixedPlan().partitions(), mixedPlan().sourceFilter());
        assertThat(MigrationPlan.of(List.of(reestimated)).fingerprint()).isEqualTo(a.fingerprint());

        NamespacePlan otherFilter = new NamespacePlan(SRC, DST, 1234, 56789, "sample", mixedPlan().partitions());
        assertThat(MigrationPlan.of(List.of(otherFilter)).fingerprint()).isNotEqualTo(a.fingerprint());
    }

    @Test
    void alteredStoredPlanIsRefused() {
        BsonDocument stored = MigrationPlan.of(List.of(mixedPlan())).toBson();
        stored.getArray("namespaces").get(0).asDocument().getArray("partitions").get(0).asDocument().put("max", new BsonInt32(101));
        assertThatThrownBy(() -> MigrationPlan.fromBson(stored))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not match its content");

        BsonDocument future = MigrationPlan.of(List.of(mixedPlan())).toBson().append("version", new BsonInt32(99));
        assertThatThrownBy(() -> MigrationPlan.fromBson(future)).hasMessageContaining("unsupported plan format version 99");
    }

    @Test
    void mismatchNamesBothRoutes() {
        MigrationPlan stored = MigrationPlan.of(List.of(mixedPlan()));
        NamespacePlan otherTarget = new NamespacePlan(SRC, new Namespace("x", "y"), 1, 1, "single", List.of(Partition.fullRange(0)),
                mixedPlan().sourceFilter());
        assertThat(stored.mismatch(MigrationPlan.of(List.of(otherTarget)))).get().asString()
                .contains("shop.orders -> archive.orders_v2", "shop.orders -> x.y", "--fresh");
        NamespacePlan resampled = new NamespacePlan(SRC, DST, 1, 1, "objectIdTime", List.of(Partition.fullRange(0)), mixedPlan().sourceFilter());
        assertThat(stored.mismatch(MigrationPlan.of(List.of(resampled)))).isEmpty();
    }

    @Test
    void partitionsMustBeNumberedInOrder() {
        assertThatThrownBy(() -> new NamespacePlan(SRC, DST, 0, 0, "single", List.of(Partition.fullRange(1))))
                .hasMessageContaining("numbered 0..0");
    }

    @Test
    void readFilterCombinesRangeResumePointAndSourceFilter() {
        NamespacePlan plan = mixedPlan();
        Partition p = plan.partitions().get(1);
        assertThat(plan.readFilter(p, new BsonInt32(150))).isEqualTo(BsonDocument.parse(
                "{$and: [{$and: [{_id: {$type: 'number'}}, {_id: {$gt: 150}}, {_id: {$lt: 250.5}}]}, {status: 'active'}]}"));
        NamespacePlan unfiltered = new NamespacePlan(SRC, DST, 0, 0, "single", List.of(Partition.fullRange(0)));
        assertThat(unfiltered.readFilter(Partition.fullRange(0), null)).isEmpty();
    }

    @Test
    void renamingParsesSpecsAndAppliesTargetDatabase() {
        Renaming r = Renaming.parse("archive", List.of("orders:orders_v2", "customers"));
        assertThat(r.apply(SRC)).isEqualTo(DST);
        assertThat(r.apply(new Namespace("shop", "customers"))).isEqualTo(new Namespace("archive", "customers"));
        assertThat(Renaming.none().apply(SRC)).isEqualTo(SRC);
        assertThat(Renaming.sourceNames(List.of("orders:orders_v2", "customers"))).containsExactly("orders", "customers");
        assertThatThrownBy(() -> Renaming.parse(null, List.of("orders:"))).hasMessageContaining("'orders:'");
    }

    @Test
    void optionsDecideWhatIsSplit() {
        PlanOptions o = PlanOptions.defaults();
        assertThat(o.effectiveTargetPartitions()).isEqualTo(8);
        assertThat(o.shouldSplit(9_999, 1_000_000)).isFalse();
        assertThat(o.shouldSplit(10_000, 1_000_000)).isTrue();
        assertThat(o.shouldSplit(5, 64L * 1024 * 1024)).isTrue();
        assertThat(o.withTargetPartitionsPerCollection(1).shouldSplit(1_000_000, 0)).isFalse();
        assertThat(o.effectiveSampleSize(8)).isEqualTo(1000);
        assertThat(o.effectiveSampleSize(100)).isEqualTo(5000);
        assertThatThrownBy(() -> o.withParallelCursors(0)).hasMessageContaining("parallelCursors");
        assertThatThrownBy(() -> Planner.create(o.withPartitioners(List.of("bucketAuto"))))
                .hasMessageContaining("unknown partitioner 'bucketAuto'").hasMessageContaining("splitVector");
    }

    @Test
    void optionsComeFromConfiguration(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        PlanOptions o = PlanOptions.fromConfig(io.dataworks.core.config.ConfigLoader.load(java.util.Map.of(
                "FRAMEWORK_PARALLEL_CURSORS", "3",
                PlanOptions.KEY_PARTITIONS, "12",
                PlanOptions.KEY_MIN_DOCUMENTS_TO_SPLIT, "500",
                PlanOptions.KEY_PARTITIONERS, "sample, single"), dir, java.util.Map.of()));
        assertThat(o).isEqualTo(new PlanOptions(3, 500, 64L * 1024 * 1024, 12, 0, List.of("sample", "single"), true));
        assertThat(PlanOptions.fromConfig(io.dataworks.core.config.ConfigLoader.load(java.util.Map.of(), dir, java.util.Map.of())).partitioners())
                .isEqualTo(PlanOptions.DEFAULT_CHAIN);
        assertThatThrownBy(() -> PlanOptions.fromConfig(io.dataworks.core.config.ConfigLoader.load(java.util.Map.of(
                PlanOptions.KEY_PARTITIONERS, "bucketAuto"), dir, java.util.Map.of())))
                .isInstanceOf(io.dataworks.core.config.ConfigException.class).hasMessageContaining("unknown partitioner 'bucketAuto'");
    }

    @Test
    void printerShowsNamespacesEstimatesAndBounds() {
        String text = PlanPrinter.format(MigrationPlan.of(List.of(mixedPlan())));
        assertThat(text)
                .contains("1 namespace(s), ~1,234 documents, ~55.5 KiB, 11 partition(s)")
                .contains("shop.orders -> archive.orders_v2")
                .contains("partitions: 11 by sample (_id types: number ×3, string ×1, object ×2, binData ×2, objectId ×2, date ×1)")
                .contains("source filter: {\"status\": \"active\"}")
                .contains("#1 [number] [100, 250.5)")
                .contains("#3 [string] whole bracket")
                .contains("#9 [objectId] [ObjectId(\"5f0000000000000000000000\"), end)");
        assertThat(PlanPrinter.describe(Partition.fullRange(0))).isEqualTo("#0 [any type] whole collection");
    }

    @Test
    void printerElidesLongPartitionLists() {
        List<Partition> many = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            many.add(new Partition(i, "number", i == 0 ? null : new BsonInt32(i), i == 39 ? null : new BsonInt32(i + 1)));
        }
        String text = PlanPrinter.format(MigrationPlan.of(List.of(new NamespacePlan(SRC, DST, 0, 0, "sample", many))));
        assertThat(text).contains("#5 [number]", "... 28 more", "#34 [number]").doesNotContain("#6 [number]");
    }
}
